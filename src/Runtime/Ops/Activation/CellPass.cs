using System.Numerics;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>
/// The row kernel of a fused recurrent-cell op (<see cref="LstmCellUpdateOp"/>, <see cref="GruCellUpdateOp"/> and their
/// gradient ops): rows <c>first</c> to <c>last</c> (exclusive) of a step of <c>batch</c> rows, reading up to four
/// inputs and writing the output, each span the whole step's.
/// </summary>
internal interface ICellKernel
{
    /// <summary>Computes rows <paramref name="first"/> to <paramref name="last"/> (exclusive), with the element type's sigmoid and tanh kernels.</summary>
    static abstract void Rows<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> c, ReadOnlySpan<T> d, Span<T> output, int batch, int units, int first, int last,
        CellActivation<T> sigmoid, CellActivation<T> tanh) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>An activation kernel over a span (<see cref="SigmoidKernel"/>, <see cref="TanhKernel"/>).</summary>
internal delegate void CellActivation<T>(ReadOnlySpan<T> x, Span<T> destination);

/// <summary>
/// Runs an <see cref="ICellKernel"/> over a step's rows: on the calling thread when the step has fewer than
/// <see cref="ParallelGates"/> gate values, else split over the fork-join pool in fixed chunks of whole rows (about
/// <see cref="ChunkGates"/> gate values each). A row's values do not depend on the thread that computes it, so the bits
/// are one thread's. One job per kernel type and calling thread is reused: a planned run allocates nothing.
/// </summary>
internal static unsafe class CellPass
{
    /// <summary>Steps with at least this many gate values split their rows over the cores.</summary>
    public const int ParallelGates = 1 << 14;

    /// <summary>About this many gate values per chunk of rows.</summary>
    public const int ChunkGates = 1 << 13;

    /// <summary>
    /// An op's whole <c>Compute</c>: the output (not zeroed: the kernel writes all of it), <typeparamref name="TKernel"/>
    /// over the up to four inputs' lent spans, the inputs kept alive to the end. The batch and the units come from the
    /// <c>(batch, units)</c> state input <paramref name="stateInput"/>; a row has <paramref name="gatesPerUnit"/> gate
    /// values per unit.
    /// </summary>
    public static Tensor Compute<TKernel>(ReadOnlySpan<Tensor> inputs, KernelOutput output, int stateInput, int gatesPerUnit) where TKernel : ICellKernel
    {
        var r = output.Allocate(zeroed: false);
        int batch = inputs[stateInput].Shape[0], units = inputs[stateInput].Shape[1];
        if (r.DType == DType.Float32)
            Run<TKernel, float>(Lent<float>(inputs, 0), Lent<float>(inputs, 1), Lent<float>(inputs, 2), Lent<float>(inputs, 3), r.Lend<float>(), batch, units, gatesPerUnit * units);
        else
            Run<TKernel, double>(Lent<double>(inputs, 0), Lent<double>(inputs, 1), Lent<double>(inputs, 2), Lent<double>(inputs, 3), r.Lend<double>(), batch, units, gatesPerUnit * units);
        foreach (var input in inputs) GC.KeepAlive(input);
        return r;
    }

    private static ReadOnlySpan<T> Lent<T>(ReadOnlySpan<Tensor> inputs, int index) where T : unmanaged
        => index < inputs.Length ? inputs[index].Lend<T>() : default;

    /// <summary>Runs <typeparamref name="TKernel"/> on every row; <paramref name="gates"/> is the number of gate values per row.</summary>
    public static void Run<TKernel, T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> c, ReadOnlySpan<T> d, Span<T> output, int batch, int units, int gates)
        where TKernel : ICellKernel where T : unmanaged, IFloatingPointIeee754<T>
    {
        if ((long)batch * gates < ParallelGates || ForkJoin.MaxParallelism == 1 || batch < 2)
        {
            TKernel.Rows(a, b, c, d, output, batch, units, 0, batch, Activations<T>.Sigmoid, Activations<T>.Tanh);
            return;
        }
        int perChunk = Math.Max(1, ChunkGates / gates);
        fixed (T* pa = a, pb = b, pc = c, pd = d, po = output)
        {
            var job = Job<TKernel>.Current ??= new Job<TKernel>();
            job.Set(pa, a.Length, pb, b.Length, pc, c.Length, pd, d.Length, po, output.Length, batch, units, perChunk, typeof(T) == typeof(double));
            try { ForkJoin.RunChunks((batch + perChunk - 1) / perChunk, job.Body); }
            finally { job.Clear(); }
        }
    }

    /// <summary>A step's operands as pointers and lengths while the pool runs its chunks.</summary>
    private sealed class Job<TKernel> where TKernel : ICellKernel
    {
        [ThreadStatic] public static Job<TKernel>? Current;

        private void* _a, _b, _c, _d, _output;
        private int _la, _lb, _lc, _ld, _lOutput, _batch, _units, _perChunk;
        private bool _double;

        public Job() => Body = Run;

        /// <summary>Runs one chunk of rows (the delegate handed to the pool).</summary>
        public Action<int> Body { get; }

        public void Set(void* a, int la, void* b, int lb, void* c, int lc, void* d, int ld, void* output, int lOutput, int batch, int units, int perChunk, bool isDouble)
        {
            _a = a;
            _b = b;
            _c = c;
            _d = d;
            _output = output;
            (_la, _lb, _lc, _ld, _lOutput) = (la, lb, lc, ld, lOutput);
            (_batch, _units, _perChunk, _double) = (batch, units, perChunk, isDouble);
        }

        /// <summary>Forgets the pointers once the pass is over.</summary>
        public void Clear() => _a = _b = _c = _d = _output = null;

        private void Run(int chunk)
        {
            int first = chunk * _perChunk, last = Math.Min(_batch, first + _perChunk);
            if (_double) Rows<double>(first, last);
            else Rows<float>(first, last);
        }

        private void Rows<T>(int first, int last) where T : unmanaged, IFloatingPointIeee754<T>
            => TKernel.Rows(new ReadOnlySpan<T>(_a, _la), new ReadOnlySpan<T>(_b, _lb), new ReadOnlySpan<T>(_c, _lc), new ReadOnlySpan<T>(_d, _ld),
                new Span<T>(_output, _lOutput), _batch, _units, first, last, Activations<T>.Sigmoid, Activations<T>.Tanh);
    }

    /// <summary>The sigmoid and tanh kernels of the element type, made once.</summary>
    private static class Activations<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static readonly CellActivation<T> Sigmoid = typeof(T) == typeof(float)
            ? (CellActivation<T>)(object)(CellActivation<float>)SigmoidKernel.Sigmoid : (CellActivation<T>)(object)(CellActivation<double>)SigmoidKernel.Sigmoid;

        public static readonly CellActivation<T> Tanh = typeof(T) == typeof(float)
            ? (CellActivation<T>)(object)(CellActivation<float>)TanhKernel.Tanh : (CellActivation<T>)(object)(CellActivation<double>)TanhKernel.Tanh;
    }
}
