using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LayerGen.Kernels;

/// <summary>
/// The direct float32 forward for shallow windows (depth = window positions × channels at most 32, such as a 3×3 over
/// one channel, the first layer of an image model): the weights are copied into vectors once, and each output position
/// reads its window straight from the input and sums its products in vector accumulators. Im2col + GEMM spends this
/// shape's time gathering 9-value rows and in micro-kernel calls 9 steps deep. Every output value is the same chain of
/// fused multiply-adds as the GEMM's micro-kernel computes (from zero, window position order, zeros in the padding), so
/// results are bitwise equal to the GEMM path.
/// </summary>
internal static unsafe partial class ConvKernels
{
    /// <summary>Output positions whose bias and activation are applied at once, while they are in L1.</summary>
    private const int DirectChunkRows = 128;

    /// <summary>Whether the direct kernel serves this forward convolution (AVX-512, one group, depth ≤ 32, Cout a multiple of 16).</summary>
    internal static bool DirectForwardFits(in ConvShape s)
        => Avx512F.IsSupported && s.Groups == 1 && s.Depth <= 32 && s.Cout % 16 == 0 && s.Depth * (s.Cout / 16) <= 512 && !s.IsPointwise;

    /// <summary>
    /// Output rows [<paramref name="r0"/>, <paramref name="r1"/>) of <c>y = conv(x, w)</c> (then <c>act(y + bias)</c> when
    /// <paramref name="bias"/> is not null). <paramref name="w"/> holds the kernel as column panels <paramref name="nr"/>
    /// wide (element (t, j) at <c>(j / nr)·depth·nr + t·nr + j % nr</c>): the row-major kernel with nr = Cout, or the GEMM's
    /// packed B.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DirectForward(float* x, float* w, int nr, float* y, in ConvShape s, long r0, long r1, float* bias, FusedActivation activation)
    {
        int depth = s.Depth, cout = s.Cout, cin = s.Cin, v = cout / 16;
        var wv = stackalloc Vector512<float>[depth * v];
        for (int t = 0; t < depth; t++)
            for (int j = 0; j < v; j++)
            {
                int col = j * 16;
                wv[t * v + j] = Vector512.Load(w + (nint)(col / nr) * depth * nr + (nint)t * nr + col % nr);
            }
        int* offset = stackalloc int[depth];
        int* tapD = stackalloc int[depth];
        int* tapH = stackalloc int[depth];
        int* tapW = stackalloc int[depth];
        for (int d = 0; d < depth; d++)
        {
            int tap = d / cin, c = d % cin;
            tapD[d] = tap / (s.KH * s.KW) * s.DD; tapH[d] = tap / s.KW % s.KH * s.DH; tapW[d] = tap % s.KW * s.DW;
            offset[d] = ((tapD[d] * s.IH + tapH[d]) * s.IW + tapW[d]) * cin + c;
        }
        float* window = stackalloc float[depth];
        int spanD = (s.KD - 1) * s.DD, spanH = (s.KH - 1) * s.DH, spanW = (s.KW - 1) * s.DW;
        int n = (int)(r0 / s.OutPositions), rem = (int)(r0 % s.OutPositions);
        int od = rem / (s.OH * s.OW), oh = rem / s.OW % s.OH, ow = rem % s.OW;
        long chunkStart = r0;
        for (long row = r0; row < r1; row++)
        {
            int id0 = od * s.SD - s.PD, ih0 = oh * s.SH - s.PH, iw0 = ow * s.SW - s.PW;
            long image = (long)n * s.ID;
            if (id0 >= 0 && id0 + spanD < s.ID && ih0 >= 0 && ih0 + spanH < s.IH && iw0 >= 0 && iw0 + spanW < s.IW)
            {
                float* xo = x + ((image + id0) * s.IH + ih0) * s.IW * cin + (long)iw0 * cin;
                for (int d = 0; d < depth; d++) window[d] = xo[offset[d]];
            }
            else
            {
                for (int d = 0; d < depth; d++)
                {
                    int id = id0 + tapD[d], ih = ih0 + tapH[d], iw = iw0 + tapW[d];
                    window[d] = (uint)id < (uint)s.ID && (uint)ih < (uint)s.IH && (uint)iw < (uint)s.IW
                        ? x[((image + id) * s.IH + ih) * s.IW * cin + (long)iw * cin + d % cin]
                        : 0f;
                }
            }
            float* yr = y + row * cout;
            int j = 0;
            for (; j + 2 <= v; j += 2)
            {
                Vector512<float> a0 = default, a1 = default;
                for (int d = 0; d < depth; d++)
                {
                    var xb = Vector512.Create(window[d]);
                    a0 = Avx512F.FusedMultiplyAdd(xb, wv[d * v + j], a0);
                    a1 = Avx512F.FusedMultiplyAdd(xb, wv[d * v + j + 1], a1);
                }
                Vector512.Store(a0, yr + j * 16);
                Vector512.Store(a1, yr + j * 16 + 16);
            }
            if (j < v)
            {
                Vector512<float> a0 = default;
                for (int d = 0; d < depth; d++) a0 = Avx512F.FusedMultiplyAdd(Vector512.Create(window[d]), wv[d * v + j], a0);
                Vector512.Store(a0, yr + j * 16);
            }
            if (++ow == s.OW) { ow = 0; if (++oh == s.OH) { oh = 0; if (++od == s.OD) { od = 0; n++; } } }
            if (bias != null && (row + 1 - chunkStart == DirectChunkRows || row + 1 == r1))
            {
                ConvEpilogue.Apply(y + chunkStart * cout, (int)(row + 1 - chunkStart), bias, cout, activation);
                chunkStart = row + 1;
            }
        }
    }
}
