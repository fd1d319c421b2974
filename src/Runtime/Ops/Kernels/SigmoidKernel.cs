using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LayerGen.Kernels;

/// <summary>
/// float32 logistic sigmoid (<see cref="ILaneFunction"/>: 16 lanes where <c>Vector512</c> is accelerated).
/// <c>TensorPrimitives.Sigmoid</c> is as fast once its code is re-jitted at tier 1, but its precompiled (ReadyToRun)
/// code, which a process runs until then, took 2.1 ns per element in the LSTM probe (the LSTM cell's biggest cost); this
/// kernel is the project's own code, jitted for the machine. With <c>e = exp(-|x|)</c> (<see cref="ExpKernel"/>, |x|
/// clamped at 104 where the result is 0 or 1 in float32), <c>sigmoid(x) = n / (1 + e)</c> with <c>n = 1</c> for
/// <c>x &gt;= 0</c> and <c>n = e</c> below (no overflow; subnormal results down to x = -103); the roundings of
/// <c>1 + e</c> and of the quotient are carried as error terms (two-sum and an FMA residual), so the result is within
/// about one ulp of the float64 value (NumericsReferenceTests). NaN is passed through. Every element's bits are
/// independent of where it sits (<see cref="LaneMap"/>), so the op, the fused epilogues and the LSTM cell give bitwise
/// equal results. float64 keeps <c>TensorPrimitives.Sigmoid</c>.
/// </summary>
internal static class SigmoidKernel
{
    /// <summary>float32 sigmoid of every element of <paramref name="x"/> into <paramref name="destination"/> (may alias).</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> destination) => LaneMap.Apply<SigmoidKernel.Function>(x, destination);

    /// <summary>float64 sigmoid (<c>TensorPrimitives.Sigmoid</c>).</summary>
    public static void Sigmoid(ReadOnlySpan<double> x, Span<double> destination) => System.Numerics.Tensors.TensorPrimitives.Sigmoid(x, destination);

    /// <summary>The vector code, for 16 lanes and for <see cref="Vector{T}"/>: the same operations.</summary>
    private readonly struct Function : ILaneFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Apply(Vector512<float> x)
        {
            var one = Vector512<float>.One;
            var e = ExpKernel.ExpNonPositive(-Vector512.Min(Vector512.Abs(x), Vector512.Create(-ExpKernel.Lowest)));
            var positive = Vector512.GreaterThanOrEqual(x, Vector512<float>.Zero);
            var n = Vector512.ConditionalSelect(positive, one, e);
            var d = one + e;
            var dLow = e - (d - one);                                   // exact: 1 >= e
            var q = n / d;
            var residual = Vector512.FusedMultiplyAdd(-q, d, n);        // exact: n - q d
            // (n - q (d + dLow)) / (1 + e), with 1 / (1 + e) = q for n = 1 and 1 - q for n = e (only a few bits matter).
            var correction = Vector512.FusedMultiplyAdd(-q, dLow, residual) * Vector512.ConditionalSelect(positive, q, one - q);
            return Vector512.ConditionalSelect(Vector512.Equals(x, x), q + correction, x);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<float> Apply(Vector<float> x)
        {
            var one = Vector<float>.One;
            var e = ExpKernel.ExpNonPositive(-Vector.Min(Vector.Abs(x), new Vector<float>(-ExpKernel.Lowest)));
            var positive = Vector.AsVectorSingle(Vector.GreaterThanOrEqual(x, Vector<float>.Zero));
            var n = Vector.ConditionalSelect(positive, one, e);
            var d = one + e;
            var dLow = e - (d - one);
            var q = n / d;
            var residual = Vector.FusedMultiplyAdd(-q, d, n);
            var correction = Vector.FusedMultiplyAdd(-q, dLow, residual) * Vector.ConditionalSelect(positive, q, one - q);
            return Vector.ConditionalSelect(Vector.Equals(x, x), q + correction, x);
        }
    }
}
