using System.Numerics;

namespace LayerGen.Kernels;

/// <summary>
/// Hyperbolic tangent accurate over the whole range. <c>TensorPrimitives.Tanh</c> computes
/// <c>(exp(2x) - 1) / (exp(2x) + 1)</c> in the input's precision, which cancels near 0 (float32: -5.96e-8 for
/// 0 and 1e-30, 0.46 % off at 1e-5). float32 here is computed in float32 lanes of <see cref="Vector{T}"/> (the float64-lane version it
/// replaced cost about 5 Sigmoids per element in the LSTM profile, this one about 3; 16-lane Vector512 code was slower
/// than 8 lanes on this machine's CPU): with <c>a = |x|</c>,
/// <list type="bullet">
/// <item>below <see cref="Small"/>: <c>a + a^3 P(a^2)</c>, <c>P</c> of degree 6 fitted (relative minimax, float32
/// coefficients) on [0, 0.75], evaluated with fused multiply-adds;</item>
/// <item>above: <c>1 - 2e / (1 + e)</c> with <c>e = exp(-2a)</c> (own float32 exp: Cody-Waite reduction by ln 2, degree 7
/// Taylor polynomial, exponent bits), the rounding of <c>1 + e</c>, of the quotient and of <c>1 - q</c> carried as
/// error terms (two-sum and an FMA residual) so that only the final addition rounds.</item>
/// </list>
/// The sign is copied from <c>x</c> (so <c>tanh(-0) = -0</c>), NaN passed through, |x| clamped at
/// <see cref="Saturated"/> (tanh is 1 in float32 from 9.01). Max error against float64 tanh: 0.83 ulp on every
/// third float32 in [1e-4, 10] (the fit and that sweep: benchmarks/References/tanh_float32_fit.py), within one ulp
/// on 200,000 log-spread inputs over [1e-38, 20] (NumericsReferenceTests). float64 uses <c>Math.Tanh</c>.
/// The tail of a span goes through the same vector code (padded), so every element's result is independent of
/// where it sits in the span: the fused dense epilogue and the op give bitwise equal results.
/// </summary>
internal static class TanhKernel
{
    /// <summary>Below this |x| the polynomial is used, above it the exp form.</summary>
    private const float Small = 0.75f;

    /// <summary>|x| is clamped here before <c>exp(-2|x|)</c> (tanh rounds to 1 in float32 from 9.01).</summary>
    private const float Saturated = 9.5f;

    // P(z) = c0 + c1 z + ... + c6 z^6 with tanh(a) ~ a + a^3 P(a^2) on [0, 0.75].
    private const float C0 = -0.3333333134651184f, C1 = 0.13333280384540558f, C2 = -0.053959812968969345f, C3 = 0.021805481985211372f;
    private const float C4 = -0.008599445223808289f, C5 = 0.0029731611721217632f, C6 = -0.0006344952271319926f;

    private const float Log2E = 1.44269504088896341f;
    private const float Ln2High = 0.693359375f;          // 8 significant bits: k * Ln2High is exact for |k| < 2^15
    private const float Ln2Low = -2.12194440e-4f;        // ln 2 - Ln2High
    private const float RoundingMagic = 12582912f;       // 1.5 * 2^23: adding it rounds to an integer in the low bits

    /// <summary>float32 tanh of every element of <paramref name="x"/> into <paramref name="destination"/> (may alias).</summary>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> destination)
    {
        int w = Vector<float>.Count, i = 0;
        for (; i + w <= x.Length; i += w)
            Tanh(new Vector<float>(x.Slice(i, w))).CopyTo(destination.Slice(i, w));
        if (i == x.Length) return;
        Span<float> buffer = stackalloc float[w];
        buffer.Clear();
        x[i..].CopyTo(buffer);
        Tanh(new Vector<float>(buffer)).CopyTo(buffer);
        buffer[..(x.Length - i)].CopyTo(destination[i..]);
    }

    /// <summary>float64 tanh of every element (<c>Math.Tanh</c>, which is accurate near 0 where the vector formula is not).</summary>
    public static void Tanh(ReadOnlySpan<double> x, Span<double> destination)
    {
        for (int i = 0; i < x.Length; i++) destination[i] = Math.Tanh(x[i]);
    }

    private static Vector<float> Fma(Vector<float> a, Vector<float> b, Vector<float> c) => Vector.FusedMultiplyAdd(a, b, c);

    /// <summary>tanh of 8 (or the vector width) float32 lanes.</summary>
    internal static Vector<float> Tanh(Vector<float> x)
    {
        var one = Vector<float>.One;
        var a = Vector.Abs(x);

        // Small |x|: a + a^3 P(a^2).
        var z = a * a;
        var p = Fma(Fma(Fma(Fma(Fma(Fma(new Vector<float>(C6), z, new Vector<float>(C5)), z, new Vector<float>(C4)), z,
            new Vector<float>(C3)), z, new Vector<float>(C2)), z, new Vector<float>(C1)), z, new Vector<float>(C0));
        var polynomial = Fma(a, z * p, a);

        // Large |x|: e = exp(-2a) = 2^k exp(r).
        var y = Vector.Min(a, new Vector<float>(Saturated)) * new Vector<float>(-2f);
        var shifted = y * new Vector<float>(Log2E) + new Vector<float>(RoundingMagic);
        var k = shifted - new Vector<float>(RoundingMagic);
        var r = Fma(k, new Vector<float>(-Ln2Low), Fma(k, new Vector<float>(-Ln2High), y));
        var er = Fma(Fma(Fma(Fma(Fma(Fma(Fma(new Vector<float>(1f / 5040), r, new Vector<float>(1f / 720)), r, new Vector<float>(1f / 120)), r,
            new Vector<float>(1f / 24)), r, new Vector<float>(1f / 6)), r, new Vector<float>(0.5f)), r, one), r, one);
        var exponent = Vector.AsVectorInt32(shifted) - Vector.AsVectorInt32(new Vector<float>(RoundingMagic));
        var e = er * Vector.AsVectorSingle(Vector.ShiftLeft(exponent + new Vector<int>(127), 23));

        // 1 - 2e / (1 + e) with the roundings of 1 + e, of the quotient and of 1 - q kept as error terms.
        var d = one + e;
        var dLow = e - (d - one);                                   // exact: 1 >= e
        var twoE = e + e;
        var q = twoE / d;
        var residual = Fma(-q, d, twoE);                            // exact: 2e - q d
        var correction = Fma(-q, dLow, residual) * (one - new Vector<float>(0.5f) * q);   // (2e - q (d + dLow)) / (1 + e)
        var high = one - q;
        var low = (one - high) - q;                                 // exact: 1 >= q
        var ratio = high + (low - correction);

        var magnitude = Vector.ConditionalSelect(Vector.LessThan(a, new Vector<float>(Small)), polynomial, ratio);
        var signed = Vector.AsVectorSingle(Vector.AsVectorUInt32(magnitude) | (Vector.AsVectorUInt32(x) & new Vector<uint>(0x8000_0000u)));
        return Vector.ConditionalSelect(Vector.Equals(x, x), signed, x);
    }
}
