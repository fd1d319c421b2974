using System.Runtime.CompilerServices;

namespace LayerGen.Kernels;

/// <summary>
/// A GEMM entry point for a caller that keeps A row-major in a buffer of its own, a whole number of 12-row tiles, and
/// B packed in 32-column panels (the Winograd convolution's 16 small products per block of tiles,
/// <see cref="ConvWinograd"/>): only the AVX-512 12×32 micro-kernel, A read in place, no blocking, packing or threads.
/// </summary>
internal static unsafe partial class Gemm
{
    /// <summary>
    /// <c>C[m, n] = A[m, k] · B[k, n]</c>: A row-major with row stride <paramref name="lda"/> (m a multiple of 12, read in
    /// place), B as n / 32 panels of <c>k × 32</c> values (element (q, j) of panel p at <c>p·k·32 + q·32 + j</c>; n a
    /// multiple of 32), C row-major with row stride <paramref name="ldc"/>, overwritten. AVX-512 only (the caller checks
    /// <see cref="Best"/>); k is one block (the caller keeps the operands in cache).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyRowsByPanels32(float* a, int lda, float* packedB, int m, int n, int k, float* c, int ldc)
    {
        for (int j0 = 0; j0 < n; j0 += 32)
        {
            float* bp = packedB + (nint)j0 * k;
            for (int r = 0; r < m; r += 12) Kernel12x32(k, a + (nint)r * lda, lda, 1, bp, c + (nint)r * ldc + j0, ldc, false);
        }
    }

    /// <summary>
    /// <c>C[m, n] (+)= A[m, k] · B[k, n]</c> with A stored column by column (element (i, q) at <c>a[q·lda + i]</c>, read
    /// in place: the Winograd kernel gradient's transformed inputs, one row of channels per tile) and B as n / 32 panels
    /// of <c>k × 32</c> (as <see cref="MultiplyRowsByPanels32"/>); m a multiple of 4 and at least 8 (blocks of 12 rows,
    /// then 8), n a multiple of 32. The product of each block is summed from +0 over q in order, then stored into C
    /// or added to it (<paramref name="accumulate"/>). AVX-512 only; k is one block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyColumnsByPanels32(float* a, int lda, float* packedB, int m, int n, int k, float* c, int ldc, bool accumulate)
    {
        for (int j0 = 0; j0 < n; j0 += 32)
        {
            float* bp = packedB + (nint)j0 * k;
            for (int r = 0; r < m;)
            {
                int rest = m - r;
                if (rest % 12 == 0 || rest >= 20)
                {
                    Kernel12x32(k, a + r, 1, lda, bp, c + (nint)r * ldc + j0, ldc, accumulate);
                    r += 12;
                }
                else
                {
                    Kernel8x32(k, a + r, 1, lda, bp, c + (nint)r * ldc + j0, ldc, accumulate);
                    r += 8;
                }
            }
        }
    }
}
