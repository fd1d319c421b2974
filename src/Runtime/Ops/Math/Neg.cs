using System.Numerics.Tensors;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary><c>-x</c>.</summary>
[Op("Neg")]
public sealed partial class NegOp : UnaryElementwiseOp
{
    /// <summary>The shared instance.</summary>
    public static readonly NegOp Instance = new();
    /// <inheritdoc/>
    protected override bool FloatOnly => false;

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
        => Elementwise.Unary(inputs[0], output, TensorPrimitives.Negate, TensorPrimitives.Negate, TensorPrimitives.Negate, TensorPrimitives.Negate, Name);

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output) => [Ops.Neg(g)];
}

public static partial class Ops
{
    /// <summary>Elementwise negation.</summary>
    public static Tensor Neg(Tensor x) => OpRunner.Run(NegOp.Instance, x);
}
