using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>The error function <c>erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt</c>, accurate to double precision.</summary>
[Op("Erf")]
public sealed partial class ErfOp : UnaryElementwiseOp
{
    /// <summary>The shared instance.</summary>
    public static readonly ErfOp Instance = new();

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
        => Elementwise.Unary(inputs[0], output,
            static (x, d) => { for (int i = 0; i < x.Length; i++) d[i] = (float)SpecialFunctions.Erf(x[i]); },
            static (x, d) => { for (int i = 0; i < x.Length; i++) d[i] = SpecialFunctions.Erf(x[i]); }, null, null, Name);

    /// <summary><c>g * 2/sqrt(pi) * exp(-x^2)</c>.</summary>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        var x = inputs[0];
        var e = Ops.Exp(Ops.Neg(Ops.Square(x)));
        return [Ops.Mul(g, Ops.Mul(e, Tensor.Scalar(SpecialFunctions.TwoOverSqrtPi, x.DType)))];
    }
}

/// <summary>Scalar special functions used by kernels.</summary>
public static class SpecialFunctions
{
    /// <summary>2 / sqrt(pi).</summary>
    public const double TwoOverSqrtPi = 1.1283791670955126;

    /// <summary>
    /// erf(x) to about 1e-15 relative error: for |x| &lt; 2.5 the everywhere-positive series
    /// <c>erf(x) = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1))</c> (no cancellation);
    /// beyond, <c>1 - erfc(x)</c> with erfc from its continued fraction (modified Lentz).
    /// </summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        double a = Math.Abs(x);
        if (a < 2.5)
        {
            if (a < 1e-8) return TwoOverSqrtPi * x; // the next term is x^3/3, below double precision here
            double x2 = x * x, term = x, sum = x;
            for (int n = 1; n < 200; n++)
            {
                term *= 2 * x2 / (2 * n + 1);
                sum += term;
                if (Math.Abs(term) <= 1e-17 * Math.Abs(sum)) break;
            }
            return TwoOverSqrtPi * Math.Exp(-x2) * sum;
        }
        double r = 1 - ErfcLarge(a);
        return x < 0 ? -r : r;
    }

    /// <summary>erfc(x) = 1 - erf(x), accurate also where erf(x) is close to 1.</summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x >= 2.5) return ErfcLarge(x);
        if (x <= -2.5) return 2 - ErfcLarge(-x);
        return 1 - Erf(x);
    }

    // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))) for x >= 2.5.
    private static double ErfcLarge(double x)
    {
        if (x > 27) return 0;
        const double tiny = 1e-300;
        double f = x, c = x, d = 0;
        for (int k = 1; k < 500; k++)
        {
            double ak = k * 0.5;
            d = x + ak * d;
            if (Math.Abs(d) < tiny) d = tiny;
            c = x + ak / c;
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        return Math.Exp(-x * x) / (Math.Sqrt(Math.PI) * f);
    }
}

public static partial class Ops
{
    /// <summary>Elementwise error function.</summary>
    public static Tensor Erf(Tensor x) => OpRunner.Run(ErfOp.Instance, x);
}
