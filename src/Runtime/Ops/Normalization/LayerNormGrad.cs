using System.Numerics;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>
/// The input gradient of <see cref="LayerNormOp"/> in one pass per row: with <c>s = 1 / sqrt(var(x) + epsilon)</c>,
/// <c>x̂ = (x − mean(x)) · s</c> and <c>h = g · gamma</c>, <c>dx = s · (h − mean(h) − x̂ · mean(h · x̂))</c> over the last
/// axis. Inputs: <c>x</c>, <c>gamma</c> (shape <c>(C)</c>) and the upstream gradient <c>g</c> (x's shape). The row's
/// moments are recomputed from <c>x</c> (the row is in cache), so the forward pass keeps nothing but its input.
/// </summary>
[Op("LayerNormGrad")]
public sealed partial class LayerNormGradOp(double epsilon) : Op
{
    private const int ParallelElements = 1 << 15;

    private const int ChunkElements = 1 << 13;

    /// <summary>The small value added to the variance before the square root (the forward op's).</summary>
    public double Epsilon { get; } = epsilon;

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 3);
        LayerNormOp.CheckRowOperands(this, inputs[0], inputs[1], "gamma");
        ExpectSameDType(inputs[0], inputs[2]);
        Shape x = inputs[0].Shape, g = inputs[2].Shape;
        bool same = x.Rank == g.Rank;
        for (int i = 0; same && i < x.Rank; i++)
            same = x[i] == g[i] || x[i] == Shape.Unknown || g[i] == Shape.Unknown;
        if (!same)
            throw new ShapeMismatchException(Name, $"the gradient has shape {g} but the layer normalization's input has shape {x}; they must be equal.", g, x);
        return inputs[0];
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        Tensor x = inputs[0], gamma = inputs[1], g = inputs[2];
        var dx = output.Allocate(zeroed: false);
        int n = x.Shape[^1];
        if (x.DType == DType.Float32) Run(x.Lend<float>(), gamma.Lend<float>(), g.Lend<float>(), dx.Lend<float>(), n, (float)Epsilon);
        else Run(x.Lend<double>(), gamma.Lend<double>(), g.Lend<double>(), dx.Lend<double>(), n, Epsilon);
        // Lent spans (docs/design/tensor-storage.md): the inputs stay reachable until the kernel is done.
        GC.KeepAlive(x);
        GC.KeepAlive(gamma);
        GC.KeepAlive(g);
        return dx;
    }

    private static unsafe void Run<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, ReadOnlySpan<T> g, Span<T> dx, int n, T epsilon)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n == 0 || x.Length == 0) return;
        int rows = x.Length / n;
        if (x.Length < ParallelElements || ForkJoin.MaxParallelism == 1)
        {
            for (int r = 0; r < rows; r++) Row(x.Slice(r * n, n), gamma, g.Slice(r * n, n), dx.Slice(r * n, n), epsilon);
            return;
        }
        int perChunk = Math.Max(1, ChunkElements / n);
        fixed (T* px = x, pgamma = gamma, pg = g, pd = dx)
        {
            var job = t_job ??= new Job();
            job.Set(px, pgamma, pg, pd, rows, n, perChunk, typeof(T) == typeof(double), double.CreateChecked(epsilon));
            try { ForkJoin.RunChunks((rows + perChunk - 1) / perChunk, job.Body); }
            finally { job.Clear(); }
        }
    }

    private static void Row<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, ReadOnlySpan<T> g, Span<T> dx, T epsilon)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (mean, inv) = LayerNormOp.Moments(x, epsilon);
        int n = x.Length, i = 0;
        T sumH = T.Zero, sumHX = T.Zero;
        bool vector = Vector.IsHardwareAccelerated && n >= Vector<T>.Count;
        Vector<T> m = new(mean), s = new(inv);
        if (vector)
        {
            Vector<T> accH = Vector<T>.Zero, accHX = Vector<T>.Zero;
            for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
            {
                var h = new Vector<T>(g[i..]) * new Vector<T>(gamma[i..]);
                accH += h;
                accHX += h * ((new Vector<T>(x[i..]) - m) * s);
            }
            sumH = Vector.Sum(accH);
            sumHX = Vector.Sum(accHX);
        }
        for (; i < n; i++)
        {
            T h = g[i] * gamma[i];
            sumH += h;
            sumHX += h * ((x[i] - mean) * inv);
        }
        T count = T.CreateChecked(n);
        T a = sumH / count, b = sumHX / count;
        i = 0;
        if (vector)
        {
            Vector<T> va = new(a), vb = new(b);
            for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
            {
                var h = new Vector<T>(g[i..]) * new Vector<T>(gamma[i..]);
                var xh = (new Vector<T>(x[i..]) - m) * s;
                (s * (h - va - xh * vb)).CopyTo(dx[i..]);
            }
        }
        for (; i < n; i++)
        {
            T xh = (x[i] - mean) * inv;
            dx[i] = inv * (g[i] * gamma[i] - a - xh * b);
        }
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor w, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        // dx = J (g·gamma), J = s (I − 1/n − x̂ x̂ᵀ/n) per row: symmetric, and J v = LayerNormGrad(x, 1, v). So for the
        // upstream w: d/dg = gamma · J w, d/dgamma = Σ_rows g · J w, and (differentiating s, x̂ and mean(h·x̂) in x)
        // d/dx = −(s/n) x̂ Σ(w·dx) − s·mean(h·x̂)·J w − (s/n) Σ(w·x̂) J h, the sums per row.
        Tensor x = inputs[0], gamma = inputs[1], g = inputs[2];
        var ones = Tensor.Ones(gamma.Shape, x.DType);
        var jw = Ops.LayerNormGrad(x, ones, w, Epsilon);
        var dg = Ops.Mul(jw, gamma);
        int[] leading = [.. Enumerable.Range(0, x.Rank - 1)];
        var gjw = Ops.Mul(g, jw);
        var dgamma = leading.Length == 0 ? gjw : Ops.Sum(gjw, leading);

        var n = Tensor.Scalar((double)x.Shape[^1], x.DType);
        var s = Ops.Div(Tensor.Scalar(1.0, x.DType), Ops.Sqrt(Ops.Add(Ops.Variance(x, [-1], keepDims: true), Tensor.Scalar(Epsilon, x.DType))));
        var xh = Ops.LayerNorm(x, ones, Tensor.Zeros(gamma.Shape, x.DType), Epsilon);
        var h = Ops.Mul(g, gamma);
        var b = Ops.Mean(Ops.Mul(h, xh), [-1], keepDims: true);
        var sOverN = Ops.Div(s, n);
        var first = Ops.Mul(Ops.Mul(sOverN, xh), Ops.Sum(Ops.Mul(w, output), -1, keepDims: true));
        var second = Ops.Mul(Ops.Mul(s, b), jw);
        var third = Ops.Mul(Ops.Mul(sOverN, Ops.Sum(Ops.Mul(w, xh), -1, keepDims: true)), Ops.LayerNormGrad(x, ones, h, Epsilon));
        var dx = Ops.Neg(Ops.Add(Ops.Add(first, second), third));
        return [dx, dgamma, dg];
    }

    [ThreadStatic] private static Job? t_job;

    private sealed unsafe class Job : RowChunkJob
    {
        protected override void RowsSingle(int first, int last) => Rows((float*)A, (float*)B, (float*)C, (float*)Out, first, last, (float)Epsilon);

        protected override void RowsDouble(int first, int last) => Rows((double*)A, (double*)B, (double*)C, (double*)Out, first, last, Epsilon);

        private void Rows<T>(T* x, T* gamma, T* g, T* dx, int first, int last, T epsilon) where T : unmanaged, IFloatingPointIeee754<T>
        {
            var gm = new ReadOnlySpan<T>(gamma, N);
            for (int r = first; r < last; r++)
            {
                long o = (long)r * N;
                Row(new ReadOnlySpan<T>(x + o, N), gm, new ReadOnlySpan<T>(g + o, N), new Span<T>(dx + o, N), epsilon);
            }
        }
    }
}

public static partial class Ops
{
    /// <summary>
    /// The input gradient of <see cref="LayerNorm"/> for the upstream gradient <paramref name="g"/>:
    /// <c>s · (h − mean(h) − x̂ · mean(h · x̂))</c> with <c>h = g · gamma</c>, <c>s = 1 / sqrt(var(x) + epsilon)</c> and
    /// <c>x̂ = (x − mean(x)) · s</c>, over the last axis.
    /// </summary>
    public static Tensor LayerNormGrad(Tensor x, Tensor gamma, Tensor g, double epsilon = 1e-3)
        => OpRunner.Run(new LayerNormGradOp(epsilon), x, gamma, g);
}
