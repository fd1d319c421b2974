namespace LayerGen.Kernels;

/// <summary>The GEMM on sub-matrices with leading dimensions, optionally accumulating: what convolutions run per group and per block of rows.</summary>
internal static unsafe partial class Gemm
{
    /// <summary>
    /// <c>C (+)= op(A) op(B)</c> on strided float32 matrices: element (i,p) of op(A) is <c>a[i*lda + p]</c> (or
    /// <c>a[p*lda + i]</c> when <paramref name="transposeA"/>), element (p,j) of op(B) is <c>b[p*ldb + j]</c> (or
    /// <c>b[j*ldb + p]</c>), C is row-major with row stride <paramref name="ldc"/>. With <paramref name="accumulate"/>
    /// the product is added to C; otherwise C is overwritten (also for <paramref name="k"/> = 0).
    /// </summary>
    public static void Sgemm(float* a, int lda, bool transposeA, float* b, int ldb, bool transposeB, float* c, int ldc,
        int m, int n, int k, bool accumulate, int threads)
    {
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate) for (int i = 0; i < m; i++) new Span<float>(c + (nint)i * ldc, n).Clear();
            return;
        }
        var p = new Problem(a, transposeA ? 1 : lda, transposeA ? lda : 1, b, transposeB ? 1 : ldb, transposeB ? ldb : 1, c, ldc, m, n, k, null, accumulate);
        if (!IsBlocked(m, n, k)) Direct(p);
        else Blocked(p, threads, Best);
    }

    /// <summary>The float64 counterpart of the strided <see cref="Sgemm(float*, int, bool, float*, int, bool, float*, int, int, int, int, bool, int)"/>: plain loops (float64 serves gradient checks, not speed).</summary>
    public static void Dgemm(double* a, int lda, bool transposeA, double* b, int ldb, bool transposeB, double* c, int ldc,
        int m, int n, int k, bool accumulate)
    {
        for (int i = 0; i < m; i++)
        {
            double* ci = c + (nint)i * ldc;
            if (!accumulate) for (int j = 0; j < n; j++) ci[j] = 0;
            for (int q = 0; q < k; q++)
            {
                double aiq = transposeA ? a[(nint)q * lda + i] : a[(nint)i * lda + q];
                if (aiq == 0) continue;
                if (transposeB) for (int j = 0; j < n; j++) ci[j] += aiq * b[(nint)j * ldb + q];
                else
                {
                    double* bq = b + (nint)q * ldb;
                    for (int j = 0; j < n; j++) ci[j] += aiq * bq[j];
                }
            }
        }
    }
}
