using System.Numerics;
using System.Numerics.Tensors;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>
/// Minimum over axes (all when none are given). NaN propagates. The gradient goes to the positions equal to
/// the minimum, split evenly among ties (as TensorFlow does). Reducing an empty axis gives +inf (the
/// largest integer for integer dtypes).
/// </summary>
[Op("Min")]
public sealed partial class MinOp(int[]? axes, [OpAttr("keepdims")] bool keepDims) : ReductionOp(axes, keepDims)
{

    private protected override void ReduceInto<T>(ReadOnlySpan<T> x, Shape shape, bool[] mask, Span<T> output)
    {
        output.Fill(T.CreateSaturating(double.PositiveInfinity));
        Reduce.Run(x, shape, mask, output, TensorPrimitives.Min, TensorPrimitives.Min, static (a, b) => T.Min(a, b));
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
        => [MaxOp.ExtremumGradient(g, inputs[0], output, Axes, KeepDims, Name)];
}

public static partial class Ops
{
    /// <summary>Minimum of all elements.</summary>
    public static Tensor Min(Tensor x) => OpRunner.Run(new MinOp(null, false), x);
    /// <summary>Minimum over <paramref name="axes"/> (all when null), keeping them as size 1 when <paramref name="keepDims"/>.</summary>
    public static Tensor Min(Tensor x, int[]? axes, bool keepDims = false) => OpRunner.Run(new MinOp(axes, keepDims), x);
    /// <summary>Minimum over one axis.</summary>
    public static Tensor Min(Tensor x, int axis, bool keepDims = false) => OpRunner.Run(new MinOp([axis], keepDims), x);
}
