using System.Numerics.Tensors;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>Hyperbolic tangent.</summary>
[Op("Tanh")]
public sealed partial class TanhOp : UnaryElementwiseOp
{
    /// <summary>The shared instance.</summary>
    public static readonly TanhOp Instance = new();

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
        => Elementwise.Unary(inputs[0], output, TensorPrimitives.Tanh, TensorPrimitives.Tanh, null, null, Name);

    /// <summary><c>g * (1 - tanh(x)^2)</c>.</summary>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
        => [Ops.Mul(g, Ops.Sub(Tensor.Scalar(1, output.DType), Ops.Square(output)))];
}

public static partial class Ops
{
    /// <summary>Elementwise hyperbolic tangent.</summary>
    public static Tensor Tanh(Tensor x) => OpRunner.Run(TanhOp.Instance, x);
}
