using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary><c>1 / (1 + exp(-x))</c> (float32: <see cref="SigmoidKernel"/>).</summary>
[Op("Sigmoid")]
public sealed partial class SigmoidOp : UnaryElementwiseOp
{
    /// <summary>The shared instance.</summary>
    public static readonly SigmoidOp Instance = new();

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
        => Elementwise.Unary(inputs[0], output, SigmoidKernel.Sigmoid, SigmoidKernel.Sigmoid, null, null, Name);

    /// <inheritdoc/>
    /// <remarks>
    /// float32 (<see cref="SigmoidKernel"/>) pads the tail through its vector code, so each element's bits never depend on
    /// where it sits. float64's <c>TensorPrimitives.Sigmoid</c> computes a span of at least one full vector with its vector
    /// code alone (the last, partial vector is computed again overlapping the one before); a shorter span takes narrower
    /// vectors or scalar code, which may round differently. Hence at least <see cref="RowRules.MinimumVectorSpan"/>
    /// elements in the smaller trace.
    /// </remarks>
    internal override bool TreatsRowsIndependently(ReadOnlySpan<TensorSpec> inputs, ReadOnlySpan<bool> rows, TensorSpec output)
        => RowRules.Elementwise(inputs, rows, output) && output.Shape.Size >= RowRules.MinimumVectorSpan;

    /// <summary><c>g * s * (1 - s)</c>.</summary>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
        => [Ops.Mul(g, Ops.Mul(output, Ops.Sub(Tensor.Scalar(1, output.DType), output)))];
}

public static partial class Ops
{
    /// <summary>Logistic sigmoid.</summary>
    public static Tensor Sigmoid(Tensor x) => OpRunner.Run(SigmoidOp.Instance, x);
}
