using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LayerGen.Kernels;

/// <summary>The GEMM's AVX2+FMA micro-kernel (6×16 tile).</summary>
internal static unsafe partial class Gemm
{
    /// <summary>AVX2+FMA micro-kernel: C[6,16] (+)= A[6,kc] · Bpanel[kc,16], 12 ymm accumulators; A's element (i, q) is <c>a[i*rs + q*ds]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x16(int kc, float* a, nint rs, nint ds, float* b, float* c, int ldc, bool accumulate)
    {
        nint r2 = 2 * rs;
        float* a0 = a, a3 = a + 3 * rs;
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int q = 0; q < kc; q++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var av = Vector256.Create(a0[0]);
            c00 = Fma.MultiplyAdd(av, b0, c00); c01 = Fma.MultiplyAdd(av, b1, c01);
            av = Vector256.Create(a0[rs]);
            c10 = Fma.MultiplyAdd(av, b0, c10); c11 = Fma.MultiplyAdd(av, b1, c11);
            av = Vector256.Create(a0[r2]);
            c20 = Fma.MultiplyAdd(av, b0, c20); c21 = Fma.MultiplyAdd(av, b1, c21);
            av = Vector256.Create(a3[0]);
            c30 = Fma.MultiplyAdd(av, b0, c30); c31 = Fma.MultiplyAdd(av, b1, c31);
            av = Vector256.Create(a3[rs]);
            c40 = Fma.MultiplyAdd(av, b0, c40); c41 = Fma.MultiplyAdd(av, b1, c41);
            av = Vector256.Create(a3[r2]);
            c50 = Fma.MultiplyAdd(av, b0, c50); c51 = Fma.MultiplyAdd(av, b1, c51);
            a0 += ds; a3 += ds;
            b += 16;
        }
        Store256(c, c00, c01, accumulate); c += ldc;
        Store256(c, c10, c11, accumulate); c += ldc;
        Store256(c, c20, c21, accumulate); c += ldc;
        Store256(c, c30, c31, accumulate); c += ldc;
        Store256(c, c40, c41, accumulate); c += ldc;
        Store256(c, c50, c51, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store256(float* c, Vector256<float> x0, Vector256<float> x1, bool accumulate)
    {
        if (accumulate)
        {
            x0 += Vector256.Load(c);
            x1 += Vector256.Load(c + 8);
        }
        Vector256.Store(x0, c);
        Vector256.Store(x1, c + 8);
    }
}
