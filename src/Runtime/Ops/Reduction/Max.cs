using System.Numerics;
using System.Numerics.Tensors;
using LayerGen.Kernels;

namespace LayerGen;

/// <summary>
/// Maximum over axes (all when none are given). NaN propagates. The gradient goes to the positions equal to
/// the maximum, split evenly among ties (as TensorFlow does). Reducing an empty axis gives -inf (the
/// smallest integer for integer dtypes).
/// </summary>
public sealed class MaxOp(int[]? axes, bool keepDims) : Op
{
    /// <summary>The axes reduced; null means all.</summary>
    public int[]? Axes { get; } = axes;
    /// <summary>Whether reduced axes stay as size 1.</summary>
    public bool KeepDims { get; } = keepDims;
    /// <inheritdoc/>
    public override string Name => "Max";
    /// <inheritdoc/>
    public override string DescribeAttributes() => $"axes={(Axes is null ? "all" : "[" + string.Join(", ", Axes) + "]")}, keepdims={KeepDims}";

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 1);
        ExpectNumeric(inputs[0]);
        return new(Reduce.OutputShape(Name, inputs[0].Shape, Axes, KeepDims, out _), inputs[0].DType);
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, TensorSpec output)
    {
        var x = inputs[0];
        var mask = Reduce.Mask(Name, x.Shape, Axes);
        var result = Tensor.Empty(output.Shape, output.DType);
        switch (x.DType)
        {
            case DType.Float32: Run(x.AsSpan<float>(), x.Shape, mask, result.Data<float>(), float.NegativeInfinity); break;
            case DType.Float64: Run(x.AsSpan<double>(), x.Shape, mask, result.Data<double>(), double.NegativeInfinity); break;
            case DType.Int32: Run(x.AsSpan<int>(), x.Shape, mask, result.Data<int>(), int.MinValue); break;
            case DType.Int64: Run(x.AsSpan<long>(), x.Shape, mask, result.Data<long>(), long.MinValue); break;
        }
        return result;
    }

    private static void Run<T>(ReadOnlySpan<T> x, Shape shape, bool[] mask, Span<T> output, T identity) where T : INumber<T>
    {
        output.Fill(identity);
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
