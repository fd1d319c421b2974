using System.Numerics;
using System.Numerics.Tensors;
using LayerGen.Kernels;

namespace LayerGen;

/// <summary>Sum over axes (all when none are given), optionally keeping reduced axes as size 1.</summary>
public sealed class SumOp(int[]? axes, bool keepDims) : Op
{
    /// <summary>The axes reduced; null means all.</summary>
    public int[]? Axes { get; } = axes;
    /// <summary>Whether reduced axes stay as size 1.</summary>
    public bool KeepDims { get; } = keepDims;
    /// <inheritdoc/>
    public override string Name => "Sum";
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
            case DType.Float32: Run(x.AsSpan<float>(), x.Shape, mask, result.Data<float>()); break;
            case DType.Float64: Run(x.AsSpan<double>(), x.Shape, mask, result.Data<double>()); break;
            case DType.Int32: Run(x.AsSpan<int>(), x.Shape, mask, result.Data<int>()); break;
            case DType.Int64: Run(x.AsSpan<long>(), x.Shape, mask, result.Data<long>()); break;
        }
        return result;
    }

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
