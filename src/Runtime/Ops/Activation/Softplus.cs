using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary><c>log(1 + exp(x))</c>, computed stably as <c>max(x, 0) + log1p(exp(-|x|))</c>.</summary>
[Op("Softplus")]
public sealed partial class SoftplusOp : UnaryElementwiseOp
{
    /// <summary>The shared instance.</summary>
    public static readonly SoftplusOp Instance = new();

    private static double F(double x) => Math.Max(x, 0) + double.LogP1(Math.Exp(-Math.Abs(x)));

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
        => Elementwise.Unary(inputs[0], output,
            static (x, d) => { for (int i = 0; i < x.Length; i++) d[i] = (float)F(x[i]); },
            static (x, d) => { for (int i = 0; i < x.Length; i++) d[i] = F(x[i]); }, null, null, Name);

    /// <summary><c>g * sigmoid(x)</c>.</summary>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output) => [Ops.Mul(g, Ops.Sigmoid(inputs[0]))];
}

public static partial class Ops
{
    /// <summary>Softplus, <c>log(1 + exp(x))</c>, numerically stable.</summary>
    public static Tensor Softplus(Tensor x) => OpRunner.Run(SoftplusOp.Instance, x);
}
