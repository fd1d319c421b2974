using System.Numerics;
using System.Runtime.InteropServices;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>
/// Matrix product of the last two axes, <c>op(a) @ op(b)</c>, where op transposes when the flag is set.
/// Leading (batch) axes broadcast. Both inputs need rank 2 or more.
/// </summary>
[Op("MatMul")]
public sealed partial class MatMulOp(bool transposeA, bool transposeB) : Op
{
    /// <summary>Whether <c>a</c> is transposed before multiplying.</summary>
    public bool TransposeA { get; } = transposeA;
    /// <summary>Whether <c>b</c> is transposed before multiplying.</summary>
    public bool TransposeB { get; } = transposeB;
    /// <inheritdoc/>
    public override string DescribeAttributes() => TransposeA || TransposeB ? $"transpose_a={TransposeA}, transpose_b={TransposeB}" : "";

    internal static readonly MatMulOp Plain = new(false, false);

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 2);
        ExpectSameDType(inputs[0], inputs[1]);
        ExpectNumeric(inputs[0]);
        Shape a = inputs[0].Shape, b = inputs[1].Shape;
        if (a.Rank < 2 || b.Rank < 2)
            throw new ShapeMismatchException(Name, $"both inputs need rank 2 or more: {a} @ {b}. Use Ops.ExpandDims or Ops.Reshape to make a vector a matrix.", a, b);
        int m = TransposeA ? a[^1] : a[^2], ka = TransposeA ? a[^2] : a[^1];
        int kb = TransposeB ? b[^1] : b[^2], n = TransposeB ? b[^2] : b[^1];
        if (ka != kb && ka != Shape.Unknown && kb != Shape.Unknown)
            throw new ShapeMismatchException(Name, $"inner dimensions differ: {a}{(TransposeA ? "^T" : "")} @ {b}{(TransposeB ? "^T" : "")}.", a, b);
        var batch = Elementwise.BroadcastShapes(Name, a[..^2], b[..^2]);
        return new(batch.Append(m).Append(n), inputs[0].DType);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Rows of a plain <c>x @ w</c> (x [rows, k] the batch, w a matrix that is not): the blocked float32 GEMM computes every
    /// element of C with the same micro-kernel sequence (the depth blocks depend on k, the tile on n, a last partial tile
    /// is computed apart and copied, threads only pick which tiles), so a row's bits do not depend on its position or on
    /// the number of rows, as long as the product is blocked (<see cref="Gemm.IsBlocked"/> grows with the rows: the
    /// direct loop for tiny products sums in another order). Other dtypes run row by row.
    /// </remarks>
    internal override bool TreatsRowsIndependently(ReadOnlySpan<TensorSpec> inputs, ReadOnlySpan<bool> rows, TensorSpec output)
    {
        if (inputs.Length != 2 || !rows[0] || rows[1] || TransposeA) return false;
        Shape a = inputs[0].Shape, b = inputs[1].Shape;
        if (a.Rank != 2 || b.Rank != 2 || output.Shape.Rank != 2 || !a.IsFullyDefined || !b.IsFullyDefined) return false;
        int m = a[0], k = a[1], n = TransposeB ? b[0] : b[1];
        return inputs[0].DType != DType.Float32 || Gemm.IsBlocked(m, n, k);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        var a = inputs[0];
        var b = inputs[1];
        // Every element is written by the GEMM (which clears C itself for other dtypes and for k = 0).
        var result = output.Allocate(zeroed: false);
        switch (a.DType)
        {
            case DType.Float32: Run(a.Lend<float>(), a.Shape, b.Lend<float>(), b.Shape, result.Lend<float>(), output.Shape); break;
            case DType.Float64: Run(a.Lend<double>(), a.Shape, b.Lend<double>(), b.Shape, result.Lend<double>(), output.Shape); break;
            case DType.Int32: Run(a.Lend<int>(), a.Shape, b.Lend<int>(), b.Shape, result.Lend<int>(), output.Shape); break;
            case DType.Int64: Run(a.Lend<long>(), a.Shape, b.Lend<long>(), b.Shape, result.Lend<long>(), output.Shape); break;
        }
        // The spans were lent (Tensor.Lend): a and b stay reachable until the product is done.
        GC.KeepAlive(a);
        GC.KeepAlive(b);
        return result;
    }

    private void Run<T>(ReadOnlySpan<T> a, Shape sa, ReadOnlySpan<T> b, Shape sb, Span<T> c, Shape sc) where T : unmanaged, INumber<T>
    {
        int m = sc[^2], n = sc[^1];
        int k = TransposeA ? sa[^2] : sa[^1];
        int aSize = sa[^2] * sa[^1], bSize = sb[^2] * sb[^1], cSize = m * n;
        int batch = cSize == 0 ? 0 : c.Length / cSize;
        if (batch == 0) return;
        if (batch == 1)
        {
            if (typeof(T) == typeof(float) && Gemm.DefaultThreads > 1 && Gemm.PrefersDepthSplit(m, n, k, TransposeA))
            {
                DepthSplit(MemoryMarshal.Cast<T, float>(a), MemoryMarshal.Cast<T, float>(b), MemoryMarshal.Cast<T, float>(c), m, n, k);
                return;
            }
            Gemm.Multiply(a, TransposeA, b, TransposeB, c, m, n, k);
            return;
        }
        if (!TransposeA && sb.Rank == 2 && sa.Size == batch * aSize)
        {
            // A matrix b shared by every batch (Dense on a sequence): a's rows are one [batch*m, k] matrix, one product.
            Gemm.Multiply(a, false, b, TransposeB, c, batch * m, n, k);
            return;
        }
        // Map each output batch index to the input batch indices (broadcasting leading axes).
        var batchShape = sc[..^2];
        var aBatch = sa[..^2];
        var bBatch = sb[..^2];
        var offsets = new (int A, int B)[batch];
        Span<int> index = stackalloc int[batchShape.Rank];
        for (int bi = 0; bi < batch; bi++)
        {
            offsets[bi] = (BatchOffset(index, batchShape, aBatch) * aSize, BatchOffset(index, batchShape, bBatch) * bSize);
            for (int ax = index.Length - 1; ax >= 0; ax--)
            {
                if (++index[ax] < batchShape[ax]) break;
                index[ax] = 0;
            }
        }
        if (typeof(T) == typeof(float))
        {
            RunBatchedFloat(MemoryMarshal.Cast<T, float>(a), MemoryMarshal.Cast<T, float>(b), MemoryMarshal.Cast<T, float>(c), offsets, m, n, k, aSize, bSize);
            return;
        }
        for (int bi = 0; bi < batch; bi++)
            Gemm.Multiply(a.Slice(offsets[bi].A, aSize), TransposeA, b.Slice(offsets[bi].B, bSize), TransposeB, c.Slice(bi * cSize, cSize), m, n, k);
    }

    /// <summary>
    /// Batched float32: each product on its own thread count when products are large; many small
    /// products are spread over the cores instead (each single-threaded, so results do not depend on the split).
    /// </summary>
    private unsafe void RunBatchedFloat(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, (int A, int B)[] offsets, int m, int n, int k, int aSize, int bSize)
    {
        int batch = offsets.Length, cSize = m * n;
        long work = (long)m * n * k;
        int threads = Gemm.DefaultThreads;
        if (work >= Gemm.ParallelThreshold || threads == 1 || work * batch < Gemm.ParallelThreshold)
        {
            for (int bi = 0; bi < batch; bi++)
                Gemm.Sgemm(a.Slice(offsets[bi].A, aSize), TransposeA, b.Slice(offsets[bi].B, bSize), TransposeB, c.Slice(bi * cSize, cSize), m, n, k);
            return;
        }
        fixed (float* pa = a, pb = b, pc = c)
        {
            nint ia = (nint)pa, ib = (nint)pb, ic = (nint)pc;
            int la = a.Length, lb = b.Length, lc = c.Length;
            bool ta = TransposeA, tb = TransposeB;
            int workers = Math.Min(threads, batch);
            Kernels.ForkJoin.Run(workers, t =>
            {
                var sa = new ReadOnlySpan<float>((float*)ia, la);
                var sb = new ReadOnlySpan<float>((float*)ib, lb);
                var sc = new Span<float>((float*)ic, lc);
                for (int bi = batch * t / workers; bi < batch * (t + 1) / workers; bi++)
                    Gemm.Sgemm(sa.Slice(offsets[bi].A, aSize), ta, sb.Slice(offsets[bi].B, bSize), tb, sc.Slice(bi * cSize, cSize), m, n, k, 1, Gemm.Best);
            });
        }
    }

    /// <summary>A deep product with a transposed left matrix (a weight's gradient over a sequence), split over its depth.</summary>
    private unsafe void DepthSplit(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k)
    {
        fixed (float* pa = a, pb = b, pc = c)
            Gemm.SgemmDepthSplit(pa, TransposeA ? m : k, TransposeA, pb, TransposeB ? k : n, TransposeB, pc, n, m, n, k, Gemm.DefaultThreads);
    }

    private static int BatchOffset(ReadOnlySpan<int> index, Shape outBatch, Shape inBatch)
    {
        int off = 0, shift = outBatch.Rank - inBatch.Rank;
        for (int i = 0; i < inBatch.Rank; i++)
        {
            int d = inBatch[i];
            off = off * d + (d == 1 ? 0 : index[i + shift]);
        }
        return off;
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
        => Gradient(g, inputs, output, [true, true]);

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output, ReadOnlySpan<bool> needed)
    {
        var a = inputs[0];
        var b = inputs[1];
        Tensor? da = null, db = null;
        switch (TransposeA, TransposeB)
        {
            case (false, false) when needed[1] && a.Rank > 2 && b.Rank == 2 && a.Shape[^1] != Shape.Unknown && b.Shape[^1] != Shape.Unknown:
                // A weight applied to a sequence (Dense on (batch, steps, features)): its gradient is one deep product
                // over batch*steps rows, not one product per batch summed afterwards.
                if (needed[0]) da = Ops.MatMul(g, b, transposeB: true);
                db = Ops.MatMul(Ops.Reshape(a, new Shape(-1, a.Shape[^1])), Ops.Reshape(g, new Shape(-1, b.Shape[^1])), transposeA: true);
                break;
            case (false, false):
                if (needed[0]) da = Ops.MatMul(g, b, transposeB: true);
                if (needed[1]) db = Ops.MatMul(a, g, transposeA: true);
                break;
            case (true, false):
                if (needed[0]) da = Ops.MatMul(b, g, transposeB: true);
                if (needed[1]) db = Ops.MatMul(a, g);
                break;
            case (false, true):
                if (needed[0]) da = Ops.MatMul(g, b);
                if (needed[1]) db = Ops.MatMul(g, a, transposeA: true);
                break;
            default:
                if (needed[0]) da = Ops.MatMul(b, g, transposeA: true, transposeB: true);
                if (needed[1]) db = Ops.MatMul(g, a, transposeA: true, transposeB: true);
                break;
        }
        return [da is null ? null : Ops.ReduceToLike(da, a), db is null ? null : Ops.ReduceToLike(db, b)];
    }
}

public static partial class Ops
{
    /// <summary>Matrix product <c>op(a) @ op(b)</c> over the last two axes; leading axes broadcast.</summary>
    public static Tensor MatMul(Tensor a, Tensor b, bool transposeA = false, bool transposeB = false)
        => OpRunner.Run(transposeA || transposeB ? new MatMulOp(transposeA, transposeB) : MatMulOp.Plain, a, b);
}
