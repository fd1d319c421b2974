using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LayerGen.Kernels;

/// <summary>
/// Hyperbolic tangent accurate over the whole range. <c>TensorPrimitives.Tanh</c> computes
/// <c>(exp(2x) - 1) / (exp(2x) + 1)</c> in the input's precision, which cancels near 0 (float32: -5.96e-8 for
/// 0 and 1e-30, 0.46 % off at 1e-5). float32 here is computed in float32 lanes (<see cref="ILaneFunction"/>: 16 where Vector512 is
/// accelerated; an earlier measurement that found 16 lanes slower than 8 had the vector code called, not inlined): with <c>a = |x|</c>,
/// <list type="bullet">
/// <item>below <see cref="Small"/>: <c>a + a^3 P(a^2)</c>, <c>P</c> of degree 6 fitted (relative minimax, float32
/// coefficients) on [0, 0.75], evaluated with fused multiply-adds;</item>
/// <item>above: <c>1 - 2e / (1 + e)</c> with <c>e = exp(-2a)</c> (<see cref="ExpKernel"/>), the rounding of <c>1 + e</c>, of the quotient and of <c>1 - q</c> carried as
/// error terms (two-sum and an FMA residual) so that only the final addition rounds.</item>
/// </list>
/// The sign is copied from <c>x</c> (so <c>tanh(-0) = -0</c>), NaN passed through, |x| clamped at
/// <see cref="Saturated"/> (tanh is 1 in float32 from 9.01). Max error against float64 tanh: 0.83 ulp on every
/// third float32 in [1e-4, 10] (the fit and that sweep: benchmarks/References/tanh_float32_fit.py), within one ulp
/// on 200,000 log-spread inputs over [1e-38, 20] (NumericsReferenceTests). float64 uses <c>Math.Tanh</c>.
/// Every element's result is independent of where it sits in the span (<see cref="LaneMap"/>): the fused dense
/// epilogue and the op give bitwise equal results.
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

    /// <summary>float32 tanh of every element of <paramref name="x"/> into <paramref name="destination"/> (may alias).</summary>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> destination) => LaneMap.Apply<TanhKernel.Function>(x, destination);

    /// <summary>float64 tanh of every element (<c>Math.Tanh</c>, which is accurate near 0 where the vector formula is not).</summary>
    public static void Tanh(ReadOnlySpan<double> x, Span<double> destination)
    {
        for (int i = 0; i < x.Length; i++) destination[i] = Math.Tanh(x[i]);
    }

    /// <summary>The vector code, for 16 lanes and for <see cref="Vector{T}"/>: the same operations.</summary>
    private readonly struct Function : ILaneFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Apply(Vector512<float> x)
        {
            var one = Vector512<float>.One;
            var a = Vector512.Abs(x);

            // Small |x|: a + a^3 P(a^2).
            var z = a * a;
            var p = Vector512.FusedMultiplyAdd(Vector512.Create(C6), z, Vector512.Create(C5));
            p = Vector512.FusedMultiplyAdd(p, z, Vector512.Create(C4));
            p = Vector512.FusedMultiplyAdd(p, z, Vector512.Create(C3));
            p = Vector512.FusedMultiplyAdd(p, z, Vector512.Create(C2));
            p = Vector512.FusedMultiplyAdd(p, z, Vector512.Create(C1));
            p = Vector512.FusedMultiplyAdd(p, z, Vector512.Create(C0));
            var polynomial = Vector512.FusedMultiplyAdd(a, z * p, a);

            // Large |x|: e = exp(-2a).
            var e = ExpKernel.ExpNonPositive(Vector512.Min(a, Vector512.Create(Saturated)) * Vector512.Create(-2f));

            // 1 - 2e / (1 + e) with the roundings of 1 + e, of the quotient and of 1 - q kept as error terms.
            var d = one + e;
            var dLow = e - (d - one);                                   // exact: 1 >= e
            var twoE = e + e;
            var q = twoE / d;
            var residual = Vector512.FusedMultiplyAdd(-q, d, twoE);     // exact: 2e - q d
            var correction = Vector512.FusedMultiplyAdd(-q, dLow, residual) * (one - Vector512.Create(0.5f) * q);   // (2e - q (d + dLow)) / (1 + e)
            var high = one - q;
            var low = (one - high) - q;                                 // exact: 1 >= q
            var ratio = high + (low - correction);

            var magnitude = Vector512.ConditionalSelect(Vector512.LessThan(a, Vector512.Create(Small)), polynomial, ratio);
            var signed = (magnitude.AsUInt32() | (x.AsUInt32() & Vector512.Create(0x8000_0000u))).AsSingle();
            return Vector512.ConditionalSelect(Vector512.Equals(x, x), signed, x);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<float> Apply(Vector<float> x)
        {
            var one = Vector<float>.One;
            var a = Vector.Abs(x);
            var z = a * a;
            var p = Vector.FusedMultiplyAdd(new Vector<float>(C6), z, new Vector<float>(C5));
            p = Vector.FusedMultiplyAdd(p, z, new Vector<float>(C4));
            p = Vector.FusedMultiplyAdd(p, z, new Vector<float>(C3));
            p = Vector.FusedMultiplyAdd(p, z, new Vector<float>(C2));
            p = Vector.FusedMultiplyAdd(p, z, new Vector<float>(C1));
            p = Vector.FusedMultiplyAdd(p, z, new Vector<float>(C0));
            var polynomial = Vector.FusedMultiplyAdd(a, z * p, a);
            var e = ExpKernel.ExpNonPositive(Vector.Min(a, new Vector<float>(Saturated)) * new Vector<float>(-2f));
            var d = one + e;
            var dLow = e - (d - one);
            var twoE = e + e;
            var q = twoE / d;
            var residual = Vector.FusedMultiplyAdd(-q, d, twoE);
            var correction = Vector.FusedMultiplyAdd(-q, dLow, residual) * (one - new Vector<float>(0.5f) * q);
            var high = one - q;
            var low = (one - high) - q;
            var ratio = high + (low - correction);
            var magnitude = Vector.ConditionalSelect(Vector.LessThan(a, new Vector<float>(Small)), polynomial, ratio);
            var signed = Vector.AsVectorSingle(Vector.AsVectorUInt32(magnitude) | (Vector.AsVectorUInt32(x) & new Vector<uint>(0x8000_0000u)));
            return Vector.ConditionalSelect(Vector.Equals(x, x), signed, x);
        }
    }
}
