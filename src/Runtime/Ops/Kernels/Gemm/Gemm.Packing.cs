using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LayerGen.Kernels;

/// <summary>The GEMM's packing of A and B panels into the layouts the micro-kernels read.</summary>
internal static unsafe partial class Gemm
{
    private static int RoundUp(int x, int to) => (x + to - 1) / to * to;

    /// <summary>Packs B rows [pc, pc+kc), column panels [p0, p1) of the block starting at column jc: each panel kc×NR, row-major, zero-padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(in Problem p, float* dst, int pc, int kc, int jc, int nc, int nr, int p0, int p1)
    {
        for (int panel = p0; panel < p1; panel++)
        {
            int j0 = jc + panel * nr;
            int w = Math.Min(nr, jc + nc - j0);
            float* d = dst + (nint)panel * kc * nr;
            if (p.Bcs == 1)
            {
                float* s = p.B + (nint)pc * p.Brs + j0;
                if (w == nr && nr == 32 && Avx512F.IsSupported)
                {
                    for (int q = 0; q < kc; q++, s += p.Brs, d += 32)
                    {
                        Vector512.Store(Vector512.Load(s), d);
                        Vector512.Store(Vector512.Load(s + 16), d + 16);
                    }
                }
                else if (w == nr && nr == 16 && Avx.IsSupported)
                {
                    for (int q = 0; q < kc; q++, s += p.Brs, d += 16)
                    {
                        Vector256.Store(Vector256.Load(s), d);
                        Vector256.Store(Vector256.Load(s + 8), d + 8);
                    }
                }
                else
                {
                    for (int q = 0; q < kc; q++, s += p.Brs, d += nr)
                    {
                        int j = 0;
                        for (; j < w; j++) d[j] = s[j];
                        for (; j < nr; j++) d[j] = 0f;
                    }
                }
            }
            else
            {
                // B is stored transposed ([n,k]): column j of op(B) is a contiguous row.
                TransposeRows(p.B + (nint)j0 * p.Bcs + pc, p.Bcs, w, kc, d, nr);
                for (int j = w; j < nr; j++)
                    for (int q = 0; q < kc; q++) d[(nint)q * nr + j] = 0f;
            }
        }
    }

    /// <summary>Packs A rows [i0, i0+mc), depth [pc, pc+kc) into MR-row panels, each kc×MR (column of MR values per depth step), zero-padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(in Problem p, float* dst, int i0, int mc, int pc, int kc, int mr)
    {
        for (int r = 0; r < mc; r += mr)
        {
            int h = Math.Min(mr, mc - r);
            float* d = dst + (nint)r * kc;
            if (p.Ars == 1)
            {
                // A stored transposed ([k,m]): the MR values for one depth step are contiguous.
                float* s = p.A + (nint)pc * p.Acs + i0 + r;
                // Whole panels of the AVX-512 tiles (12 rows, 16 for the narrow one) as vector copies, one per depth step.
                if (h == 12 && mr == 12 && Avx.IsSupported)
                {
                    for (int q = 0; q < kc; q++, s += p.Acs, d += 12)
                    {
                        Vector256.Store(Vector256.Load(s), d);
                        Vector128.Store(Vector128.Load(s + 8), d + 8);
                    }
                    continue;
                }
                if (h == 16 && mr == 16 && Avx512F.IsSupported)
                {
                    for (int q = 0; q < kc; q++, s += p.Acs, d += 16) Vector512.Store(Vector512.Load(s), d);
                    continue;
                }
                for (int q = 0; q < kc; q++, s += p.Acs, d += mr)
                {
                    int i = 0;
                    for (; i < h; i++) d[i] = s[i];
                    for (; i < mr; i++) d[i] = 0f;
                }
            }
            else
            {
                // A row-major: each panel is a transpose.
                TransposeRows(p.A + (nint)(i0 + r) * p.Ars + pc, p.Ars, h, kc, d, mr);
                for (int i = h; i < mr; i++)
                    for (int q = 0; q < kc; q++) d[(nint)q * mr + i] = 0f;
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="count"/> rows of <paramref name="kc"/> values (row i at <c>src + i*srcStride</c>) as
    /// columns: value (i, q) goes to <c>dst[q*dstStride + i]</c>. Four rows at a time go through 4×4 register
    /// transposes instead of one strided store per element. Packs row-major A panels and transposed B panels.
    /// </summary>
    private static void TransposeRows(float* src, int srcStride, int count, int kc, float* dst, int dstStride)
    {
        int i = 0;
        if (Sse.IsSupported)
        {
            for (; i + 4 <= count; i += 4)
            {
                float* s0 = src + (nint)i * srcStride;
                float* s1 = s0 + srcStride, s2 = s1 + srcStride, s3 = s2 + srcStride;
                float* di = dst + i;
                int q = 0;
                for (; q + 4 <= kc; q += 4)
                    Transpose4x4(Sse.LoadVector128(s0 + q), Sse.LoadVector128(s1 + q), Sse.LoadVector128(s2 + q), Sse.LoadVector128(s3 + q), di + (nint)q * dstStride, dstStride);
                for (; q < kc; q++)
                {
                    float* dq = di + (nint)q * dstStride;
                    dq[0] = s0[q]; dq[1] = s1[q]; dq[2] = s2[q]; dq[3] = s3[q];
                }
            }
        }
        for (; i < count; i++)
        {
            float* s = src + (nint)i * srcStride;
            for (int q = 0; q < kc; q++) dst[(nint)q * dstStride + i] = s[q];
        }
    }

    /// <summary>Stores the transpose of the 4×4 block whose rows are r0..r3: column j goes to <c>d + j*stride</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x4(Vector128<float> r0, Vector128<float> r1, Vector128<float> r2, Vector128<float> r3, float* d, int stride)
    {
        var t0 = Sse.UnpackLow(r0, r1);   // r0[0] r1[0] r0[1] r1[1]
        var t1 = Sse.UnpackLow(r2, r3);   // r2[0] r3[0] r2[1] r3[1]
        var t2 = Sse.UnpackHigh(r0, r1);  // r0[2] r1[2] r0[3] r1[3]
        var t3 = Sse.UnpackHigh(r2, r3);  // r2[2] r3[2] r2[3] r3[3]
        Sse.Store(d, Sse.MoveLowToHigh(t0, t1));
        Sse.Store(d + stride, Sse.MoveHighToLow(t1, t0));
        Sse.Store(d + 2 * stride, Sse.MoveLowToHigh(t2, t3));
        Sse.Store(d + 3 * stride, Sse.MoveHighToLow(t3, t2));
    }
}
