using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LayerGen.Kernels;

/// <summary>
/// The direct forward convolution for shallow windows (depth <c>KH·KW·Cin ≤ 32</c>, stride 1, no padding or dilation,
/// one group, <c>Cout</c> a multiple of 32: the convnet's first 3×3 convolution over one channel): four consecutive
/// output positions × 32 channels summed in registers straight from the input, then the optional bias and relu, and
/// stored once. The im2col + GEMM path spends its time on gathering three-value window lines and on depth-9 tiles
/// (about 13 GFLOP/s with the output in cache, <see cref="ConvPoolDirect"/>). Same arithmetic in the same order as that
/// path (fused multiply-adds from +0 over the depth in order, then <c>+ bias</c>, <c>max(·, 0)</c>), so the same bits.
/// </summary>
internal static unsafe class ConvDirect
{
    /// <summary>The deepest window this kernel takes (its weights stay in L1).</summary>
    public const int MaxDepth = 32;

    /// <summary>Whether the direct kernel runs this convolution (with this fused activation).</summary>
    public static bool Fits(in ConvShape s, FusedActivation activation)
        => Avx512F.IsSupported && activation is FusedActivation.None or FusedActivation.Relu
           && s.Groups == 1 && s.KD == 1 && s.ID == 1 && s.OD == 1 && s.SH == 1 && s.SW == 1 && s.PH == 0 && s.PW == 0
           && s.DH == 1 && s.DW == 1 && s.Cout % 32 == 0 && s.Depth <= MaxDepth;

    /// <summary>
    /// Output positions [<paramref name="r0"/>, <paramref name="r1"/>) of the batch (row = (image · OH + oh) · OW + ow)
    /// into <paramref name="y"/>; <paramref name="bias"/> may be null (no bias, no activation). Call only when <see cref="Fits"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardRows(float* x, float* w, float* bias, FusedActivation activation, float* y, in ConvShape s, long r0, long r1)
    {
        int cin = s.Cin, cout = s.Cout, depth = s.Depth, iw = s.IW, ow = s.OW, oh = s.OH;
        long inImage = (long)s.IH * iw * cin;
        int* offsets = stackalloc int[MaxDepth];
        for (int kh = 0, q = 0; kh < s.KH; kh++)
            for (int kw = 0; kw < s.KW; kw++)
                for (int ci = 0; ci < cin; ci++, q++) offsets[q] = (kh * iw + kw) * cin + ci;
        bool relu = bias != null && activation == FusedActivation.Relu;
        var zero = Vector512<float>.Zero;
        nint c1 = cin, c2 = 2 * cin, c3 = 3 * cin;
        long row = r0;
        while (row < r1)
        {
            // One output line (image n, row i) from column j on.
            long line = row / ow;
            int j = (int)(row - line * ow), i = (int)(line % oh);
            long n = line / oh;
            int end = (int)Math.Min(ow, j + (r1 - row));
            float* xl = x + n * inImage + (long)i * iw * cin;
            float* yl = y + row * cout - (long)j * cout;
            for (; j < end; )
            {
                int count = Math.Min(4, end - j);
                float* x0 = xl + (long)j * cin;
                float* y0 = yl + (long)j * cout;
                for (int k = 0; k < cout; k += 32)
                {
                    Vector512<float> a0 = zero, a1 = zero, b0 = zero, b1 = zero, e0 = zero, e1 = zero, d0 = zero, d1 = zero;
                    float* wq = w + k;
                    if (count == 4)
                    {
                        for (int q = 0; q < depth; q++, wq += cout)
                        {
                            var w0 = Vector512.Load(wq);
                            var w1 = Vector512.Load(wq + 16);
                            float* xq = x0 + offsets[q];
                            var v = Vector512.Create(xq[0]);
                            a0 = Avx512F.FusedMultiplyAdd(v, w0, a0); a1 = Avx512F.FusedMultiplyAdd(v, w1, a1);
                            v = Vector512.Create(xq[c1]);
                            b0 = Avx512F.FusedMultiplyAdd(v, w0, b0); b1 = Avx512F.FusedMultiplyAdd(v, w1, b1);
                            v = Vector512.Create(xq[c2]);
                            e0 = Avx512F.FusedMultiplyAdd(v, w0, e0); e1 = Avx512F.FusedMultiplyAdd(v, w1, e1);
                            v = Vector512.Create(xq[c3]);
                            d0 = Avx512F.FusedMultiplyAdd(v, w0, d0); d1 = Avx512F.FusedMultiplyAdd(v, w1, d1);
                        }
                        Finish(y0 + k, cout, a0, a1, bias, k, relu);
                        Finish(y0 + cout + k, cout, b0, b1, bias, k, relu);
                        Finish(y0 + 2 * cout + k, cout, e0, e1, bias, k, relu);
                        Finish(y0 + 3 * cout + k, cout, d0, d1, bias, k, relu);
                    }
                    else
                    {
                        for (int p = 0; p < count; p++)
                        {
                            a0 = zero; a1 = zero;
                            float* xp = x0 + (long)p * cin;
                            float* wp = w + k;
                            for (int q = 0; q < depth; q++, wp += cout)
                            {
                                var v = Vector512.Create(xp[offsets[q]]);
                                a0 = Avx512F.FusedMultiplyAdd(v, Vector512.Load(wp), a0);
                                a1 = Avx512F.FusedMultiplyAdd(v, Vector512.Load(wp + 16), a1);
                            }
                            Finish(y0 + (long)p * cout + k, cout, a0, a1, bias, k, relu);
                        }
                    }
                }
                j += count;
                row += count;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(float* y, int cout, Vector512<float> lo, Vector512<float> hi, float* bias, int k, bool relu)
    {
        if (bias != null)
        {
            lo += Vector512.Load(bias + k);
            hi += Vector512.Load(bias + k + 16);
            if (relu)
            {
                lo = Vector512.Max(lo, Vector512<float>.Zero);
                hi = Vector512.Max(hi, Vector512<float>.Zero);
            }
        }
        Vector512.Store(lo, y);
        Vector512.Store(hi, y + 16);
    }
}
