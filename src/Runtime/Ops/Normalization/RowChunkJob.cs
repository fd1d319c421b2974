using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>
/// A pass over rows of <see cref="N"/> values with three inputs and one output, split into chunks of rows for
/// <see cref="ForkJoin"/> (the fused normalization kernels). One job per calling thread is
/// reused, so a call allocates nothing; <see cref="Clear"/> drops the pointers when the pass is over.
/// </summary>
internal abstract unsafe class RowChunkJob
{
    private int _rows, _perChunk;
    private bool _double;

    protected RowChunkJob() => Body = Run;

    /// <summary>The first input, second input, third input and output of the pass.</summary>
    protected void* A, B, C, Out;

    /// <summary>Values per row.</summary>
    protected int N;

    /// <summary>The op's epsilon.</summary>
    protected double Epsilon;

    /// <summary>Runs one chunk of rows (the delegate handed to the fork-join pool).</summary>
    public Action<int> Body { get; }

    /// <summary>Sets the pass's operands: <paramref name="rows"/> rows, <paramref name="perChunk"/> rows per chunk.</summary>
    public void Set(void* a, void* b, void* c, void* output, int rows, int n, int perChunk, bool isDouble, double epsilon)
    {
        A = a;
        B = b;
        C = c;
        Out = output;
        (_rows, N, _perChunk, _double, Epsilon) = (rows, n, perChunk, isDouble, epsilon);
    }

    /// <summary>Forgets the operands once the pass is over.</summary>
    public void Clear() => A = B = C = Out = null;

    private void Run(int chunk)
    {
        int first = chunk * _perChunk, last = Math.Min(_rows, first + _perChunk);
        if (_double) RowsDouble(first, last);
        else RowsSingle(first, last);
    }

    /// <summary>Rows <paramref name="first"/> to <paramref name="last"/> (exclusive) in float32.</summary>
    protected abstract void RowsSingle(int first, int last);

    /// <summary>Rows <paramref name="first"/> to <paramref name="last"/> (exclusive) in float64.</summary>
    protected abstract void RowsDouble(int first, int last);
}
