using System.Numerics;
using System.Numerics.Tensors;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>
/// Maximum over axes (all when none are given). NaN propagates. The gradient goes to the positions equal to
/// the maximum, split evenly among ties (as TensorFlow does). Reducing an empty axis gives -inf (the
/// smallest integer for integer dtypes).
/// </summary>
[Op("Max")]
public sealed partial class MaxOp(int[]? axes, [OpAttr("keepdims")] bool keepDims) : ReductionOp(axes, keepDims)
{

    private protected override void ReduceInto<T>(ReadOnlySpan<T> x, Shape shape, bool[] mask, Span<T> output)
    {
        output.Fill(T.CreateSaturating(double.NegativeInfinity));
        Reduce.Run(x, shape, mask, output, TensorPrimitives.Max, TensorPrimitives.Max, static (a, b) => T.Max(a, b));
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
        => [ExtremumGradient(g, inputs[0], output, Axes, KeepDims, Name)];

    /// <summary>The gradient of max/min: <c>g</c> shared evenly among the positions equal to the extremum.</summary>
    internal static Tensor ExtremumGradient(Tensor g, Tensor x, Tensor output, int[]? axes, bool keepDims, string op)
    {
        var keptOut = Reduce.Kept(output, x.Shape, axes, keepDims, op);
        var keptG = Reduce.Kept(g, x.Shape, axes, keepDims, op);
        var hits = Ops.Cast(Ops.Equal(x, keptOut), g.DType);
        var count = Ops.Sum(hits, axes, keepDims: true);
        return Ops.Mul(hits, Ops.Div(keptG, count));
    }
}

public static partial class Ops
{
    /// <summary>Maximum of all elements.</summary>
    public static Tensor Max(Tensor x) => OpRunner.Run(new MaxOp(null, false), x);
    /// <summary>Maximum over <paramref name="axes"/> (all when null), keeping them as size 1 when <paramref name="keepDims"/>.</summary>
    public static Tensor Max(Tensor x, int[]? axes, bool keepDims = false) => OpRunner.Run(new MaxOp(axes, keepDims), x);
    /// <summary>Maximum over one axis.</summary>
    public static Tensor Max(Tensor x, int axis, bool keepDims = false) => OpRunner.Run(new MaxOp([axis], keepDims), x);
}
