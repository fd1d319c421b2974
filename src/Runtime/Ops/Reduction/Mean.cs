using System.Numerics;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>Mean over axes (all when none are given); integer dtypes divide with truncation, like TensorFlow.</summary>
[Op("Mean")]
public sealed partial class MeanOp(int[]? axes, [OpAttr("keepdims")] bool keepDims) : ReductionOp(axes, keepDims)
{

    private protected override void ReduceInto<T>(ReadOnlySpan<T> x, Shape shape, bool[] mask, Span<T> output)
    {
        SumOp.Run(x, shape, mask, output);
        int count = Reduce.ReducedCount(shape, mask);
        if (count == 0)
        {
            // the mean of nothing: NaN for floats (0/0), 0 for integers
            if (output.Length > 0 && typeof(T) != typeof(int) && typeof(T) != typeof(long)) output.Fill(T.Zero / T.Zero);
            return;
        }
        var c = T.CreateTruncating(count);
        for (int i = 0; i < output.Length; i++) output[i] /= c;
    }

    /// <summary>The sum's gradient divided by the number of elements averaged.</summary>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        var x = inputs[0];
        var kept = Reduce.Kept(g, x.Shape, Axes, KeepDims, Name);
        return [Ops.Div(Ops.BroadcastToLike(kept, x), OpRunner.Run(new ReducedCountOp(Axes), x))];
    }
}

/// <summary>
/// The number of elements a reduction over <see cref="Axes"/> folds together, as a scalar of the input's
/// dtype. Computed when it runs, so gradients of means work on inputs with unknown dimensions. No gradient.
/// </summary>
[Op("ReducedCount")]
public sealed partial class ReducedCountOp(int[]? axes) : Op
{
    /// <summary>The axes reduced; null means all.</summary>
    public int[]? Axes { get; } = axes;

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 1);
        ExpectNumeric(inputs[0]);
        Reduce.Mask(Name, inputs[0].Shape, Axes);
        return new(Shape.Scalar, inputs[0].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
        => output.AllocateFilled(Count(inputs[0].Shape));

    /// <summary>The product of the reduced axes' sizes, without the axis mask (a planned backward pass runs this every step).</summary>
    private int Count(Shape shape)
    {
        if (Axes is null) return Reduce.ReducedCount(shape, Reduce.Mask(Name, shape, Axes));
        Span<bool> seen = stackalloc bool[shape.Rank];
        int count = 1;
        foreach (int a in Axes)
        {
            int ax = a < 0 ? a + shape.Rank : a;
            if (ax < 0 || ax >= shape.Rank || seen[ax]) return Reduce.ReducedCount(shape, Reduce.Mask(Name, shape, Axes)); // throws Mask's error
            seen[ax] = true;
            count *= shape[ax];
        }
        return count;
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output) => [null];
}

public static partial class Ops
{
    /// <summary>Mean of all elements.</summary>
    public static Tensor Mean(Tensor x) => OpRunner.Run(new MeanOp(null, false), x);
    /// <summary>Mean over <paramref name="axes"/> (all when null), keeping them as size 1 when <paramref name="keepDims"/>.</summary>
    public static Tensor Mean(Tensor x, int[]? axes, bool keepDims = false) => OpRunner.Run(new MeanOp(axes, keepDims), x);
    /// <summary>Mean over one axis.</summary>
    public static Tensor Mean(Tensor x, int axis, bool keepDims = false) => OpRunner.Run(new MeanOp([axis], keepDims), x);
}
