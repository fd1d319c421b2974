using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>Sum over axes (all when none are given), optionally keeping reduced axes as size 1.</summary>
[Op("Sum")]
public sealed partial class SumOp(int[]? axes, [OpAttr("keepdims")] bool keepDims) : ReductionOp(axes, keepDims)
{

    private protected override void ReduceInto<T>(ReadOnlySpan<T> x, Shape shape, bool[] mask, Span<T> output)
        => Run(x, shape, mask, output);

    internal static void Run<T>(ReadOnlySpan<T> x, Shape shape, bool[] mask, Span<T> output) where T : INumber<T>
    {
        if (typeof(T) == typeof(float) && LeadingAxesOnly(shape, mask, out int inner) && inner <= output.Length)
        {
            // Blocks of the first axis (images of a [N, H, W, C] bias gradient) summed on their own, then in order: the
            // order a fused training step computes too (ColumnSums.AddBlocks); a [N, C] sum adds its rows in order.
            ColumnSums.AddBlocks(
                MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(x)), x.Length), inner,
                shape[0] == 0 ? 1 : x.Length / inner / shape[0],
                MemoryMarshal.CreateSpan(ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(output)), output.Length));
            return;
        }
        Reduce.Run(x, shape, mask, output, TensorPrimitives.Sum, TensorPrimitives.Add, static (a, b) => a + b);
    }

    /// <summary>
    /// Whether only leading axes are summed (a bias gradient: <c>[N, H, W, C] → [C]</c>), so the sum adds whole rows of
    /// <paramref name="inner"/> values into the output, one after the other.
    /// </summary>
    private static bool LeadingAxesOnly(Shape shape, bool[] mask, out int inner)
    {
        inner = 1;
        int r = shape.Rank, split = 0;
        while (split < r && mask[split]) split++;
        if (split == 0) return false;
        for (int i = split; i < r; i++)
        {
            if (mask[i] && shape[i] != 1) return false;
            inner *= shape[i];
        }
        return inner >= 16;
    }

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
