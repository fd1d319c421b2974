using System.Numerics.Tensors;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary><c>max(x, 0)</c>.</summary>
[Op("Relu")]
public sealed partial class ReluOp : UnaryElementwiseOp
{
    /// <summary>The shared instance.</summary>
    public static readonly ReluOp Instance = new();

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
        => Elementwise.Unary(inputs[0], output,
            static (x, d) => TensorPrimitives.Max(x, 0f, d),
            static (x, d) => TensorPrimitives.Max(x, 0d, d), null, null, Name);

    /// <inheritdoc/>
    internal override bool TreatsRowsIndependently(ReadOnlySpan<TensorSpec> inputs, ReadOnlySpan<bool> rows, TensorSpec output)
        => RowRules.Elementwise(inputs, rows, output); // each element alone, exactly rounded

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
        => [Ops.ReluGrad(g, output)];
}

public static partial class Ops
{
    /// <summary>Rectified linear unit, <c>max(x, 0)</c>.</summary>
    public static Tensor Relu(Tensor x) => OpRunner.Run(ReluOp.Instance, x);
}
