using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>
/// Gaussian error linear unit. Exact (default, Keras 3 <c>approximate=False</c>):
/// <c>0.5 x (1 + erf(x / sqrt(2)))</c>; approximate: <c>0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))</c>.
/// </summary>
[Op("Gelu")]
public sealed partial class GeluOp(bool approximate) : UnaryElementwiseOp
{
    private const double SqrtHalf = 0.7071067811865476;
    private const double SqrtTwoOverPi = 0.7978845608028654;
    private const double InvSqrtTwoPi = 0.3989422804014327;
    private const double Cubic = 0.044715;

    /// <summary>Whether the tanh approximation is used.</summary>
    public bool Approximate { get; } = approximate;

    private static double Exact(double x) => 0.5 * x * (1 + SpecialFunctions.Erf(x * SqrtHalf));
    private static double Tanh(double x) => 0.5 * x * (1 + Math.Tanh(SqrtTwoOverPi * (x + Cubic * x * x * x)));

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output) => Approximate
        ? Elementwise.Unary(inputs[0], output,
            static (x, d) => { for (int i = 0; i < x.Length; i++) d[i] = (float)Tanh(x[i]); },
            static (x, d) => { for (int i = 0; i < x.Length; i++) d[i] = Tanh(x[i]); }, null, null, Name)
        : Elementwise.Unary(inputs[0], output,
            static (x, d) => { for (int i = 0; i < x.Length; i++) d[i] = (float)Exact(x[i]); },
            static (x, d) => { for (int i = 0; i < x.Length; i++) d[i] = Exact(x[i]); }, null, null, Name);

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        var x = inputs[0];
        var dt = x.DType;
        Tensor half = Tensor.Scalar(0.5, dt), one = Tensor.Scalar(1, dt);
        if (!Approximate)
        {
            // 0.5 (1 + erf(x/sqrt2)) + x exp(-x^2/2) / sqrt(2 pi)
            var cdf = Ops.Mul(half, Ops.Add(one, Ops.Erf(Ops.Mul(x, Tensor.Scalar(SqrtHalf, dt)))));
            var pdf = Ops.Mul(Ops.Exp(Ops.Mul(Ops.Square(x), Tensor.Scalar(-0.5, dt))), Tensor.Scalar(InvSqrtTwoPi, dt));
            return [Ops.Mul(g, Ops.Add(cdf, Ops.Mul(x, pdf)))];
        }
        // u = c (x + k x^3), t = tanh(u): 0.5 (1 + t) + 0.5 x (1 - t^2) c (1 + 3k x^2)
        var x2 = Ops.Square(x);
        var u = Ops.Mul(Tensor.Scalar(SqrtTwoOverPi, dt), Ops.Add(x, Ops.Mul(Tensor.Scalar(Cubic, dt), Ops.Mul(x2, x))));
        var t = Ops.Tanh(u);
        var du = Ops.Mul(Tensor.Scalar(SqrtTwoOverPi, dt), Ops.Add(one, Ops.Mul(Tensor.Scalar(3 * Cubic, dt), x2)));
        var d = Ops.Add(Ops.Mul(half, Ops.Add(one, t)), Ops.Mul(Ops.Mul(half, x), Ops.Mul(Ops.Sub(one, Ops.Square(t)), du)));
        return [Ops.Mul(g, d)];
    }
}

public static partial class Ops
{
    /// <summary>GELU; exact erf form by default, tanh approximation when <paramref name="approximate"/>.</summary>
    public static Tensor Gelu(Tensor x, bool approximate = false) => OpRunner.Run(new GeluOp(approximate), x);
}
