namespace LayerGen.Operations;

/// <summary>Reshapes to a target shape; one dimension may be -1 (inferred). Shares storage.</summary>
[Op("Reshape")]
public sealed partial class ReshapeOp(Shape shape) : Op
{
    /// <inheritdoc/>
    internal override bool MayReturnInputStorage => true;
    /// <summary>The target shape (one dimension may be -1).</summary>
    public Shape Shape { get; } = shape;

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 1);
        var input = inputs[0].Shape;
        int unknownAt = -1;
        long known = 1;
        for (int i = 0; i < Shape.Rank; i++)
        {
            if (Shape[i] == Shape.Unknown)
            {
                if (unknownAt >= 0) throw new ShapeMismatchException(Name, $"target shape {Shape} has more than one -1.", input, Shape);
                unknownAt = i;
            }
            else known *= Shape[i];
        }
        if (!input.IsFullyDefined)
        {
            // symbolic: the inferred dimension stays unknown unless the input's known product pins it
            return new(Shape, inputs[0].DType);
        }
        long size = input.Size;
        if (unknownAt < 0)
        {
            if (known != size)
                throw new ShapeMismatchException(Name, $"cannot reshape a tensor of shape {input} ({size} elements) into shape {Shape} ({known} elements).", input, Shape);
            return new(Shape, inputs[0].DType);
        }
        if (known == 0 || size % known != 0)
            throw new ShapeMismatchException(Name, $"cannot reshape a tensor of shape {input} ({size} elements) into shape {Shape}.", input, Shape);
        return new(Shape.With(unknownAt, (int)(size / known)), inputs[0].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output) => Tensor.Reinterpret(inputs[0], output.Shape);

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output) => [Ops.ReshapeLike(g, inputs[0])];
}

/// <summary>Reshapes <c>x</c> to the shape of <c>like</c> (known when it runs). Used by gradients.</summary>
[Op("ReshapeLike")]
public sealed partial class ReshapeLikeOp : Op
{
    /// <inheritdoc/>
    internal override bool MayReturnInputStorage => true;
    /// <summary>The shared instance.</summary>
    public static readonly ReshapeLikeOp Instance = new();

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 2);
        if (inputs[0].Shape.IsFullyDefined && inputs[1].Shape.IsFullyDefined && inputs[0].Shape.Size != inputs[1].Shape.Size)
            throw new ShapeMismatchException(Name, $"cannot reshape {inputs[0].Shape} into {inputs[1].Shape}.", inputs[0].Shape, inputs[1].Shape);
        return new(inputs[1].Shape, inputs[0].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output) => Tensor.Reinterpret(inputs[0], output.Shape);

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output) => [Ops.ReshapeLike(g, inputs[0]), null];
}

/// <summary>Inserts a size-1 axis at <see cref="Axis"/> (negative counts from the end of the output).</summary>
[Op("ExpandDims")]
public sealed partial class ExpandDimsOp(int axis) : Op
{
    /// <inheritdoc/>
    internal override bool MayReturnInputStorage => true;
    /// <summary>Where the new axis goes.</summary>
    public int Axis { get; } = axis;

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 1);
        var s = inputs[0].Shape;
        int r = s.Rank + 1;
        int a = Axis < 0 ? Axis + r : Axis;
        if (a < 0 || a >= r) throw new ShapeMismatchException(Name, $"axis {Axis} is out of range for input of shape {s}.", s);
        var dims = new List<int>(s.ToArray());
        dims.Insert(a, 1);
        return new(Shape.FromOwned([.. dims]), inputs[0].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output) => Tensor.Reinterpret(inputs[0], output.Shape);

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output) => [Ops.ReshapeLike(g, inputs[0])];
}

public static partial class Ops
{
    /// <summary>Reshapes <paramref name="x"/>; one dimension of <paramref name="shape"/> may be -1.</summary>
    public static Tensor Reshape(Tensor x, Shape shape) => OpRunner.Run(new ReshapeOp(shape), x);

    /// <summary>Reshapes <paramref name="x"/> to the shape of <paramref name="like"/>.</summary>
    public static Tensor ReshapeLike(Tensor x, Tensor like) => OpRunner.Run(ReshapeLikeOp.Instance, x, like);

    /// <summary>Inserts a size-1 axis at <paramref name="axis"/>.</summary>
    public static Tensor ExpandDims(Tensor x, int axis) => OpRunner.Run(new ExpandDimsOp(axis), x);
}
