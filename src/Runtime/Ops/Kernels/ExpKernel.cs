using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LayerGen.Kernels;

/// <summary>
/// float32 <c>exp(y)</c> for <c>y</c> in [<see cref="Lowest"/>, 0], the piece <see cref="TanhKernel"/> and
/// <see cref="SigmoidKernel"/> share, for 16 lanes and for <see cref="Vector{T}"/> (<see cref="ILaneFunction"/>: the
/// same operations): Cody-Waite reduction by ln 2 (<c>y = k ln 2 + r</c>, |r| &lt;= ln 2 / 2, the high part of ln 2 with
/// 8 significant bits so <c>k * Ln2High</c> is exact), a degree 7 Taylor polynomial for <c>exp(r)</c> evaluated with
/// fused multiply-adds, and <c>2^k</c> from exponent bits as two factors <c>2^(k - k/2) 2^(k/2)</c>, both normal, so a
/// result below float32's smallest normal rounds once into a subnormal instead of being flushed (where the result is
/// normal the two products are exact: the same bits as one factor). Error about one ulp (the polynomial's truncation
/// is 5e-9 relative).
/// </summary>
internal static class ExpKernel
{
    /// <summary>The lowest argument: <c>exp(-104)</c> is below half of float32's smallest subnormal, so it rounds to 0.</summary>
    public const float Lowest = -104f;

    private const float Log2E = 1.44269504088896341f;
    private const float Ln2High = 0.693359375f;          // 8 significant bits: k * Ln2High is exact for |k| < 2^15
    private const float Ln2Low = -2.12194440e-4f;        // ln 2 - Ln2High
    private const float RoundingMagic = 12582912f;       // 1.5 * 2^23: adding it rounds to an integer in the low bits
    private const float P7 = 1f / 5040, P6 = 1f / 720, P5 = 1f / 120, P4 = 1f / 24, P3 = 1f / 6, P2 = 0.5f;

    /// <summary><c>exp(y)</c> of every lane; each lane must be in [<see cref="Lowest"/>, 0] (callers clamp).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ExpNonPositive(Vector512<float> y)
    {
        var one = Vector512<float>.One;
        var shifted = y * Vector512.Create(Log2E) + Vector512.Create(RoundingMagic);
        var k = shifted - Vector512.Create(RoundingMagic);
        var r = Vector512.FusedMultiplyAdd(k, Vector512.Create(-Ln2Low), Vector512.FusedMultiplyAdd(k, Vector512.Create(-Ln2High), y));
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(P7), r, Vector512.Create(P6));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P5));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P2));
        p = Vector512.FusedMultiplyAdd(p, r, one);
        p = Vector512.FusedMultiplyAdd(p, r, one);
        var exponent = shifted.AsInt32() - Vector512.Create(RoundingMagic).AsInt32();
        var half = Vector512.ShiftRightArithmetic(exponent, 1);
        return p * Vector512.ShiftLeft(exponent - half + Vector512.Create(127), 23).AsSingle() * Vector512.ShiftLeft(half + Vector512.Create(127), 23).AsSingle();
    }

    /// <inheritdoc cref="ExpNonPositive(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> ExpNonPositive(Vector<float> y)
    {
        var one = Vector<float>.One;
        var shifted = y * new Vector<float>(Log2E) + new Vector<float>(RoundingMagic);
        var k = shifted - new Vector<float>(RoundingMagic);
        var r = Vector.FusedMultiplyAdd(k, new Vector<float>(-Ln2Low), Vector.FusedMultiplyAdd(k, new Vector<float>(-Ln2High), y));
        var p = Vector.FusedMultiplyAdd(new Vector<float>(P7), r, new Vector<float>(P6));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(P5));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(P4));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(P3));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(P2));
        p = Vector.FusedMultiplyAdd(p, r, one);
        p = Vector.FusedMultiplyAdd(p, r, one);
        var exponent = Vector.AsVectorInt32(shifted) - Vector.AsVectorInt32(new Vector<float>(RoundingMagic));
        var half = Vector.ShiftRightArithmetic(exponent, 1);
        return p * Vector.AsVectorSingle(Vector.ShiftLeft(exponent - half + new Vector<int>(127), 23)) * Vector.AsVectorSingle(Vector.ShiftLeft(half + new Vector<int>(127), 23));
    }
}
