using System.Numerics;
using System.Numerics.Tensors;

namespace LayerGen.Kernels;

/// <summary>Matrix multiply kernels: <c>C[m,n] = op(A)[m,k] * op(B)[k,n]</c>, row-major.</summary>
internal static class Gemm
{
    /// <summary>
    /// Multiplies one pair of matrices. <paramref name="a"/> is [m,k] (or [k,m] when transposed),
    /// <paramref name="b"/> is [k,n] (or [n,k] when transposed). <paramref name="c"/> is overwritten.
    /// </summary>
    public static void Multiply<T>(ReadOnlySpan<T> a, bool transposeA, ReadOnlySpan<T> b, bool transposeB, Span<T> c, int m, int n, int k)
        where T : unmanaged, INumber<T>
    {
        c.Clear();
        if (m == 0 || n == 0 || k == 0) return;
        T[]? bt = null;
        if (transposeB)
        {
            // B is [n,k]: C[i,j] = dot(A row i, B row j) when A is not transposed.
            if (!transposeA)
            {
                for (int i = 0; i < m; i++)
                {
                    var ai = a.Slice(i * k, k);
                    for (int j = 0; j < n; j++) c[i * n + j] = TensorPrimitives.Dot(ai, b.Slice(j * k, k));
                }
                return;
            }
            bt = new T[k * n];
            Transpose(b, n, k, bt);
            b = bt;
        }
        for (int i = 0; i < m; i++)
        {
            var ci = c.Slice(i * n, n);
            for (int p = 0; p < k; p++)
            {
                T aip = transposeA ? a[p * m + i] : a[i * k + p];
                if (T.IsZero(aip)) continue;
                TensorPrimitives.MultiplyAdd(b.Slice(p * n, n), aip, ci, ci);
            }
        }
    }

    /// <summary>dst[cols, rows] = src[rows, cols]^T.</summary>
    public static void Transpose<T>(ReadOnlySpan<T> src, int rows, int cols, Span<T> dst)
    {
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                dst[j * rows + i] = src[i * cols + j];
    }
}
