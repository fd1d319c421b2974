using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LayerGen.Kernels;

/// <summary>
/// Column sums of a row-major float32 matrix, <c>output[j] += Σ_rows x[row, j]</c> (a bias gradient over 86,528 rows of
/// 32 channels): up to four vectors of accumulators in registers per sweep over the rows, instead of one row-add call
/// per row. Each output value is the same chain of additions, rows in order, as adding the rows one after the other,
/// so results are bitwise equal to the general reduction. <see cref="AddBlocks"/> sums blocks of rows (one image of a
/// convolution's <c>[N, H, W, C]</c> gradient) on their own from +0 and adds the block sums in order: the order a
/// training plan can also produce inside another pass (<c>MaxPoolTiled</c>'s per-image sums), split over threads.
/// </summary>
internal static unsafe class ColumnSums
{
    /// <summary>The widest rows <see cref="AddBlocks"/> sums by blocks (its partial sums live on the stack); wider rows are added in order.</summary>
    public const int MaxBlockedInner = 1024;

    /// <summary>
    /// <c>output[j] += S_0[j] + S_1[j] + …</c> in that order, where <c>S_b</c> is the column sum of block <c>b</c> (rows
    /// <c>[b·blockRows, (b + 1)·blockRows)</c>) added row by row from +0, as <see cref="Add"/> adds them. One-row blocks
    /// and rows wider than <see cref="MaxBlockedInner"/> give <see cref="Add"/>'s result (rows in order).
    /// </summary>
    public static void AddBlocks(ReadOnlySpan<float> x, int inner, int blockRows, Span<float> output)
    {
        if (inner <= 0 || x.Length == 0) return;
        if (blockRows <= 1 || inner > MaxBlockedInner || x.Length % ((long)blockRows * inner) != 0) { Add(x, inner, output); return; }
        if ((uint)inner > (uint)output.Length) throw new ArgumentException($"ColumnSums: rows of {inner} values do not fit an output of {output.Length}.", nameof(output));
        Span<float> partial = stackalloc float[inner];
        var total = output[..inner];
        int block = blockRows * inner;
        for (int at = 0; at < x.Length; at += block)
        {
            partial.Clear();
            Add(x.Slice(at, block), inner, partial);
            System.Numerics.Tensors.TensorPrimitives.Add(total, partial, total);
        }
    }

    /// <summary>Adds the rows of <paramref name="x"/> (rows of <paramref name="inner"/> values) into the first <paramref name="inner"/> values of <paramref name="output"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Add(ReadOnlySpan<float> x, int inner, Span<float> output)
    {
        if (inner <= 0 || x.Length == 0) return;
        if ((uint)inner > (uint)output.Length) throw new ArgumentException($"ColumnSums: rows of {inner} values do not fit an output of {output.Length}.", nameof(output));
        int rows = x.Length / inner;
        fixed (float* px = x, po = output)
        {
            int j = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; j + 64 <= inner; j += 64)
                {
                    var a0 = Vector512.Load(po + j); var a1 = Vector512.Load(po + j + 16);
                    var a2 = Vector512.Load(po + j + 32); var a3 = Vector512.Load(po + j + 48);
                    float* p = px + j;
                    for (int r = 0; r < rows; r++, p += inner)
                    {
                        a0 += Vector512.Load(p); a1 += Vector512.Load(p + 16);
                        a2 += Vector512.Load(p + 32); a3 += Vector512.Load(p + 48);
                    }
                    Vector512.Store(a0, po + j); Vector512.Store(a1, po + j + 16);
                    Vector512.Store(a2, po + j + 32); Vector512.Store(a3, po + j + 48);
                }
                for (; j + 16 <= inner; j += 16)
                {
                    var a0 = Vector512.Load(po + j);
                    float* p = px + j;
                    for (int r = 0; r < rows; r++, p += inner) a0 += Vector512.Load(p);
                    Vector512.Store(a0, po + j);
                }
            }
            for (; j + 8 <= inner && Vector256.IsHardwareAccelerated; j += 8)
            {
                var a0 = Vector256.Load(po + j);
                float* p = px + j;
                for (int r = 0; r < rows; r++, p += inner) a0 += Vector256.Load(p);
                Vector256.Store(a0, po + j);
            }
            for (; j < inner; j++)
            {
                float a = po[j];
                float* p = px + j;
                for (int r = 0; r < rows; r++, p += inner) a += *p;
                po[j] = a;
            }
        }
    }
}
