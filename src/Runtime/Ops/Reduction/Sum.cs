using System.Numerics;
using System.Numerics.Tensors;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>Sum over axes (all when none are given), optionally keeping reduced axes as size 1.</summary>
[Op("Sum")]
public sealed partial class SumOp(int[]? axes, [OpAttr("keepdims")] bool keepDims) : ReductionOp(axes, keepDims)
{

    private protected override void ReduceInto<T>(ReadOnlySpan<T> x, Shape shape, bool[] mask, Span<T> output)
        => Run(x, shape, mask, output);

    internal static void Run<T>(ReadOnlySpan<T> x, Shape shape, bool[] mask, Span<T> output) where T : INumber<T>
        => Reduce.Run(x, shape, mask, output, TensorPrimitives.Sum, TensorPrimitives.Add, static (a, b) => a + b);

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        var x = inputs[0];
        // Put the reduced axes back as size 1, then broadcast to the input's shape.
        var kept = g;
        if (!KeepDims)
        {
            var mask = Reduce.Mask(Name, x.Shape, Axes);
            for (int i = 0; i < mask.Length; i++) if (mask[i]) kept = Ops.ExpandDims(kept, i);
        }
        return [Ops.BroadcastToLike(kept, x)];
    }
}

public static partial class Ops
{
    /// <summary>Sum of all elements.</summary>
    public static Tensor Sum(Tensor x) => OpRunner.Run(new SumOp(null, false), x);
    /// <summary>Sum over <paramref name="axes"/>, keeping them as size 1 when <paramref name="keepDims"/>.</summary>
    public static Tensor Sum(Tensor x, int[]? axes, bool keepDims = false) => OpRunner.Run(new SumOp(axes, keepDims), x);
    /// <summary>Sum over one axis.</summary>
    public static Tensor Sum(Tensor x, int axis, bool keepDims = false) => OpRunner.Run(new SumOp([axis], keepDims), x);
}
