using System.Numerics.Tensors;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary><c>x * x</c> (float and integer dtypes).</summary>
[Op("Square")]
public sealed partial class SquareOp : UnaryElementwiseOp
{
    /// <summary>The shared instance.</summary>
    public static readonly SquareOp Instance = new();
    /// <inheritdoc/>
    protected override bool FloatOnly => false;

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
        => Elementwise.Unary(inputs[0], output,
            static (x, d) => TensorPrimitives.Multiply(x, x, d),
            static (x, d) => TensorPrimitives.Multiply(x, x, d),
            static (x, d) => TensorPrimitives.Multiply(x, x, d),
            static (x, d) => TensorPrimitives.Multiply(x, x, d), Name);

    /// <summary><c>2 g x</c>.</summary>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
        => [Ops.Mul(g, Ops.Mul(inputs[0], Tensor.Scalar(2, inputs[0].DType)))];
}

public static partial class Ops
{
    /// <summary>Elementwise square.</summary>
    public static Tensor Square(Tensor x) => OpRunner.Run(SquareOp.Instance, x);
}
