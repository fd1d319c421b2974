using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LayerGen.Kernels;

/// <summary>The GEMM's portable micro-kernel (4×8 tile: Vector128 or scalar).</summary>
internal static unsafe partial class Gemm
{
    /// <summary>
    /// Portable micro-kernel: C[4,8] (+)= Apanel[kc,4]^T · Bpanel[kc,8]. With 128-bit vectors (SSE2 on every x64,
    /// AdvSimd on Arm64: what a NativeAOT binary built without <c>IlcInstructionSet</c> has) it keeps the tile in
    /// eight Vector128 accumulators; otherwise plain scalar code. It multiplies and adds separately unless the
    /// CPU has FMA, since <see cref="MathF.FusedMultiplyAdd"/> without it is emulated in software.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void KernelScalar(int kc, float* a, nint rs, nint ds, float* b, float* c, int ldc, bool accumulate)
    {
        nint r2 = 2 * rs, r3 = 3 * rs;
        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
            for (int q = 0; q < kc; q++, a += ds, b += 8)
            {
                var b0 = Vector128.Load(b);
                var b1 = Vector128.Load(b + 4);
                var av = Vector128.Create(a[0]); c00 += av * b0; c01 += av * b1;
                av = Vector128.Create(a[rs]); c10 += av * b0; c11 += av * b1;
                av = Vector128.Create(a[r2]); c20 += av * b0; c21 += av * b1;
                av = Vector128.Create(a[r3]); c30 += av * b0; c31 += av * b1;
            }
            Store128(c, c00, c01, accumulate); c += ldc;
            Store128(c, c10, c11, accumulate); c += ldc;
            Store128(c, c20, c21, accumulate); c += ldc;
            Store128(c, c30, c31, accumulate);
            return;
        }
        float* acc = stackalloc float[4 * 8];
        for (int i = 0; i < 32; i++) acc[i] = 0f;
        bool fma = Fma.IsSupported;
        for (int q = 0; q < kc; q++, a += ds, b += 8)
        {
            for (int i = 0; i < 4; i++)
            {
                float ai = a[i * rs];
                float* row = acc + i * 8;
                if (fma) for (int j = 0; j < 8; j++) row[j] = MathF.FusedMultiplyAdd(ai, b[j], row[j]);
                else for (int j = 0; j < 8; j++) row[j] += ai * b[j];
            }
        }
        for (int i = 0; i < 4; i++)
        {
            float* ci = c + (nint)i * ldc;
            if (accumulate) for (int j = 0; j < 8; j++) ci[j] += acc[i * 8 + j];
            else for (int j = 0; j < 8; j++) ci[j] = acc[i * 8 + j];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store128(float* c, Vector128<float> x0, Vector128<float> x1, bool accumulate)
    {
        if (accumulate)
        {
            x0 += Vector128.Load(c);
            x1 += Vector128.Load(c + 4);
        }
        Vector128.Store(x0, c);
        Vector128.Store(x1, c + 4);
    }
}
