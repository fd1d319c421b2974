using System.Numerics;
using System.Numerics.Tensors;
using LayerGen.Kernels;

namespace LayerGen;

/// <summary>
/// Minimum over axes (all when none are given). NaN propagates. The gradient goes to the positions equal to
/// the minimum, split evenly among ties (as TensorFlow does). Reducing an empty axis gives +inf (the
/// largest integer for integer dtypes).
/// </summary>
public sealed class MinOp(int[]? axes, bool keepDims) : Op
{
    /// <summary>The axes reduced; null means all.</summary>
    public int[]? Axes { get; } = axes;
    /// <summary>Whether reduced axes stay as size 1.</summary>
    public bool KeepDims { get; } = keepDims;
    /// <inheritdoc/>
    public override string Name => "Min";
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
            case DType.Float32: Run(x.AsSpan<float>(), x.Shape, mask, result.Data<float>(), float.PositiveInfinity); break;
            case DType.Float64: Run(x.AsSpan<double>(), x.Shape, mask, result.Data<double>(), double.PositiveInfinity); break;
            case DType.Int32: Run(x.AsSpan<int>(), x.Shape, mask, result.Data<int>(), int.MaxValue); break;
            case DType.Int64: Run(x.AsSpan<long>(), x.Shape, mask, result.Data<long>(), long.MaxValue); break;
        }
        return result;
    }

    private static void Run<T>(ReadOnlySpan<T> x, Shape shape, bool[] mask, Span<T> output, T identity) where T : INumber<T>
    {
        output.Fill(identity);
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
