using System.Numerics.Tensors;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary><c>e^x</c>.</summary>
[Op("Exp")]
public sealed partial class ExpOp : UnaryElementwiseOp
{
    /// <summary>The shared instance.</summary>
    public static readonly ExpOp Instance = new();

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
        => Elementwise.Unary(inputs[0], output, TensorPrimitives.Exp, TensorPrimitives.Exp, null, null, Name);

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output) => [Ops.Mul(g, output)];
}

public static partial class Ops
{
    /// <summary>Elementwise exponential.</summary>
    public static Tensor Exp(Tensor x) => OpRunner.Run(ExpOp.Instance, x);
}
