using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LayerGen.Kernels;

/// <summary>
/// The float32 kernel gradient as an implicit GEMM: <c>dw[depth, Fg] += Σ_rows cols[row, :]ᵀ dy[row, :]</c>, where A = colsᵀ
/// is packed straight from the input windows into the GEMM's panels (no im2col buffer written and read again) and
/// B = dy's rows; <see cref="Gemm.MultiplyPanels"/> runs the micro-kernels. A panel of A is <c>Mr</c> consecutive depth
/// indices (window position × channel) over a chunk of output positions: in channels_last those are runs of the
/// input's channels, so most of a panel row is one short contiguous copy.
/// </summary>
internal static unsafe partial class ConvKernels
{
    /// <summary>Output positions per chunk: the product's depth (C = dw is read and written once per chunk).</summary>
    private const int FilterChunkRows = 512;

    /// <summary>Depth indices (rows of dw) packed at once: a multiple of every tile height (12, 16, 6, 4).</summary>
    private const int FilterDepthBlock = 144;

    [ThreadStatic] private static float[]? t_filterPack;
    [ThreadStatic] private static int[]? t_filterIndex;

    /// <summary>Whether the implicit-GEMM kernel gradient serves this shape (float32 with the packed GEMM; otherwise im2col blocks).</summary>
    private static bool FilterGradPackedFits(in ConvShape s) => Gemm.Best != GemmKernel.Scalar && s.Depth >= 16;

    /// <summary>
    /// Adds the kernel gradient of output rows [<paramref name="r0"/>, <paramref name="r1"/>), group <paramref name="g"/>,
    /// into <paramref name="dw"/> (<c>[depth, Cout]</c>, the group's columns).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FilterGradPacked(float* x, float* dy, float* dw, in ConvShape s, long r0, long r1, int g)
    {
        int depth = s.Depth, fg = s.Fg, cout = s.Cout, cg = s.Cg, cin = s.Cin;
        var (mr, nr) = Gemm.PanelTile(fg);
        int panelsB = (fg + nr - 1) / nr;
        int depthBlock = Math.Min(FilterDepthBlock, (depth + mr - 1) / mr * mr);
        int aLength = depthBlock * FilterChunkRows, bLength = panelsB * nr * FilterChunkRows;
        float* packA = PackScratch(aLength + bLength + 32);
        float* packB = packA + aLength + 16;
        // Per depth index: its offset from the window's origin in x, and its window position (for windows that overhang
        // the padding). Per output row of the chunk: its window origin, or long.MinValue when it overhangs.
        int* index = IndexScratch(4 * depth + 4 * FilterChunkRows);
        int* offset = index, tapD = index + depth, tapH = tapD + depth, tapW = tapH + depth;
        int* rowD = tapW + depth, rowH = rowD + FilterChunkRows, rowW = rowH + FilterChunkRows, rowN = rowW + FilterChunkRows;
        for (int d = 0; d < depth; d++)
        {
            int tap = d / cg, c = d % cg;
            int kd = tap / (s.KH * s.KW), kh = tap / s.KW % s.KH, kw = tap % s.KW;
            tapD[d] = kd * s.DD; tapH[d] = kh * s.DH; tapW[d] = kw * s.DW;
            offset[d] = ((tapD[d] * s.IH + tapH[d]) * s.IW + tapW[d]) * cin + c;
        }
        long* origin = stackalloc long[FilterChunkRows];
        int spanD = (s.KD - 1) * s.DD, spanH = (s.KH - 1) * s.DH, spanW = (s.KW - 1) * s.DW;
        float* xg = x + g * cg;
        int n = (int)(r0 / s.OutPositions), rem = (int)(r0 % s.OutPositions);
        int od = rem / (s.OH * s.OW), oh = rem / s.OW % s.OH, ow = rem % s.OW;
        for (long row = r0; row < r1; row += FilterChunkRows)
        {
            int kc = (int)Math.Min(FilterChunkRows, r1 - row);
            for (int q = 0; q < kc; q++)
            {
                int id0 = od * s.SD - s.PD, ih0 = oh * s.SH - s.PH, iw0 = ow * s.SW - s.PW;
                rowN[q] = n; rowD[q] = id0; rowH[q] = ih0; rowW[q] = iw0;
                bool inside = id0 >= 0 && id0 + spanD < s.ID && ih0 >= 0 && ih0 + spanH < s.IH && iw0 >= 0 && iw0 + spanW < s.IW;
                origin[q] = inside ? (((long)n * s.ID + id0) * s.IH + ih0) * s.IW * cin + (long)iw0 * cin : long.MinValue;
                if (++ow == s.OW) { ow = 0; if (++oh == s.OH) { oh = 0; if (++od == s.OD) { od = 0; n++; } } }
            }
            PackRows(dy + row * cout + g * fg, cout, kc, fg, nr, packB);
            for (int ic = 0; ic < depth; ic += depthBlock)
            {
                int mc = Math.Min(depthBlock, depth - ic);
                for (int i0 = 0; i0 < mc; i0 += mr)
                    PackWindows(xg, s, offset + ic + i0, tapD + ic + i0, tapH + ic + i0, tapW + ic + i0, Math.Min(mr, mc - i0), mr, kc,
                        origin, rowN, rowD, rowH, rowW, packA + (nint)i0 * kc);
                Gemm.MultiplyPanels(packA, packB, mc, fg, kc, dw + (nint)ic * cout + g * fg, cout, accumulate: true);
            }
        }
    }

    /// <summary>
    /// One A panel: for each of the <paramref name="kc"/> rows, the <paramref name="h"/> depth indices starting at
    /// <paramref name="offset"/> of that row's window (zeros past h, and where a window overhangs the padding), written as
    /// <c>dst[q·mr + i]</c>. A run of depth indices that is contiguous in x (one window position's channels) is one copy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackWindows(float* x, in ConvShape s, int* offset, int* tapD, int* tapH, int* tapW, int h, int mr, int kc,
        long* origin, int* rowN, int* rowD, int* rowH, int* rowW, float* dst)
    {
        bool contiguous = offset[h - 1] - offset[0] == h - 1;
        int first = offset[0];
        for (int q = 0; q < kc; q++, dst += mr)
        {
            long o = origin[q];
            if (o != long.MinValue && contiguous)
            {
                float* src = x + o + first;
                if (h == 12 && mr == 12)
                {
                    Vector256.Store(Vector256.Load(src), dst);
                    Vector128.Store(Vector128.Load(src + 8), dst + 8);
                    continue;
                }
                if (h == 16 && mr == 16)
                {
                    Vector512.Store(Vector512.Load(src), dst);
                    continue;
                }
                int i = 0;
                for (; i < h; i++) dst[i] = src[i];
                for (; i < mr; i++) dst[i] = 0f;
                continue;
            }
            if (o != long.MinValue)
            {
                int i = 0;
                for (; i < h; i++) dst[i] = x[o + offset[i]];
                for (; i < mr; i++) dst[i] = 0f;
                continue;
            }
            // The window overhangs the padding. A contiguous run lies on one window line: when its first and last
            // values are inside the input, so is all of it (one copy); otherwise each value is checked.
            int id0 = rowD[q], ih0 = rowH[q], iw0 = rowW[q];
            long image = (long)rowN[q] * s.ID;
            if (contiguous && Inside(s, id0 + tapD[0], ih0 + tapH[0], iw0 + tapW[0]) && Inside(s, id0 + tapD[h - 1], ih0 + tapH[h - 1], iw0 + tapW[h - 1]))
            {
                float* src = x + ((image + id0 + tapD[0]) * s.IH + ih0 + tapH[0]) * s.IW * s.Cin + (long)(iw0 + tapW[0]) * s.Cin
                    + (first - ((tapD[0] * s.IH + tapH[0]) * s.IW + tapW[0]) * s.Cin);
                int i = 0;
                for (; i < h; i++) dst[i] = src[i];
                for (; i < mr; i++) dst[i] = 0f;
                continue;
            }
            for (int i = 0; i < mr; i++)
            {
                float v = 0f;
                if (i < h)
                {
                    int id = id0 + tapD[i], ih = ih0 + tapH[i], iw = iw0 + tapW[i];
                    if ((uint)id < (uint)s.ID && (uint)ih < (uint)s.IH && (uint)iw < (uint)s.IW)
                        v = x[((image + id) * s.IH + ih) * s.IW * s.Cin + (long)iw * s.Cin + (offset[i] - ((tapD[i] * s.IH + tapH[i]) * s.IW + tapW[i]) * s.Cin)];
                }
                dst[i] = v;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Inside(in ConvShape s, int id, int ih, int iw) => (uint)id < (uint)s.ID && (uint)ih < (uint)s.IH && (uint)iw < (uint)s.IW;

    /// <summary>B's panels from <paramref name="kc"/> rows of <paramref name="width"/> values (row stride <paramref name="ld"/>): panel p holds columns [p·nr, +nr), zero past the width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackRows(float* src, int ld, int kc, int width, int nr, float* dst)
    {
        for (int j0 = 0; j0 < width; j0 += nr)
        {
            int w = Math.Min(nr, width - j0);
            float* s = src + j0;
            if (w == 32 && nr == 32)
            {
                for (int q = 0; q < kc; q++, s += ld, dst += 32)
                {
                    Vector512.Store(Vector512.Load(s), dst);
                    Vector512.Store(Vector512.Load(s + 16), dst + 16);
                }
                continue;
            }
            for (int q = 0; q < kc; q++, s += ld, dst += nr)
            {
                int j = 0;
                for (; j < w; j++) dst[j] = s[j];
                for (; j < nr; j++) dst[j] = 0f;
            }
        }
    }

    private static float* PackScratch(int length)
    {
        if (t_filterPack is null || t_filterPack.Length < length + 16) t_filterPack = GC.AllocateUninitializedArray<float>(length + 16, pinned: true);
        float* p = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(t_filterPack));
        return (float*)(((nint)p + 63) & ~(nint)63);
    }

    private static int* IndexScratch(int length)
    {
        if (t_filterIndex is null || t_filterIndex.Length < length) t_filterIndex = GC.AllocateUninitializedArray<int>(length, pinned: true);
        return (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(t_filterIndex));
    }
}
