using System.Numerics;
using System.Numerics.Tensors;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>
/// The gradient of <see cref="SoftmaxOp"/> from its output: <c>y · (g − sum(g · y, axis))</c> in one pass per row
/// (the sum, then each element), instead of four ops each reading and writing the whole tensor (attention's scores
/// are <c>batch × heads × T × S</c>). Inputs: the upstream gradient <c>g</c> and the softmax's output <c>y</c>, of
/// the same shape and dtype. Rows over the innermost axis are vectorized and large inputs spread over the fork-join
/// pool; other axes run a strided loop. Allocates nothing.
/// </summary>
[Op("SoftmaxGrad")]
public sealed partial class SoftmaxGradOp(int axis) : Op
{
    /// <summary>Inputs with at least this many elements are split over the cores.</summary>
    private const int ParallelElements = 1 << 16;

    /// <summary>About this many elements per chunk of rows.</summary>
    private const int ChunkElements = 1 << 14;

    /// <summary>The softmax's axis (negative counts from the end).</summary>
    public int Axis { get; } = axis;

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectGradientLikeOutput(inputs, "softmax");
        AxisLoop.Normalize(Name, inputs[0].Shape, Axis);
        return inputs[0];
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        Tensor g = inputs[0], y = inputs[1];
        var loop = AxisLoop.For(g.Shape, AxisLoop.Normalize(Name, g.Shape, Axis));
        var r = output.Allocate(zeroed: false);
        if (g.DType == DType.Float32) Run(g.Lend<float>(), y.Lend<float>(), r.Lend<float>(), loop);
        else Run(g.Lend<double>(), y.Lend<double>(), r.Lend<double>(), loop);
        // Lent spans (docs/design/tensor-storage.md): the inputs stay reachable until the kernel is done.
        GC.KeepAlive(g);
        GC.KeepAlive(y);
        return r;
    }

    /// <summary><c>d = y · (g − sum(g · y))</c> along the middle axis of <paramref name="loop"/>.</summary>
    internal static unsafe void Run<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> d, AxisLoop loop) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = loop.Length, inner = loop.Inner, rows = loop.Outer;
        if (n == 0 || rows == 0) return;
        if (inner == 1)
        {
            if ((long)rows * n < ParallelElements || ForkJoin.MaxParallelism == 1)
            {
                for (int r = 0; r < rows; r++) Row(g.Slice(r * n, n), y.Slice(r * n, n), d.Slice(r * n, n));
                return;
            }
            int perChunk = Math.Max(1, ChunkElements / n);
            fixed (T* pg = g, py = y, pd = d)
            {
                var job = t_job ??= new Job();
                job.Set(pg, py, pd, rows, n, perChunk, typeof(T) == typeof(double));
                try { ForkJoin.RunChunks((rows + perChunk - 1) / perChunk, job.Body); }
                finally { job.Clear(); }
            }
            return;
        }
        for (int o = 0; o < rows; o++)
        {
            int baseOff = o * n * inner;
            for (int j = 0; j < inner; j++)
            {
                int start = baseOff + j;
                T s = T.Zero;
                for (int k = 0; k < n; k++) s += g[start + k * inner] * y[start + k * inner];
                for (int k = 0; k < n; k++) d[start + k * inner] = y[start + k * inner] * (g[start + k * inner] - s);
            }
        }
    }

    /// <summary>One contiguous row. Reads g and y at each element before writing d there, so d may be either input.</summary>
    private static void Row<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T s = TensorPrimitives.Dot(g, y);
        int i = 0;
        if (Vector.IsHardwareAccelerated && g.Length >= Vector<T>.Count)
        {
            var sv = new Vector<T>(s);
            for (; i <= g.Length - Vector<T>.Count; i += Vector<T>.Count)
                (new Vector<T>(y[i..]) * (new Vector<T>(g[i..]) - sv)).CopyTo(d[i..]);
        }
        for (; i < g.Length; i++) d[i] = y[i] * (g[i] - s);
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        // d = y·(u − s), s = sum(u·y), with u the upstream gradient: linear and self-adjoint in u (the Jacobian
        // diag(y) − y yᵀ is symmetric), so du = SoftmaxGrad(g, y); dy = g·(u − s) − u·sum(g·y).
        var u = inputs[0];
        var y = inputs[1];
        var du = Ops.SoftmaxGrad(g, y, Axis);
        var s = Ops.Sum(Ops.Mul(u, y), Axis, keepDims: true);
        var dy = Ops.Sub(Ops.Mul(g, Ops.Sub(u, s)), Ops.Mul(u, Ops.Sum(Ops.Mul(g, y), Axis, keepDims: true)));
        return [du, dy];
    }

    [ThreadStatic] private static Job? t_job;

    /// <summary>A softmax gradient spread over the pool: one per calling thread, its body bound once (no closure per run).</summary>
    private sealed unsafe class Job
    {
        private void* _g, _y, _d;
        private int _rows, _n, _perChunk;
        private bool _double;

        public Job() => Body = Run;

        public Action<int> Body { get; }

        public void Set(void* g, void* y, void* d, int rows, int n, int perChunk, bool isDouble)
        {
            _g = g;
            _y = y;
            _d = d;
            (_rows, _n, _perChunk, _double) = (rows, n, perChunk, isDouble);
        }

        public void Clear() => _g = _y = _d = null;

        private void Run(int chunk)
        {
            int first = chunk * _perChunk, last = Math.Min(_rows, first + _perChunk);
            if (_double) Rows((double*)_g, (double*)_y, (double*)_d, first, last);
            else Rows((float*)_g, (float*)_y, (float*)_d, first, last);
        }

        private void Rows<T>(T* g, T* y, T* d, int first, int last) where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int r = first; r < last; r++)
            {
                long o = (long)r * _n;
                Row(new ReadOnlySpan<T>(g + o, _n), new ReadOnlySpan<T>(y + o, _n), new Span<T>(d + o, _n));
            }
        }
    }
}

public static partial class Ops
{
    /// <summary>
    /// The gradient of <see cref="Softmax"/> from its output: <c>y · (g − sum(g · y, axis))</c> for the upstream gradient
    /// <paramref name="g"/> and the softmax's output <paramref name="y"/>.
    /// </summary>
    public static Tensor SoftmaxGrad(Tensor g, Tensor y, int axis = -1) => OpRunner.Run(new SoftmaxGradOp(axis), g, y);
}
