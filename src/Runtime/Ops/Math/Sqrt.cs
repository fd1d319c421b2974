using System.Numerics.Tensors;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>Square root (NaN below 0).</summary>
[Op("Sqrt")]
public sealed partial class SqrtOp : UnaryElementwiseOp
{
    /// <summary>The shared instance.</summary>
    public static readonly SqrtOp Instance = new();

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
        => Elementwise.Unary(inputs[0], output, TensorPrimitives.Sqrt, TensorPrimitives.Sqrt, null, null, Name);

    /// <summary><c>g / (2 sqrt(x))</c>.</summary>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
        => [Ops.Div(g, Ops.Mul(output, Tensor.Scalar(2, output.DType)))];
}

public static partial class Ops
{
    /// <summary>Elementwise square root.</summary>
    public static Tensor Sqrt(Tensor x) => OpRunner.Run(SqrtOp.Instance, x);
}
