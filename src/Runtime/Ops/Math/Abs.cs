using System.Numerics.Tensors;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary><c>|x|</c> (float and integer dtypes).</summary>
[Op("Abs")]
public sealed partial class AbsOp : UnaryElementwiseOp
{
    /// <summary>The shared instance.</summary>
    public static readonly AbsOp Instance = new();
    /// <inheritdoc/>
    protected override bool FloatOnly => false;

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
        => Elementwise.Unary(inputs[0], output, TensorPrimitives.Abs, TensorPrimitives.Abs, TensorPrimitives.Abs, TensorPrimitives.Abs, Name);

    /// <summary><c>g * sign(x)</c> (0 at x = 0, as TensorFlow).</summary>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output) => [Ops.Mul(g, Ops.Sign(inputs[0]))];
}

public static partial class Ops
{
    /// <summary>Elementwise absolute value.</summary>
    public static Tensor Abs(Tensor x) => OpRunner.Run(AbsOp.Instance, x);
}
