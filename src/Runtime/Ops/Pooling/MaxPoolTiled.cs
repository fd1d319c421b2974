using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>
/// The gradient of a float32 2D max pooling whose windows tile the input (stride = window, no padding, channels a
/// multiple of 16: <c>MaxPooling2D(2)</c> in a convnet), in one pass of 16-channel vectors: each window's first
/// largest cell gets <c>g</c>, its other cells 0, every cell written once (no zeroing pass, no scattered adds); the
/// rows and columns no window covers get 0. Optionally masked by <c>x &gt; 0</c> as well: the gradient of
/// <c>MaxPool(Relu(z))</c> with respect to <c>z</c> (<see cref="ReluGradOp"/> of the MaxPoolGrad over the pool's input, which
/// is the relu's output), in the same pass. Same values as <see cref="MaxPoolGradOp"/>'s general kernel (which adds
/// <c>g</c> to 0) and <see cref="ReluGradOp"/>'s mask.
/// </summary>
internal static unsafe class MaxPoolTiled
{
    /// <summary>Whether the tiled kernel runs this geometry.</summary>
    public static bool Fits(in PoolGeometry g, DType dtype)
        => dtype == DType.Float32 && Vector512.IsHardwareAccelerated && g.C % 16 == 0 && g.KD == 1 && g.D == 1
           && g.SH == g.KH && g.SW == g.KW && g.PH == 0 && g.PW == 0 && g.KH * g.KW <= 64 && g.OH * g.KH <= g.H && g.OW * g.KW <= g.W;

    /// <summary>
    /// <c>r = MaxPoolGrad(gradient, x)</c>, times <c>x &gt; 0</c> when <paramref name="reluMask"/>; <paramref name="r"/> has
    /// <paramref name="x"/>'s shape and is overwritten. Call only when <see cref="Fits"/>.
    /// </summary>
    /// <remarks>
    /// With <paramref name="imageSums"/> (length N·C, C ≤ <see cref="ColumnSums.MaxBlockedInner"/>), also each image's
    /// column sums of <paramref name="r"/> (channel by channel, the image's rows in order from +0, as
    /// <see cref="ColumnSums.AddBlocks"/> sums a block), read back from L1 after each row of windows: the bias gradient of
    /// the convolution before the pool without reading <paramref name="r"/> from memory again.
    /// </remarks>
    public static void Gradient(in PoolGeometry geo, Tensor gradient, Tensor x, Tensor r, bool reluMask, float[]? imageSums = null)
        => Gradient(geo, gradient, x, r, reluMask, imageSums, null, default, null);

    /// <summary>
    /// <see cref="Gradient(in PoolGeometry, Tensor, Tensor, Tensor, bool, float[])"/>, and with <paramref name="convInput"/>
    /// and <paramref name="filterPartials"/> also the per-image kernel-gradient partials of the convolution
    /// <paramref name="convShape"/> whose output gradient <paramref name="r"/> is (<paramref name="convInput"/> its input):
    /// <see cref="ConvKernels.FilterGradImageRows"/> over each row of windows' lines while they are in L1, the same bits as
    /// <see cref="ConvKernels.BackwardFilter{T}"/>'s partials. Call only when <see cref="FilterPartialsFit"/>. With
    /// <paramref name="resultUnused"/> (and both the sums and the partials asked for), <paramref name="r"/> is not written:
    /// each row of windows' lines goes to a per-thread buffer of a few lines, read from there by the sums and partials
    /// (the same values in the same order), so the pass does not write the N·H·W·C gradient nobody reads.
    /// </summary>
    public static void Gradient(in PoolGeometry geo, Tensor gradient, Tensor x, Tensor r, bool reluMask, float[]? imageSums,
        Tensor? convInput, in ConvShape convShape, float[]? filterPartials, bool resultUnused = false, byte[]? route = null)
    {
        if (route is not null && (!reluMask || route.Length != geo.N * geo.OH * geo.OW * geo.C || geo.KH != 2 || geo.KW != 2 || geo.OH * 2 != geo.H || geo.OW * 2 != geo.W))
            throw new ArgumentException("MaxPoolTiled: a route is one byte per pooled value of a 2×2 pooling covering its input, with the relu mask.", nameof(route));
        if (resultUnused && (imageSums is null || convInput is null || filterPartials is null))
            throw new ArgumentException("MaxPoolTiled: the result may go unwritten only when the sums and the partials are written.", nameof(resultUnused));
        if (imageSums is not null && (geo.C > ColumnSums.MaxBlockedInner || imageSums.Length != geo.N * geo.C))
            throw new ArgumentException($"MaxPoolTiled: {imageSums.Length} image sums for {geo.N} images of {geo.C} channels.", nameof(imageSums));
        bool filter = convInput is not null && filterPartials is not null;
        if (filter && (!FilterPartialsFit(geo, convShape, convInput!, filterPartials!) || convInput!.DType != DType.Float32))
            throw new ArgumentException($"MaxPoolTiled: kernel-gradient partials do not fit the pooled gradient of {geo.N} images.", nameof(filterPartials));
        fixed (float* pg = gradient.Lend<float>(), px = x.Lend<float>(), pr = r.Lend<float>(), ps = imageSums,
               pcx = filter ? convInput!.Lend<float>() : default, pp = filter ? filterPartials : null)
        fixed (byte* pro = route)
        {
            var fusion = new FilterPartialsArgs(pcx, pp, convShape, resultUnused, pro);
            var args = new KernelArgs(geo, (nint)pg, (nint)px, (nint)pr, (nint)ps, filter || route is not null ? (nint)(&fusion) : 0);
            PoolGeometry.Parallel(geo.N, (long)x.Size, reluMask ? &ImagesMasked : &Images, args);
        }
        GC.KeepAlive(gradient);
        GC.KeepAlive(x);
        GC.KeepAlive(r);
        GC.KeepAlive(convInput);
    }

    /// <summary>
    /// Whether the pass can compute the kernel-gradient partials of <paramref name="s"/> (float32, image by image,
    /// <see cref="ConvKernels.FilterGradPerImageFits"/>) for a pooled gradient of geometry <paramref name="geo"/>: the
    /// convolution's output is the pool's input, <paramref name="convInput"/> its input, one partial per image.
    /// </summary>
    public static bool FilterPartialsFit(in PoolGeometry geo, in ConvShape s, Tensor convInput, float[] partials)
        => ConvKernels.FilterGradPerImageFits(s) && s.N == geo.N && s.OD == 1 && s.OH == geo.H && s.OW == geo.W && s.Cout == geo.C
           && convInput.Size == (long)s.N * s.InPositions * s.Cin && partials.Length == s.N * ConvKernels.FilterGradImageLength(s);

    /// <summary>The convolution input, the partials (N × depth × Cout) and the convolution's shape, for one pass.</summary>
    private readonly struct FilterPartialsArgs(float* x, float* partials, ConvShape shape, bool resultUnused, byte* route)
    {
        public readonly float* X = x, Partials = partials;
        public readonly ConvShape Shape = shape;
        public readonly bool ResultUnused = resultUnused;
        /// <summary>Per pooled value: its window's first largest cell (bits 0-1) and whether that cell is &gt; 0 (bit 2), or null.</summary>
        public readonly byte* Route = route;
    }

    [ThreadStatic] private static float[]? t_lines;

    /// <summary>A pinned per-thread buffer of at least <paramref name="length"/> floats, 64-byte aligned (kept).</summary>
    private static float* Lines(long length)
    {
        if (t_lines is null || t_lines.Length < length + 16) t_lines = GC.AllocateUninitializedArray<float>(checked((int)length + 16), pinned: true);
        float* p = (float*)Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(t_lines));
        return (float*)(((nint)p + 63) & ~(nint)63);
    }

    /// <summary>
    /// <c>MaxPool</c>'s output rows [<paramref name="begin"/>, <paramref name="end"/>) (row = image × OH + oh) of
    /// <c>args.A</c> into <c>args.B</c>, as <see cref="MaxPoolOp"/>'s general rows compute them. Call only when <see cref="Fits"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardRows(in KernelArgs args, int begin, int end)
    {
        var geo = args.Geo;
        float* x = (float*)args.A, y = (float*)args.B;
        int c = geo.C, kh = geo.KH, kw = geo.KW;
        long line = (long)geo.W * c;
        int cells = kh * kw;
        long* offsets = stackalloc long[cells];
        for (int i = 0, k = 0; i < kh; i++)
            for (int j = 0; j < kw; j++, k++) offsets[k] = i * line + (long)j * c;
        for (int row = begin; row < end; row++)
        {
            int oh = row % geo.OH, n = row / geo.OH;
            float* xr = x + ((long)n * geo.H + (long)oh * kh) * line;
            float* yr = y + (long)row * geo.OW * c;
            for (int ow = 0; ow < geo.OW; ow++)
            {
                float* xw = xr + (long)ow * kw * c, yw = yr + (long)ow * c;
                for (int ch = 0; ch < c; ch += 16)
                {
                    var best = Vector512.Load(xw + ch);
                    for (int k = 1; k < cells; k++) best = Vector512.Max(best, Vector512.Load(xw + offsets[k] + ch));
                    Vector512.Store(best, yw + ch);
                }
            }
        }
    }

    private static void Images(in KernelArgs args, int begin, int end) => Run(args, begin, end, false);

    private static void ImagesMasked(in KernelArgs args, int begin, int end) => Run(args, begin, end, true);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run(in KernelArgs args, int begin, int end, bool mask)
    {
        var geo = args.Geo;
        float* g = (float*)args.A, x = (float*)args.B, r = (float*)args.C;
        int c = geo.C, kh = geo.KH, kw = geo.KW, w = geo.W;
        long line = (long)w * c;
        int cells = kh * kw;
        long* offsets = stackalloc long[cells];
        for (int i = 0, k = 0; i < kh; i++)
            for (int j = 0; j < kw; j++, k++) offsets[k] = i * line + (long)j * c;
        var zero = Vector512<float>.Zero;
        float* sums = (float*)args.D;
        float* acc = stackalloc float[sums is null ? 0 : c];
        var extras = (FilterPartialsArgs*)args.E;
        byte* route = extras is null ? null : extras->Route;
        var filter = extras is null || extras->Partials is null ? null : extras;
        int partialLength = filter is null ? 0 : ConvKernels.FilterGradImageLength(filter->Shape);
        // Unwritten result: every row of windows (and the rows below the last) goes through a buffer of a few lines.
        float* lineBuffer = filter is not null && filter->ResultUnused ? Lines(Math.Max(kh, geo.H - geo.OH * kh) * line) : null;
        for (int n = begin; n < end; n++)
        {
            if (sums is not null) new Span<float>(acc, c).Clear();
            float* partial = filter is null ? null : filter->Partials + (nint)n * partialLength;
            if (partial is not null) new Span<float>(partial, partialLength).Clear();
            float* xi = x + (long)n * geo.H * line, ri = r + (long)n * geo.H * line;
            // Where row of windows oh's lines go: ri + oh·kh·line, or the line buffer (then rb − oh·kh·line = lineBuffer).
            long rowStride = lineBuffer is null ? kh * line : 0;
            float* rb0 = lineBuffer is null ? ri : lineBuffer;
            float* gi = g + (long)n * geo.OH * geo.OW * c;
            for (int oh = 0; oh < geo.OH; oh++)
            {
                float* rrow = rb0 + oh * rowStride;
                for (int ow = 0; ow < geo.OW; ow++)
                {
                    long at = oh * kh * line + (long)ow * kw * c;
                    float* gw = gi + ((long)oh * geo.OW + ow) * c;
                    if (route is not null)
                    {
                        // The window's cell and mask as the training forward found them (ConvPoolDirect): x is not read.
                        byte* code = route + (((long)n * geo.OH + oh) * geo.OW + ow) * c;
                        float* rw2 = rrow + (long)ow * kw * c;
                        for (int ch = 0; ch < c; ch += 16)
                        {
                            var codes = Avx512F.ConvertToVector512Int32(Vector128.Load(code + ch));
                            var cell = codes & Vector512.Create(3);
                            var live = Vector512.GreaterThan(codes & Vector512.Create(4), Vector512<int>.Zero);
                            var gv = Vector512.Load(gw + ch) + zero;
                            for (int k = 0; k < cells; k++)
                            {
                                var chosen = (Vector512.Equals(cell, Vector512.Create(k)) & live).AsSingle();
                                Vector512.Store(Vector512.ConditionalSelect(chosen, gv, zero), rw2 + offsets[k] + ch);
                            }
                        }
                        continue;
                    }
                    for (int ch = 0; ch < c; ch += 16)
                    {
                        float* xw = xi + at + ch;
                        // The first largest cell, as MaxPoolOp.RouteRows finds it (strictly greater replaces).
                        var best = Vector512.Load(xw);
                        var bestCell = zero;
                        for (int k = 1; k < cells; k++)
                        {
                            var v = Vector512.Load(xw + offsets[k]);
                            var greater = Vector512.GreaterThan(v, best);
                            best = Vector512.ConditionalSelect(greater, v, best);
                            bestCell = Vector512.ConditionalSelect(greater, Vector512.Create((float)k), bestCell);
                        }
                        // 0 + g as the general kernel's scatter adds it (-0 becomes +0).
                        var gv = Vector512.Load(gw + ch) + zero;
                        float* rw = rrow + (long)ow * kw * c + ch;
                        for (int k = 0; k < cells; k++)
                        {
                            var chosen = Vector512.Equals(bestCell, Vector512.Create((float)k));
                            if (mask) chosen &= Vector512.GreaterThan(Vector512.Load(xw + offsets[k]), zero);
                            Vector512.Store(Vector512.ConditionalSelect(chosen, gv, zero), rw + offsets[k]);
                        }
                    }
                }
                // Columns right of the last window.
                int covered = geo.OW * kw;
                if (covered < w)
                    for (int i = 0; i < kh; i++)
                        new Span<float>(rrow + i * line + (long)covered * c, (w - covered) * c).Clear();
                // This row of windows' kh lines, still in L1, into the image's column sums (rows in order).
                if (sums is not null)
                {
                    float* lines = rrow;
                    for (long at = 0; at < kh * line; at += c)
                        for (int ch = 0; ch < c; ch += 16)
                            Vector512.Store(Vector512.Load(acc + ch) + Vector512.Load(lines + at + ch), acc + ch);
                }
                // The same lines into the image's kernel-gradient partial (positions in order).
                if (partial is not null)
                    ConvKernels.FilterGradImageRows(filter->X, filter->Shape, n, oh * kh * w, kh * w, rrow, partial);
            }
            // The rows below the last window are zeros: adding them changes no sum (never -0: sums start at +0).
            if (sums is not null) new Span<float>(acc, c).CopyTo(new Span<float>(sums + (long)n * c, c));
            // Rows below the last window (the kernel-gradient partial takes them too: its chain runs over every position).
            int coveredRows = geo.OH * kh;
            if (coveredRows < geo.H)
            {
                float* below = lineBuffer is null ? ri + coveredRows * line : lineBuffer;
                new Span<float>(below, checked((int)((geo.H - coveredRows) * line))).Clear();
                if (partial is not null)
                    ConvKernels.FilterGradImageRows(filter->X, filter->Shape, n, coveredRows * w, (geo.H - coveredRows) * w, below, partial);
            }
        }
    }
}
