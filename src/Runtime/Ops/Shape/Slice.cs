using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>A contiguous block: <c>x[begin[i] : begin[i] + size[i]]</c> on every axis; a size of -1 runs to the end.</summary>
[Op("Slice")]
public sealed partial class SliceOp(int[] begin, int[] size) : Op
{
    /// <summary>Start per axis.</summary>
    public int[] Begin { get; } = begin;
    /// <summary>Length per axis (-1: to the end).</summary>
    public int[] Size { get; } = size;

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 1);
        var s = inputs[0].Shape;
        if (Begin.Length != s.Rank || Size.Length != s.Rank)
            throw new ShapeMismatchException(Name, $"begin [{string.Join(", ", Begin)}] and size [{string.Join(", ", Size)}] need one entry per axis of input shape {s}.", s);
        var dims = new int[s.Rank];
        for (int i = 0; i < s.Rank; i++)
        {
            int d = s[i], b = Begin[i], n = Size[i];
            if (b < 0 || (d != Shape.Unknown && b > d))
                throw new ShapeMismatchException(Name, $"begin {b} is out of range for axis {i} of input shape {s}.", s);
            if (n == -1) dims[i] = d == Shape.Unknown ? Shape.Unknown : d - b;
            else if (n < 0 || (d != Shape.Unknown && b + n > d))
                throw new ShapeMismatchException(Name, $"slice [{b}:{b + n}] is out of range for axis {i} of input shape {s}.", s);
            else dims[i] = n;
        }
        return new(Shape.FromOwned(dims), inputs[0].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        var x = inputs[0];
        // Every element of the block is written: no zeroing pass first.
        var r = output.Allocate(zeroed: false);
        switch (x.DType)
        {
            case DType.Float32: Copy<float>(x.Lend<float>(), x.Shape, r.Lend<float>(), output.Shape, Begin, false); break;
            case DType.Float64: Copy<double>(x.Lend<double>(), x.Shape, r.Lend<double>(), output.Shape, Begin, false); break;
            case DType.Int32: Copy<int>(x.Lend<int>(), x.Shape, r.Lend<int>(), output.Shape, Begin, false); break;
            case DType.Int64: Copy<long>(x.Lend<long>(), x.Shape, r.Lend<long>(), output.Shape, Begin, false); break;
            case DType.Bool: Copy<bool>(x.Lend<bool>(), x.Shape, r.Lend<bool>(), output.Shape, Begin, false); break;
        }
        GC.KeepAlive(x);
        return r;
    }

    /// <summary>
    /// Copies the block at <paramref name="begin"/> of <paramref name="big"/> into <paramref name="small"/>
    /// (or, when <paramref name="scatter"/>, from <paramref name="small"/> into that block of <paramref name="big"/>).
    /// </summary>
    internal static void Copy<T>(ReadOnlySpan<T> big, Shape sBig, Span<T> small, Shape sSmall, int[] begin, bool scatter, Span<T> bigOut = default)
    {
        int n = sSmall.Rank == 0 ? 1 : sSmall.Size;
        if (n == 0) return;
        int rank = sSmall.Rank;
        if (rank == 0) { if (scatter) bigOut[0] = small[0]; else small[0] = big[0]; return; }
        // Strides and the row counter on the stack: a planned slice (an RNN step's gates) allocates nothing.
        Span<int> strides = rank <= 16 ? stackalloc int[rank] : new int[rank];
        for (int ax = rank - 1, stride = 1; ax >= 0; ax--) { strides[ax] = stride; stride *= sBig[ax]; }
        int inner = sSmall[^1];
        int rows = n / inner;
        Span<int> counter = rank <= 16 ? stackalloc int[rank] : new int[rank];
        for (int row = 0; row < rows; row++)
        {
            int off = 0;
            for (int ax = 0; ax < rank; ax++) off += (begin[ax] + counter[ax]) * strides[ax];
            if (scatter) small.Slice(row * inner, inner).CopyTo(bigOut.Slice(off, inner));
            else big.Slice(off, inner).CopyTo(small.Slice(row * inner, inner));
            for (int ax = rank - 2; ax >= 0; ax--)
            {
                if (++counter[ax] < sSmall[ax]) break;
                counter[ax] = 0;
            }
        }
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
        => [OpRunner.Run(new SliceGradOp(Begin), g, inputs[0])];
}

/// <summary>The gradient of <see cref="SliceOp"/>: places <c>g</c> at <see cref="Begin"/> in zeros shaped like <c>x</c>.</summary>
[Op("SliceGrad")]
public sealed partial class SliceGradOp(int[] begin) : Op
{
    /// <summary>Where the block starts.</summary>
    public int[] Begin { get; } = begin;

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 2);
        return new(inputs[1].Shape, inputs[0].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        var g = inputs[0];
        var r = output.Allocate();
        switch (g.DType)
        {
            case DType.Float32: SliceOp.Copy(default, output.Shape, g.Data<float>(), g.Shape, Begin, true, r.Data<float>()); break;
            case DType.Float64: SliceOp.Copy(default, output.Shape, g.Data<double>(), g.Shape, Begin, true, r.Data<double>()); break;
            default: throw new DTypeMismatchException(Name, $"gradients must be float32 or float64, got {g.DType.Name()}.");
        }
        return r;
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
        => [Ops.Slice(g, Begin, inputs[0].Shape.ToArray()), null];
}

/// <summary>Removes size-1 axes (the given ones, or all).</summary>
[Op("Squeeze")]
public sealed partial class SqueezeOp(int[]? axes) : Op
{
    /// <inheritdoc/>
    internal override bool MayReturnInputStorage => true;
    /// <summary>The axes removed; null: every size-1 axis.</summary>
    public int[]? Axes { get; } = axes;

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 1);
        var s = inputs[0].Shape;
        var mask = Axes is null ? null : Reduce.Mask(Name, s, Axes);
        var dims = new List<int>();
        for (int i = 0; i < s.Rank; i++)
        {
            bool drop = mask is null ? s[i] == 1 : mask[i];
            if (drop && mask is not null && s[i] != 1 && s[i] != Shape.Unknown)
                throw new ShapeMismatchException(Name, $"cannot squeeze axis {i} of size {s[i]} in shape {s}: only size-1 axes can be removed.", s);
            if (!drop) dims.Add(s[i]);
        }
        return new(Shape.FromOwned([.. dims]), inputs[0].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output) => Tensor.Reinterpret(inputs[0], output.Shape);

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output) => [Ops.ReshapeLike(g, inputs[0])];
}

public static partial class Ops
{
    /// <summary>The block of <paramref name="x"/> starting at <paramref name="begin"/> with <paramref name="size"/> per axis (-1: to the end).</summary>
    public static Tensor Slice(Tensor x, int[] begin, int[] size) => OpRunner.Run(new SliceOp(begin, size), x);

    /// <summary>Removes size-1 axes: the ones given, or all of them.</summary>
    public static Tensor Squeeze(Tensor x, params int[]? axes) => OpRunner.Run(new SqueezeOp(axes is { Length: 0 } ? null : axes), x);

    /// <summary><c>x[index]</c> along the first axis (negative counts from the end).</summary>
    public static Tensor IndexAxis0(Tensor x, int index)
    {
        if (x.Rank == 0) throw new ShapeMismatchException("Index", "cannot index a scalar.", x.Shape);
        int d = x.Shape[0];
        int i = index < 0 && d != Shape.Unknown ? index + d : index;
        if (i < 0 || (d != Shape.Unknown && i >= d))
            throw new IndexOutOfRangeException($"Index: index {index} is out of range for axis 0 of size {d} (shape {x.Shape}).");
        var begin = new int[x.Rank];
        var size = new int[x.Rank];
        begin[0] = i;
        size[0] = 1;
        for (int k = 1; k < x.Rank; k++) size[k] = -1;
        return Squeeze(Slice(x, begin, size), 0);
    }
}
