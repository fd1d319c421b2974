using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LayerGen.Operations;

namespace LayerGen.Kernels;

/// <summary>
/// A direct kernel for <c>MaxPool2x2(act(conv(x, W) + b))</c> when the convolution's window is shallow (depth
/// <c>KH·KW·Cin ≤ 32</c>, such as the convnet's first 3×3 convolution over one channel): each pooled output's four
/// convolution cells are summed in registers straight from the input (no im2col gather, no packing, no GEMM tile
/// stores, no scratch), 32 output channels at a time, then bias, activation and the 2×2 maximum, and only the pooled
/// value is written. The GEMM path spends its time on the gather and the depth-9 tiles' overhead here (about 13 GFLOP/s),
/// not on the multiply-adds. Same arithmetic, in the same order, as the GEMM path (each value a chain of fused
/// multiply-adds from +0 over the depth in order, then <c>+ bias</c>, <c>max(·, 0)</c>) and
/// <see cref="MaxPoolTiled.ForwardRows"/> (cells in row order), so the same bits.
/// </summary>
internal static unsafe class ConvPoolDirect
{
    /// <summary>The deepest window this kernel takes (its weights stay in L1).</summary>
    private const int MaxDepth = 32;

    /// <summary>Whether the direct kernel runs this convolution followed by this pooling.</summary>
    public static bool Fits(in ConvShape s, in PoolGeometry pool, FusedActivation activation)
        => Avx512F.IsSupported && activation is FusedActivation.None or FusedActivation.Relu
           && s.Groups == 1 && s.KD == 1 && s.ID == 1 && s.OD == 1 && s.SH == 1 && s.SW == 1 && s.PH == 0 && s.PW == 0
           && s.DH == 1 && s.DW == 1 && s.Cout % 32 == 0 && s.Depth <= MaxDepth
           && pool.KD == 1 && pool.KH == 2 && pool.KW == 2 && pool.SH == 2 && pool.SW == 2 && pool.PH == 0 && pool.PW == 0
           && pool.C == s.Cout && pool.H == s.OH && pool.W == s.OW && pool.OH * 2 <= pool.H && pool.OW * 2 <= pool.W;

    /// <summary>Whether the pooling windows cover every cell of the convolution's output (nothing left to write apart).</summary>
    public static bool CoversAll(in PoolGeometry pool) => pool.OH * 2 == pool.H && pool.OW * 2 == pool.W;

    /// <summary>
    /// The route byte of 16 pooled values (<see cref="Operations.MaxPoolTiled"/>'s gradient reads it instead of the four
    /// cells): the first largest cell in row order as the tiled gradient finds it (a later cell replaces only when strictly
    /// greater), bits 0-1, and whether that cell is &gt; 0 (the relu mask of the fused gradient), bit 2.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Route(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d, byte* r)
    {
        var best = a;
        var cell = Vector512<int>.Zero;
        var gt = Vector512.GreaterThan(b, best);
        best = Vector512.ConditionalSelect(gt, b, best);
        cell = Vector512.ConditionalSelect(gt.AsInt32(), Vector512.Create(1), cell);
        gt = Vector512.GreaterThan(c, best);
        best = Vector512.ConditionalSelect(gt, c, best);
        cell = Vector512.ConditionalSelect(gt.AsInt32(), Vector512.Create(2), cell);
        gt = Vector512.GreaterThan(d, best);
        best = Vector512.ConditionalSelect(gt, d, best);
        cell = Vector512.ConditionalSelect(gt.AsInt32(), Vector512.Create(3), cell);
        cell |= Vector512.GreaterThan(best, Vector512<float>.Zero).AsInt32() & Vector512.Create(4);
        Vector128.Store(Avx512F.ConvertToVector128Byte(cell), r);
    }

    /// <summary>
    /// Images [<paramref name="n0"/>, <paramref name="n0"/> + <paramref name="count"/>) of <paramref name="x"/> into the
    /// pooled output <paramref name="y"/> (the whole batch's pointers). With <paramref name="full"/> (a training step, which
    /// keeps the convolution's output for the gradients), also each window's four cells <c>act(conv + b)</c> into the
    /// convolution's output <paramref name="full"/>; then every cell must be in a window (<see cref="CoversAll"/>). With
    /// <paramref name="route"/> instead (the gradient reads nothing else of the output), one byte per pooled value
    /// (<see cref="Route"/>). Call only when <see cref="Fits"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(float* x, float* w, float* bias, FusedActivation activation, float* y, in ConvShape s, in PoolGeometry pool, int n0, int count,
        float* full = null, byte* route = null)
    {
        int cin = s.Cin, cout = s.Cout, depth = s.Depth, iw = s.IW;
        long inImage = (long)s.IH * iw * cin, outImage = (long)pool.OH * pool.OW * cout;
        int* offsets = stackalloc int[MaxDepth];
        for (int kh = 0, q = 0; kh < s.KH; kh++)
            for (int kw = 0; kw < s.KW; kw++)
                for (int ci = 0; ci < cin; ci++, q++) offsets[q] = (kh * iw + kw) * cin + ci;
        bool relu = activation == FusedActivation.Relu;
        var zero = Vector512<float>.Zero;
        nint right = cin, down = (nint)iw * cin;
        for (int n = n0; n < n0 + count; n++)
        {
            float* xi = x + n * inImage, yi = y + n * outImage;
            for (int ph = 0; ph < pool.OH; ph++)
                for (int pw = 0; pw < pool.OW; pw++)
                {
                    float* x00 = xi + ((long)(2 * ph) * iw + 2 * pw) * cin;
                    float* yo = yi + ((long)ph * pool.OW + pw) * cout;
                    for (int j = 0; j < cout; j += 32)
                    {
                        Vector512<float> a0 = zero, a1 = zero, b0 = zero, b1 = zero, c0 = zero, c1 = zero, d0 = zero, d1 = zero;
                        float* wq = w + j;
                        for (int q = 0; q < depth; q++, wq += cout)
                        {
                            var w0 = Vector512.Load(wq);
                            var w1 = Vector512.Load(wq + 16);
                            float* xq = x00 + offsets[q];
                            var v = Vector512.Create(xq[0]);
                            a0 = Avx512F.FusedMultiplyAdd(v, w0, a0); a1 = Avx512F.FusedMultiplyAdd(v, w1, a1);
                            v = Vector512.Create(xq[right]);
                            b0 = Avx512F.FusedMultiplyAdd(v, w0, b0); b1 = Avx512F.FusedMultiplyAdd(v, w1, b1);
                            v = Vector512.Create(xq[down]);
                            c0 = Avx512F.FusedMultiplyAdd(v, w0, c0); c1 = Avx512F.FusedMultiplyAdd(v, w1, c1);
                            v = Vector512.Create(xq[down + right]);
                            d0 = Avx512F.FusedMultiplyAdd(v, w0, d0); d1 = Avx512F.FusedMultiplyAdd(v, w1, d1);
                        }
                        var bias0 = Vector512.Load(bias + j);
                        var bias1 = Vector512.Load(bias + j + 16);
                        a0 += bias0; b0 += bias0; c0 += bias0; d0 += bias0;
                        a1 += bias1; b1 += bias1; c1 += bias1; d1 += bias1;
                        if (relu)
                        {
                            a0 = Vector512.Max(a0, zero); b0 = Vector512.Max(b0, zero); c0 = Vector512.Max(c0, zero); d0 = Vector512.Max(d0, zero);
                            a1 = Vector512.Max(a1, zero); b1 = Vector512.Max(b1, zero); c1 = Vector512.Max(c1, zero); d1 = Vector512.Max(d1, zero);
                        }
                        if (full != null)
                        {
                            float* f = full + ((long)n * s.OutPositions + (long)(2 * ph) * s.OW + 2 * pw) * cout + j;
                            nint fr = cout, fd = (nint)s.OW * cout;
                            Vector512.Store(a0, f); Vector512.Store(a1, f + 16);
                            Vector512.Store(b0, f + fr); Vector512.Store(b1, f + fr + 16);
                            Vector512.Store(c0, f + fd); Vector512.Store(c1, f + fd + 16);
                            Vector512.Store(d0, f + fd + fr); Vector512.Store(d1, f + fd + fr + 16);
                        }
                        if (route != null)
                        {
                            byte* r = route + ((long)n * outImage + ((long)ph * pool.OW + pw) * cout + j);
                            Route(a0, b0, c0, d0, r);
                            Route(a1, b1, c1, d1, r + 16);
                        }
                        // The pooling window's cells in row order: (0,0), (0,1), (1,0), (1,1).
                        Vector512.Store(Vector512.Max(Vector512.Max(Vector512.Max(a0, b0), c0), d0), yo + j);
                        Vector512.Store(Vector512.Max(Vector512.Max(Vector512.Max(a1, b1), c1), d1), yo + j + 16);
                    }
                }
        }
    }
}
