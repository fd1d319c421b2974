using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LayerGen.Kernels;

/// <summary>
/// A dense layer's epilogue inside the GEMM: <c>C = relu(op(A) op(B) + bias)</c> (ReLU optional). Each micro-tile gets
/// the bias (and ReLU) right after its last depth block, while it is still in L1, instead of a second pass over C row by
/// row (<see cref="BiasActivation"/>), which cost as much as a quarter of the 128×256×256 product on this machine. The
/// arithmetic is the unfused one: the finished sum plus the bias, one float32 rounding (as <c>TensorPrimitives.Add</c>),
/// then <c>max(x, 0)</c> with <c>TensorPrimitives.Max</c>'s semantics (NaN kept, -0 gives +0), so results are bitwise
/// those of the product followed by <see cref="BiasActivation.Apply"/>.
/// </summary>
internal static unsafe partial class Gemm
{
    /// <summary>
    /// <c>C = op(A) B + bias</c>, then ReLU when <paramref name="relu"/>, with B packed ahead (<see cref="PackB(ReadOnlySpan{float}, bool, int, int, PackedMatrix?)"/>):
    /// bitwise <see cref="Sgemm(ReadOnlySpan{float}, bool, PackedMatrix, Span{float}, int, int)"/> followed by
    /// <see cref="BiasActivation.Apply"/> with <see cref="FusedActivation.None"/> or <see cref="FusedActivation.Relu"/>.
    /// </summary>
    public static void SgemmBias(ReadOnlySpan<float> a, bool transposeA, PackedMatrix b, Span<float> c, int m, int threads, ReadOnlySpan<float> bias, bool relu)
    {
        ArgumentNullException.ThrowIfNull(b);
        int n = b.N, k = b.K;
        if ((long)m * n > c.Length || (long)m * k > a.Length || bias.Length != n)
            throw new ArgumentException($"Gemm: op(A) is {m}×{k}, C {m}×{n} and the bias {n}, but the buffers hold {a.Length}, {c.Length} and {bias.Length} values.");
        if (m == 0) return;
        fixed (float* pa = a, pc = c, pbias = bias)
        {
            var p = new Problem(pa, transposeA ? 1 : k, transposeA ? m : 1, null, 0, 0, pc, n, m, n, k, b.Pointer, false, pbias, relu);
            Blocked(p, threads, b.Kernel);
        }
        GC.KeepAlive(b);
    }

    /// <summary>
    /// <c>C = op(A) op(B) + bias</c>, then ReLU when <paramref name="relu"/>, packing B per product: bitwise
    /// <see cref="Sgemm(ReadOnlySpan{float}, bool, ReadOnlySpan{float}, bool, Span{float}, int, int, int)"/> followed by
    /// <see cref="BiasActivation.Apply"/> with <see cref="FusedActivation.None"/> or <see cref="FusedActivation.Relu"/>.
    /// </summary>
    public static void SgemmBias(ReadOnlySpan<float> a, bool transposeA, ReadOnlySpan<float> b, bool transposeB, Span<float> c, int m, int n, int k,
        ReadOnlySpan<float> bias, bool relu)
    {
        if ((long)m * n > c.Length || (long)m * k > a.Length || (long)k * n > b.Length || bias.Length != n)
            throw new ArgumentException("Gemm: buffers are smaller than the matrix sizes.");
        if (m == 0 || n == 0) return;
        fixed (float* pa = a, pb = b, pc = c, pbias = bias)
        {
            if (k == 0 || !IsBlocked(m, n, k))
            {
                // The direct loop (or an empty depth), then the epilogue over whole rows.
                if (k == 0) c[..(m * n)].Clear();
                else Direct(new Problem(pa, transposeA ? 1 : k, transposeA ? m : 1, pb, transposeB ? 1 : n, transposeB ? k : 1, pc, n, m, n, k));
                Epilogue(pc, m, n, n, pbias, relu);
                return;
            }
            var p = new Problem(pa, transposeA ? 1 : k, transposeA ? m : 1, pb, transposeB ? 1 : n, transposeB ? k : 1, pc, n, m, n, k, null, false, pbias, relu);
            Blocked(p, DefaultThreads, Best);
        }
    }

    /// <summary><paramref name="rows"/> rows of <paramref name="w"/> values at <paramref name="c"/> (row stride <paramref name="ldc"/>): <c>x + bias[j]</c>, then <c>max(x, 0)</c> when <paramref name="relu"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Epilogue(float* c, int rows, int w, int ldc, float* bias, bool relu)
    {
        for (int i = 0; i < rows; i++, c += ldc)
        {
            int j = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; j + 16 <= w; j += 16)
                {
                    var v = Vector512.Load(c + j) + Vector512.Load(bias + j);
                    // max(v, 0): v where v > 0 or v is NaN, else +0 (so -0 and negatives give +0).
                    if (relu) v = Vector512.ConditionalSelect(Vector512.GreaterThan(v, Vector512<float>.Zero) | ~Vector512.Equals(v, v), v, Vector512<float>.Zero);
                    Vector512.Store(v, c + j);
                }
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                for (; j + 8 <= w; j += 8)
                {
                    var v = Vector256.Load(c + j) + Vector256.Load(bias + j);
                    if (relu) v = Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256<float>.Zero) | ~Vector256.Equals(v, v), v, Vector256<float>.Zero);
                    Vector256.Store(v, c + j);
                }
            }
            for (; j < w; j++)
            {
                float v = c[j] + bias[j];
                if (relu && !(v > 0f) && !float.IsNaN(v)) v = 0f;
                c[j] = v;
            }
        }
    }
}
