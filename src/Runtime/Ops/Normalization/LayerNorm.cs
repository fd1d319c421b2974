using System.Numerics;
using System.Numerics.Tensors;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>
/// Layer normalization over the last axis in one pass per row: <c>y = (x − mean(x)) / sqrt(var(x) + epsilon) · gamma +
/// beta</c>, with the biased variance (Keras's <c>LayerNormalization</c> with <c>axis=-1</c>, <c>center</c> and
/// <c>scale</c>). Inputs: <c>x</c> (rank ≥ 1, last dimension C), <c>gamma</c> and <c>beta</c> (shape <c>(C)</c>), one
/// floating dtype. The ops it replaces (mean, variance, reciprocal square root, two products and two sums over the
/// whole tensor) each read and wrote the whole tensor; this reads <c>x</c> twice from cache and writes <c>y</c> once.
/// Gradient: <see cref="LayerNormGradOp"/> for <c>x</c>, column sums for <c>gamma</c> and <c>beta</c>.
/// </summary>
[Op("LayerNorm")]
public sealed partial class LayerNormOp(double epsilon) : Op
{
    private const int ParallelElements = 1 << 15;

    private const int ChunkElements = 1 << 13;

    /// <summary>The small value added to the variance before the square root.</summary>
    public double Epsilon { get; } = epsilon;

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 3);
        CheckRowOperands(this, inputs[0], inputs[1], "gamma");
        CheckRowOperands(this, inputs[0], inputs[2], "beta");
        return inputs[0];
    }

    /// <summary>
    /// The checks shared with <see cref="LayerNormGradOp"/>: <paramref name="x"/> floating of rank ≥ 1 and
    /// <paramref name="parameter"/> of the same dtype with shape <c>(C)</c>, C the last dimension of <paramref name="x"/>.
    /// </summary>
    internal static void CheckRowOperands(Op op, TensorSpec x, TensorSpec parameter, string name)
    {
        if (!x.DType.IsFloating())
            throw new DTypeMismatchException(op.Name, $"argument x must be float32 or float64, got {x.DType.Name()} with shape {x.Shape}.");
        if (parameter.DType != x.DType)
            throw new DTypeMismatchException(op.Name, $"{name} has dtype {parameter.DType.Name()} but x has {x.DType.Name()}; they must be equal.");
        if (x.Shape.Rank == 0)
            throw new ShapeMismatchException(op.Name, $"x must have at least one axis (it normalizes the last), got a scalar.", x.Shape, parameter.Shape);
        int c = x.Shape[^1];
        if (parameter.Shape.Rank != 1 || (c != Shape.Unknown && parameter.Shape[0] != Shape.Unknown && parameter.Shape[0] != c))
            throw new ShapeMismatchException(op.Name, $"{name} must have shape ({(c == Shape.Unknown ? "C" : c)},) (x's last axis), got {parameter.Shape} with x {x.Shape}.", x.Shape, parameter.Shape);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        Tensor x = inputs[0], gamma = inputs[1], beta = inputs[2];
        var y = output.Allocate(zeroed: false);
        int n = x.Shape[^1];
        if (x.DType == DType.Float32) Run(x.Lend<float>(), gamma.Lend<float>(), beta.Lend<float>(), y.Lend<float>(), n, (float)Epsilon);
        else Run(x.Lend<double>(), gamma.Lend<double>(), beta.Lend<double>(), y.Lend<double>(), n, Epsilon);
        // Lent spans (docs/design/tensor-storage.md): the inputs stay reachable until the kernel is done.
        GC.KeepAlive(x);
        GC.KeepAlive(gamma);
        GC.KeepAlive(beta);
        return y;
    }

    private static unsafe void Run<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, Span<T> y, int n, T epsilon)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n == 0 || x.Length == 0) return;
        int rows = x.Length / n;
        if (x.Length < ParallelElements || ForkJoin.MaxParallelism == 1)
        {
            for (int r = 0; r < rows; r++) Row(x.Slice(r * n, n), gamma, beta, y.Slice(r * n, n), epsilon);
            return;
        }
        int perChunk = Math.Max(1, ChunkElements / n);
        fixed (T* px = x, pg = gamma, pb = beta, py = y)
        {
            var job = t_job ??= new Job();
            job.Set(px, pg, pb, py, rows, n, perChunk, typeof(T) == typeof(double), double.CreateChecked(epsilon));
            try { ForkJoin.RunChunks((rows + perChunk - 1) / perChunk, job.Body); }
            finally { job.Clear(); }
        }
    }

    /// <summary>The mean and <c>1 / sqrt(var + epsilon)</c> of one row (biased variance, two passes over the row).</summary>
    internal static (T Mean, T InvStd) Moments<T>(ReadOnlySpan<T> x, T epsilon) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Length;
        T count = T.CreateChecked(n);
        T mean = TensorPrimitives.Sum(x) / count;
        T squares = T.Zero;
        int i = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<T>.Count)
        {
            var m = new Vector<T>(mean);
            var acc = Vector<T>.Zero;
            for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
            {
                var d = new Vector<T>(x[i..]) - m;
                acc += d * d;
            }
            squares = Vector.Sum(acc);
        }
        for (; i < n; i++)
        {
            T d = x[i] - mean;
            squares += d * d;
        }
        return (mean, T.One / T.Sqrt(squares / count + epsilon));
    }

    private static void Row<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, Span<T> y, T epsilon)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (mean, inv) = Moments(x, epsilon);
        int n = x.Length, i = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<T>.Count)
        {
            Vector<T> m = new(mean), s = new(inv);
            for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
                ((new Vector<T>(x[i..]) - m) * s * new Vector<T>(gamma[i..]) + new Vector<T>(beta[i..])).CopyTo(y[i..]);
        }
        for (; i < n; i++) y[i] = (x[i] - mean) * inv * gamma[i] + beta[i];
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
        => Gradient(g, inputs, output, [true, true, true]);

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output, ReadOnlySpan<bool> needed)
    {
        Tensor x = inputs[0], gamma = inputs[1];
        var dx = needed[0] ? Ops.LayerNormGrad(x, gamma, g, Epsilon) : null;
        int[] leading = [.. Enumerable.Range(0, x.Rank - 1)];
        Tensor? dgamma = null, dbeta = null;
        if (needed[1])
        {
            // dgamma = sum over rows of g · x̂, x̂ the normalized input (this op with gamma = 1, beta = 0).
            var normalized = Ops.LayerNorm(x, Tensor.Ones(gamma.Shape, x.DType), Tensor.Zeros(gamma.Shape, x.DType), Epsilon);
            var product = Ops.Mul(g, normalized);
            dgamma = leading.Length == 0 ? product : Ops.Sum(product, leading);
        }
        if (needed[2]) dbeta = leading.Length == 0 ? g : Ops.Sum(g, leading);
        return [dx, dgamma, dbeta];
    }

    [ThreadStatic] private static Job? t_job;

    private sealed unsafe class Job : RowChunkJob
    {
        protected override void RowsSingle(int first, int last) => Rows((float*)A, (float*)B, (float*)C, (float*)Out, first, last, (float)Epsilon);

        protected override void RowsDouble(int first, int last) => Rows((double*)A, (double*)B, (double*)C, (double*)Out, first, last, Epsilon);

        private void Rows<T>(T* x, T* gamma, T* beta, T* y, int first, int last, T epsilon) where T : unmanaged, IFloatingPointIeee754<T>
        {
            var g = new ReadOnlySpan<T>(gamma, N);
            var b = new ReadOnlySpan<T>(beta, N);
            for (int r = first; r < last; r++)
            {
                long o = (long)r * N;
                Row(new ReadOnlySpan<T>(x + o, N), g, b, new Span<T>(y + o, N), epsilon);
            }
        }
    }
}

public static partial class Ops
{
    /// <summary>
    /// Layer normalization over the last axis: <c>(x − mean) / sqrt(var + epsilon) · gamma + beta</c> (biased variance),
    /// <paramref name="gamma"/> and <paramref name="beta"/> of shape <c>(C)</c> for <paramref name="x"/>'s last dimension C.
    /// </summary>
    public static Tensor LayerNorm(Tensor x, Tensor gamma, Tensor beta, double epsilon = 1e-3)
        => OpRunner.Run(new LayerNormOp(epsilon), x, gamma, beta);
}
