using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary><c>x</c> for <c>x &gt;= 0</c>, <c>alpha * x</c> below (Keras 3 default alpha 0.2).</summary>
[Op("LeakyRelu")]
public sealed partial class LeakyReluOp(double alpha) : UnaryElementwiseOp
{
    /// <summary>The slope below zero.</summary>
    public double Alpha { get; } = alpha;

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        float af = (float)Alpha;
        double ad = Alpha;
        return Elementwise.Unary(inputs[0], output,
            (x, d) => { for (int i = 0; i < x.Length; i++) d[i] = x[i] >= 0 ? x[i] : af * x[i]; },
            (x, d) => { for (int i = 0; i < x.Length; i++) d[i] = x[i] >= 0 ? x[i] : ad * x[i]; }, null, null, Name);
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        var x = inputs[0];
        return [Ops.Where(Ops.Greater(x, Tensor.Scalar(0, x.DType)), g, Ops.Mul(g, Tensor.Scalar(Alpha, g.DType)))];
    }
}

public static partial class Ops
{
    /// <summary>Leaky ReLU: <c>x</c> if <c>x &gt;= 0</c>, else <c>alpha * x</c>.</summary>
    public static Tensor LeakyRelu(Tensor x, double alpha = 0.2) => OpRunner.Run(new LeakyReluOp(alpha), x);
}
