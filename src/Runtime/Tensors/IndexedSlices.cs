using System.Numerics.Tensors;

namespace LayerGen.Tensors;

/// <summary>
/// A row-sparse tensor (TensorFlow's <c>tf.IndexedSlices</c>, PyTorch's <c>sparse=True</c> embedding gradient): the
/// gradient of a <see cref="Ops.Gather"/> along axis 0, kept as the gathered rows' gradients <see cref="Values"/> and
/// their row <see cref="Indices"/> instead of a table-sized tensor that is zero almost everywhere. It is a
/// <see cref="Tensor"/> of the dense shape: anything that reads its elements (an op, clipping, a regularizer's sum, a
/// distributed all-reduce, user code) gets the dense values, computed on the first read by scatter-adding the rows
/// (repeated indices add up) exactly as the dense <c>GatherGrad</c> kernel does. The built-in optimizers update from
/// the rows without that dense tensor when nothing read it first (docs/training.md, "Row-sparse gradients").
/// </summary>
public sealed class IndexedSlices : Tensor
{
    private readonly int _rowWidth;

    internal IndexedSlices(Tensor values, Tensor indices, Shape denseShape)
        : base(new TensorSpec(denseShape, values.DType), null)
    {
        if (denseShape.Rank == 0) throw new ShapeMismatchException("IndexedSlices", "the dense shape must have rank 1 or more.", denseShape);
        if (values.Size != indices.Size * (long)(denseShape.Size / Math.Max(denseShape[0], 1)))
            throw new ShapeMismatchException("IndexedSlices", $"{indices.Size} indices need {indices.Size} rows of the dense shape {denseShape}, got values {values.Shape}.", values.Shape, denseShape);
        _deferred = true;
        Values = values;
        Indices = indices;
        _rowWidth = denseShape[0] == 0 ? 0 : denseShape.Size / denseShape[0];
    }

    /// <summary>The rows' gradients: shape <c>indices.shape + dense_shape[1:]</c>.</summary>
    public Tensor Values { get; }

    /// <summary>The row of the dense tensor each row of <see cref="Values"/> adds to (int32 or int64, any shape; repeats add up).</summary>
    public Tensor Indices { get; }

    /// <summary>The dense shape (also <see cref="Tensor.Shape"/>).</summary>
    public Shape DenseShape => Shape;

    /// <summary>Elements per row: the product of <c>dense_shape[1:]</c>.</summary>
    public int RowWidth => _rowWidth;

    /// <summary>Whether the dense values have been computed (something read the elements).</summary>
    public bool IsMaterialized => !IsDeferredUnread;

    /// <summary>The dense values: zeros with every row of <see cref="Values"/> added at its index, in order.</summary>
    private protected override Array MaterializeStorage()
    {
        var idx = Operations.GatherOp.Indices("IndexedSlices", Indices, Shape[0], Shape, 0);
        var dense = Allocate(DType, Shape.Size);
        if (DType == DType.Float32) ScatterAdd(Values.Lend<float>(), (float[])dense, idx, _rowWidth);
        else ScatterAdd(Values.Lend<double>(), (double[])dense, idx, _rowWidth);
        GC.KeepAlive(Values);
        return dense;
    }

    private static void ScatterAdd<T>(ReadOnlySpan<T> values, Span<T> dense, long[] idx, int width) where T : System.Numerics.INumber<T>
    {
        if (width == 0) return;
        for (int j = 0; j < idx.Length; j++)
        {
            var dst = dense.Slice((int)idx[j] * width, width);
            TensorPrimitives.Add(dst, values.Slice(j * width, width), dst);
        }
    }

    /// <summary>
    /// The float32 rows summed per distinct index, indices ascending; each sum adds the rows in the order they come,
    /// as the dense scatter-add does, so the sums are bit-for-bit the dense rows. <paramref name="reuse"/>'s arrays
    /// are written over when large enough (an optimizer keeps one per weight: no arrays per step).
    /// </summary>
    internal SparseRows SumRows(SparseRows? reuse = null)
    {
        int n = Indices.Size, width = _rowWidth;
        var keys = reuse is not null && reuse.Keys.Length >= n ? reuse.Keys : new long[n];
        // Sort (row, position) pairs by one key: rows ascending, and within a row the positions in order.
        if (Indices.DType == DType.Int64)
        {
            var ids = Indices.Lend<long>();
            for (int j = 0; j < n; j++) keys[j] = Key(ids[j], j, n);
        }
        else
        {
            var ids = Indices.Lend<int>();
            for (int j = 0; j < n; j++) keys[j] = Key(ids[j], j, n);
        }
        GC.KeepAlive(Indices);
        System.Array.Sort(keys, 0, n);
        int distinct = 0;
        for (int j = 0; j < n; j++) if (j == 0 || keys[j] / n != keys[j - 1] / n) distinct++;
        var rows = reuse is not null && reuse.Rows.Length >= distinct ? reuse.Rows : new int[distinct];
        var sums = reuse is not null && reuse.Sums.Length >= distinct * width ? reuse.Sums : new float[distinct * width];
        System.Array.Clear(sums, 0, distinct * width);
        var values = Values.Lend<float>();
        int k = -1;
        for (int j = 0; j < n; j++)
        {
            int row = (int)(keys[j] / n), at = (int)(keys[j] % n);
            if (k < 0 || rows[k] != row) rows[++k] = row;
            var dst = sums.AsSpan(k * width, width);
            TensorPrimitives.Add(dst, values.Slice(at * width, width), dst);
        }
        GC.KeepAlive(Values);
        return new SparseRows(keys, rows, distinct, sums, width, Shape[0]);
    }

    private long Key(long id, int position, int n)
    {
        if ((ulong)id >= (ulong)Shape[0])
            throw new IndexOutOfRangeException($"IndexedSlices: index {id} is out of range for axis 0 of size {Shape[0]} (dense shape {Shape}).");
        return id * n + position;
    }
}

/// <summary>
/// A row-sparse float32 gradient summed per row: the first <paramref name="Count"/> of <paramref name="Rows"/>
/// (ascending) and their sums in <paramref name="Sums"/> (row-major, <paramref name="Width"/> per row) of a weight of
/// <paramref name="RowCount"/> rows; <paramref name="Keys"/> is scratch kept for reuse.
/// </summary>
internal sealed record SparseRows(long[] Keys, int[] Rows, int Count, float[] Sums, int Width, int RowCount);
