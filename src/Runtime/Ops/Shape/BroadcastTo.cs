using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>Broadcasts <c>x</c> to a fixed shape.</summary>
[Op("BroadcastTo")]
public sealed partial class BroadcastToOp(Shape shape) : Op
{
    /// <summary>The target shape.</summary>
    public Shape Shape { get; } = shape;

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 1);
        var b = Elementwise.BroadcastShapes(Name, inputs[0].Shape, Shape);
        if (b != Shape)
            throw new ShapeMismatchException(Name, $"input of shape {inputs[0].Shape} cannot be broadcast to {Shape}.", inputs[0].Shape, Shape);
        return new(Shape, inputs[0].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output) => BroadcastKernel.Run(inputs[0], output);

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output) => [Ops.ReduceToLike(g, inputs[0])];
}

/// <summary>Broadcasts <c>x</c> to the shape of <c>like</c> (known only when it runs, in graphs with unknown dimensions).</summary>
[Op("BroadcastToLike")]
public sealed partial class BroadcastToLikeOp : Op
{
    /// <summary>The shared instance.</summary>
    public static readonly BroadcastToLikeOp Instance = new();

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 2);
        var b = Elementwise.BroadcastShapes(Name, inputs[0].Shape, inputs[1].Shape);
        if (b.Rank != inputs[1].Shape.Rank || !b.IsCompatibleWith(inputs[1].Shape))
            throw new ShapeMismatchException(Name, $"shape {inputs[0].Shape} does not broadcast to {inputs[1].Shape}.", inputs[0].Shape, inputs[1].Shape);
        return new(inputs[1].Shape, inputs[0].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output) => BroadcastKernel.Run(inputs[0], output);

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output) => [Ops.ReduceToLike(g, inputs[0]), null];
}

internal static class BroadcastKernel
{
    public static Tensor Run(Tensor x, KernelOutput output)
    {
        // Every element is written: uninitialised, or the buffer a plan offers.
        var shape = output.Shape;
        var result = output.Allocate(zeroed: false);
        switch (x.DType)
        {
            case DType.Float32: Elementwise.BroadcastCopy(x.AsSpan<float>(), x.Shape, result.Data<float>(), shape); break;
            case DType.Float64: Elementwise.BroadcastCopy(x.AsSpan<double>(), x.Shape, result.Data<double>(), shape); break;
            case DType.Int32: Elementwise.BroadcastCopy(x.AsSpan<int>(), x.Shape, result.Data<int>(), shape); break;
            case DType.Int64: Elementwise.BroadcastCopy(x.AsSpan<long>(), x.Shape, result.Data<long>(), shape); break;
            case DType.Bool: Elementwise.BroadcastCopy(x.AsSpan<bool>(), x.Shape, result.Data<bool>(), shape); break;
        }
        return result;
    }
}

public static partial class Ops
{
    /// <summary>Broadcasts <paramref name="x"/> to <paramref name="shape"/>.</summary>
    public static Tensor BroadcastTo(Tensor x, Shape shape) => OpRunner.Run(new BroadcastToOp(shape), x);

    /// <summary>Broadcasts <paramref name="x"/> to the shape of <paramref name="like"/>.</summary>
    public static Tensor BroadcastToLike(Tensor x, Tensor like)
        => !x.IsSymbolic && !like.IsSymbolic && x.Shape == like.Shape ? x : OpRunner.Run(BroadcastToLikeOp.Instance, x, like);
}
