using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LayerGen.Kernels;

/// <summary>The GEMM's AVX-512F micro-kernels (12×32 and, for narrow products, 16×16 tiles).</summary>
internal static unsafe partial class Gemm
{
    /// <summary>
    /// AVX-512 micro-kernel: C[12,32] (+)= A[12,kc] · Bpanel[kc,32], 24 zmm accumulators. Element (i, q) of the A tile
    /// is <c>a[i*rs + q*ds]</c>: a packed panel (rs 1, ds 12) or row-major A read in place (rs = its row stride, ds 1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel12x32(int kc, float* a, nint rs, nint ds, float* b, float* c, int ldc, bool accumulate)
    {
        nint r2 = 2 * rs, r3 = 3 * rs;
        float* a0 = a, a4 = a + 4 * rs, a8 = a + 8 * rs;
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default, c80 = default, c81 = default, c90 = default, c91 = default, c100 = default, c101 = default, c110 = default, c111 = default;
        for (int q = 0; q < kc; q++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            Vector512<float> av;
            av = Vector512.Create(a0[0]);
            c00 = Avx512F.FusedMultiplyAdd(av, b0, c00); c01 = Avx512F.FusedMultiplyAdd(av, b1, c01);
            av = Vector512.Create(a0[rs]);
            c10 = Avx512F.FusedMultiplyAdd(av, b0, c10); c11 = Avx512F.FusedMultiplyAdd(av, b1, c11);
            av = Vector512.Create(a0[r2]);
            c20 = Avx512F.FusedMultiplyAdd(av, b0, c20); c21 = Avx512F.FusedMultiplyAdd(av, b1, c21);
            av = Vector512.Create(a0[r3]);
            c30 = Avx512F.FusedMultiplyAdd(av, b0, c30); c31 = Avx512F.FusedMultiplyAdd(av, b1, c31);
            av = Vector512.Create(a4[0]);
            c40 = Avx512F.FusedMultiplyAdd(av, b0, c40); c41 = Avx512F.FusedMultiplyAdd(av, b1, c41);
            av = Vector512.Create(a4[rs]);
            c50 = Avx512F.FusedMultiplyAdd(av, b0, c50); c51 = Avx512F.FusedMultiplyAdd(av, b1, c51);
            av = Vector512.Create(a4[r2]);
            c60 = Avx512F.FusedMultiplyAdd(av, b0, c60); c61 = Avx512F.FusedMultiplyAdd(av, b1, c61);
            av = Vector512.Create(a4[r3]);
            c70 = Avx512F.FusedMultiplyAdd(av, b0, c70); c71 = Avx512F.FusedMultiplyAdd(av, b1, c71);
            av = Vector512.Create(a8[0]);
            c80 = Avx512F.FusedMultiplyAdd(av, b0, c80); c81 = Avx512F.FusedMultiplyAdd(av, b1, c81);
            av = Vector512.Create(a8[rs]);
            c90 = Avx512F.FusedMultiplyAdd(av, b0, c90); c91 = Avx512F.FusedMultiplyAdd(av, b1, c91);
            av = Vector512.Create(a8[r2]);
            c100 = Avx512F.FusedMultiplyAdd(av, b0, c100); c101 = Avx512F.FusedMultiplyAdd(av, b1, c101);
            av = Vector512.Create(a8[r3]);
            c110 = Avx512F.FusedMultiplyAdd(av, b0, c110); c111 = Avx512F.FusedMultiplyAdd(av, b1, c111);
            a0 += ds; a4 += ds; a8 += ds;
            b += 32;
        }
        Store512(c, c00, c01, accumulate); c += ldc;
        Store512(c, c10, c11, accumulate); c += ldc;
        Store512(c, c20, c21, accumulate); c += ldc;
        Store512(c, c30, c31, accumulate); c += ldc;
        Store512(c, c40, c41, accumulate); c += ldc;
        Store512(c, c50, c51, accumulate); c += ldc;
        Store512(c, c60, c61, accumulate); c += ldc;
        Store512(c, c70, c71, accumulate); c += ldc;
        Store512(c, c80, c81, accumulate); c += ldc;
        Store512(c, c90, c91, accumulate); c += ldc;
        Store512(c, c100, c101, accumulate); c += ldc;
        Store512(c, c110, c111, accumulate);
    }

    /// <summary>
    /// AVX-512 micro-kernel C[8,32] (+)= A[8,kc] · Bpanel[kc,32], A's element (i, q) at <c>a[i*rs + q*ds]</c> as in
    /// <see cref="Kernel12x32"/>: 16 zmm accumulators, for products whose rows are not a multiple of 12 (the Winograd
    /// kernel gradient's input channels, <see cref="MultiplyColumnsByPanels32"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x32(int kc, float* a, nint rs, nint ds, float* b, float* c, int ldc, bool accumulate)
    {
        nint r2 = 2 * rs, r3 = 3 * rs;
        float* a0 = a, a4 = a + 4 * rs;
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        for (int q = 0; q < kc; q++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            Vector512<float> av;
            av = Vector512.Create(a0[0]);
            c00 = Avx512F.FusedMultiplyAdd(av, b0, c00); c01 = Avx512F.FusedMultiplyAdd(av, b1, c01);
            av = Vector512.Create(a0[rs]);
            c10 = Avx512F.FusedMultiplyAdd(av, b0, c10); c11 = Avx512F.FusedMultiplyAdd(av, b1, c11);
            av = Vector512.Create(a0[r2]);
            c20 = Avx512F.FusedMultiplyAdd(av, b0, c20); c21 = Avx512F.FusedMultiplyAdd(av, b1, c21);
            av = Vector512.Create(a0[r3]);
            c30 = Avx512F.FusedMultiplyAdd(av, b0, c30); c31 = Avx512F.FusedMultiplyAdd(av, b1, c31);
            av = Vector512.Create(a4[0]);
            c40 = Avx512F.FusedMultiplyAdd(av, b0, c40); c41 = Avx512F.FusedMultiplyAdd(av, b1, c41);
            av = Vector512.Create(a4[rs]);
            c50 = Avx512F.FusedMultiplyAdd(av, b0, c50); c51 = Avx512F.FusedMultiplyAdd(av, b1, c51);
            av = Vector512.Create(a4[r2]);
            c60 = Avx512F.FusedMultiplyAdd(av, b0, c60); c61 = Avx512F.FusedMultiplyAdd(av, b1, c61);
            av = Vector512.Create(a4[r3]);
            c70 = Avx512F.FusedMultiplyAdd(av, b0, c70); c71 = Avx512F.FusedMultiplyAdd(av, b1, c71);
            a0 += ds; a4 += ds;
            b += 32;
        }
        Store512(c, c00, c01, accumulate); c += ldc;
        Store512(c, c10, c11, accumulate); c += ldc;
        Store512(c, c20, c21, accumulate); c += ldc;
        Store512(c, c30, c31, accumulate); c += ldc;
        Store512(c, c40, c41, accumulate); c += ldc;
        Store512(c, c50, c51, accumulate); c += ldc;
        Store512(c, c60, c61, accumulate); c += ldc;
        Store512(c, c70, c71, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(float* c, Vector512<float> x0, Vector512<float> x1, bool accumulate)
    {
        Store512(c, x0, accumulate);
        Store512(c + 16, x1, accumulate);
    }

    /// <summary>
    /// AVX-512 micro-kernel for narrow products (a 10-class output layer): C[16,16] (+)= A[16,kc] · Bpanel[kc,16],
    /// 16 zmm accumulators, one B vector and sixteen broadcasts per depth step: half the FMAs of the 6×16 AVX2 tile.
    /// A's element (i, q) is <c>a[i*rs + q*ds]</c> (see <see cref="Kernel12x32"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel16x16(int kc, float* a, nint rs, nint ds, float* b, float* c, int ldc, bool accumulate)
    {
        nint r2 = 2 * rs, r3 = 3 * rs;
        float* a0 = a, a4 = a + 4 * rs, a8 = a + 8 * rs, a12 = a + 12 * rs;
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        Vector512<float> c8 = default, c9 = default, c10 = default, c11 = default, c12 = default, c13 = default, c14 = default, c15 = default;
        for (int q = 0; q < kc; q++)
        {
            var b0 = Vector512.Load(b);
            c0 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[0]), b0, c0);
            c1 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[rs]), b0, c1);
            c2 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[r2]), b0, c2);
            c3 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[r3]), b0, c3);
            c4 = Avx512F.FusedMultiplyAdd(Vector512.Create(a4[0]), b0, c4);
            c5 = Avx512F.FusedMultiplyAdd(Vector512.Create(a4[rs]), b0, c5);
            c6 = Avx512F.FusedMultiplyAdd(Vector512.Create(a4[r2]), b0, c6);
            c7 = Avx512F.FusedMultiplyAdd(Vector512.Create(a4[r3]), b0, c7);
            c8 = Avx512F.FusedMultiplyAdd(Vector512.Create(a8[0]), b0, c8);
            c9 = Avx512F.FusedMultiplyAdd(Vector512.Create(a8[rs]), b0, c9);
            c10 = Avx512F.FusedMultiplyAdd(Vector512.Create(a8[r2]), b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(Vector512.Create(a8[r3]), b0, c11);
            c12 = Avx512F.FusedMultiplyAdd(Vector512.Create(a12[0]), b0, c12);
            c13 = Avx512F.FusedMultiplyAdd(Vector512.Create(a12[rs]), b0, c13);
            c14 = Avx512F.FusedMultiplyAdd(Vector512.Create(a12[r2]), b0, c14);
            c15 = Avx512F.FusedMultiplyAdd(Vector512.Create(a12[r3]), b0, c15);
            a0 += ds; a4 += ds; a8 += ds; a12 += ds;
            b += 16;
        }
        Store512(c, c0, accumulate); c += ldc; Store512(c, c1, accumulate); c += ldc;
        Store512(c, c2, accumulate); c += ldc; Store512(c, c3, accumulate); c += ldc;
        Store512(c, c4, accumulate); c += ldc; Store512(c, c5, accumulate); c += ldc;
        Store512(c, c6, accumulate); c += ldc; Store512(c, c7, accumulate); c += ldc;
        Store512(c, c8, accumulate); c += ldc; Store512(c, c9, accumulate); c += ldc;
        Store512(c, c10, accumulate); c += ldc; Store512(c, c11, accumulate); c += ldc;
        Store512(c, c12, accumulate); c += ldc; Store512(c, c13, accumulate); c += ldc;
        Store512(c, c14, accumulate); c += ldc; Store512(c, c15, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(float* c, Vector512<float> x, bool accumulate)
    {
        if (accumulate) x += Vector512.Load(c);
        Vector512.Store(x, c);
    }
}
