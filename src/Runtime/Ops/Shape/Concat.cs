using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>Joins tensors of equal rank and dtype along <see cref="Axis"/>; every other dimension must agree.</summary>
[Op("Concat")]
public sealed partial class ConcatOp(int axis) : Op
{
    /// <summary>The axis joined along (negative counts from the end).</summary>
    public int Axis { get; } = axis;

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        if (inputs.Length == 0) throw new ArgumentException("Concat: expected at least one input.");
        var first = inputs[0];
        if (first.Shape.Rank == 0)
            throw new ShapeMismatchException(Name, $"cannot concatenate scalars (shape {first.Shape}); use Ops.Stack.", first.Shape);
        int axis = AxisLoop.Normalize(Name, first.Shape, Axis);
        var dims = first.Shape.ToArray();
        for (int k = 1; k < inputs.Length; k++)
        {
            var s = inputs[k].Shape;
            if (inputs[k].DType != first.DType)
                throw new DTypeMismatchException(Name, $"inputs have different dtypes: {first.DType.Name()} {first.Shape} and {inputs[k].DType.Name()} {s} (input {k}).");
            if (s.Rank != dims.Length)
                throw new ShapeMismatchException(Name, $"shapes {first.Shape} and {s} have different ranks (input {k}).", first.Shape, s);
            for (int i = 0; i < dims.Length; i++)
            {
                int d = s[i];
                if (i == axis)
                {
                    dims[i] = dims[i] == Shape.Unknown || d == Shape.Unknown ? Shape.Unknown : dims[i] + d;
                }
                else if (dims[i] == Shape.Unknown) dims[i] = d;
                else if (d != Shape.Unknown && d != dims[i])
                    throw new ShapeMismatchException(Name, $"shapes {first.Shape} and {s} differ on axis {i}, which is not the concatenation axis {axis} (input {k}).", first.Shape, s);
            }
        }
        return new(Shape.FromOwned(dims), first.DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        // The inputs cover every element along the axis: no zeroing pass first.
        var r = output.Allocate(zeroed: false);
        int axis = AxisLoop.Normalize(Name, output.Shape, Axis);
        switch (output.DType)
        {
            case DType.Float32: Run(inputs, r.Lend<float>(), output.Shape, axis); break;
            case DType.Float64: Run(inputs, r.Lend<double>(), output.Shape, axis); break;
            case DType.Int32: Run(inputs, r.Lend<int>(), output.Shape, axis); break;
            case DType.Int64: Run(inputs, r.Lend<long>(), output.Shape, axis); break;
            case DType.Bool: Run(inputs, r.Lend<bool>(), output.Shape, axis); break;
        }
        return r;
    }

    private static void Run<T>(ReadOnlySpan<Tensor> inputs, Span<T> d, Shape shape, int axis) where T : unmanaged
    {
        var loop = AxisLoop.For(shape, axis);
        int outRow = loop.Length * loop.Inner;
        int offset = 0;
        foreach (var t in inputs)
        {
            var x = t.Lend<T>();
            int row = t.Shape[axis] * loop.Inner;
            if (row > 0)
                for (int o = 0; o < loop.Outer; o++) x.Slice(o * row, row).CopyTo(d.Slice(o * outRow + offset, row));
            offset += row;
            GC.KeepAlive(t);
        }
    }

    /// <summary>
    /// The slice of <c>g</c> for each input. Needs the inputs' sizes along the axis; with an unknown size
    /// there (symbolic gradients only) it throws.
    /// </summary>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        int rank = g.Rank;
        int axis = AxisLoop.Normalize(Name, g.Shape, Axis);
        var result = new Tensor?[inputs.Count];
        int begin = 0;
        for (int k = 0; k < inputs.Count; k++)
        {
            int n = inputs[k].Shape[axis];
            if (n == Shape.Unknown)
                throw new NotSupportedException($"Concat: the gradient needs the size of input {k} along axis {axis}, unknown in shape {inputs[k].Shape}.");
            var b = new int[rank];
            var size = new int[rank];
            Array.Fill(size, -1);
            b[axis] = begin;
            size[axis] = n;
            result[k] = Ops.Slice(g, b, size);
            begin += n;
        }
        return result;
    }
}

public static partial class Ops
{
    /// <summary>Concatenates <paramref name="tensors"/> along <paramref name="axis"/>.</summary>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var arr = new Tensor[tensors.Count];
        for (int i = 0; i < arr.Length; i++) arr[i] = tensors[i];
        return OpRunner.Run(new ConcatOp(axis), arr);
    }

    /// <summary>
    /// Stacks tensors of one shape along a new axis <paramref name="axis"/> (negative counts from the end
    /// of the output), like <c>tf.stack</c>: each gets a size-1 axis there, then they are concatenated.
    /// </summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) throw new ArgumentException("Stack: expected at least one input.");
        var first = tensors[0].Shape;
        int r = first.Rank + 1;
        int a = axis < 0 ? axis + r : axis;
        if (a < 0 || a >= r) throw new ShapeMismatchException("Stack", $"axis {axis} is out of range for inputs of shape {first} (output rank {r}).", first);
        var expanded = new Tensor[tensors.Count];
        for (int i = 0; i < expanded.Length; i++)
        {
            if (!tensors[i].Shape.IsCompatibleWith(first))
                throw new ShapeMismatchException("Stack", $"all inputs need the same shape: {first} and {tensors[i].Shape} (input {i}).", first, tensors[i].Shape);
            expanded[i] = ExpandDims(tensors[i], a);
        }
        return OpRunner.Run(new ConcatOp(a), expanded);
    }
}
