using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LayerGen.Kernels;

/// <summary>
/// The float32 kernel gradient of a shallow window (<see cref="OuterProductsFit"/>: e.g. a convnet's first 3×3 conv over
/// one channel) image by image: each image's <c>dw_n = Σ_positions cols[p, :]ᵀ dy[p, :]</c> is one chain of fused
/// multiply-adds per value over the image's output positions in order, from +0 (<see cref="AccumulateOuterProducts"/>
/// over im2col rows), and <c>dw = Σ_n dw_n</c> adds the images' partials in order from +0
/// (<see cref="SumImagePartials"/>). The result does not depend on the thread count, and a pass that produces
/// <c>dy</c> image by image (the fused MaxPool + ReLU gradient, <c>MaxPoolTiled</c>) can compute the partials itself
/// while each row of <c>dy</c> is still in L1 (<see cref="FilterGradImageRows"/>): the same bits without reading the
/// output gradient from memory again.
/// </summary>
internal static unsafe partial class ConvKernels
{
    /// <summary>Output positions gathered into im2col rows at once.</summary>
    private const int PerImageRows = 256;

    [ThreadStatic] private static float[]? t_imageCols;
    [ThreadStatic] private static float[]? t_imagePartials;
    [ThreadStatic] private static PerImageJob? t_perImageJob;

    /// <summary>Whether the float32 kernel gradient of <paramref name="s"/> runs image by image.</summary>
    internal static bool FilterGradPerImageFits(in ConvShape s)
        => s.Groups == 1 && !s.IsPointwise && OuterProductsFit(s.Depth, s.Cout) && s.N > 0 && s.OutPositions > 0 && s.Depth > 0;

    /// <summary>Values of one image's partial kernel gradient (<c>depth × Cout</c>).</summary>
    internal static int FilterGradImageLength(in ConvShape s) => s.Depth * s.Cout;

    /// <summary>
    /// Adds output positions [<paramref name="p0"/>, +<paramref name="count"/>) of image <paramref name="n"/> into that
    /// image's partial <paramref name="partial"/>: <paramref name="dy"/> points at position p0's <c>Cout</c> values (rows of
    /// <c>Cout</c>, contiguous). Calls over an image's positions in order, from a zeroed partial, give
    /// <see cref="BackwardFilterPerImage"/>'s partial bit for bit, whatever the split. Call only when
    /// <see cref="FilterGradPerImageFits"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void FilterGradImageRows(float* x, in ConvShape s, int n, int p0, int count, float* dy, float* partial)
    {
        int depth = s.Depth, cout = s.Cout;
        if (depth == 9 && cout % 32 == 0 && Avx512F.IsSupported)
        {
            FilterGradImageRowsDepth9(x, s, n, p0, count, dy, partial);
            return;
        }
        float* cols = ImageCols(Math.Min(count, PerImageRows) * depth);
        long first = (long)n * s.OutPositions;
        for (int p = 0; p < count; p += PerImageRows)
        {
            int m = Math.Min(PerImageRows, count - p);
            Im2Col(x, s, first + p0 + p, m, 0, cols);
            AccumulateOuterProducts(cols, m, depth, dy + (nint)p * cout, cout, partial, cout, cout);
        }
    }

    /// <summary>
    /// <see cref="FilterGradImageRows"/> for a window of 9 values (3×3 over one channel): per 32 filters, the 9 × 2
    /// accumulators stay in registers over the rows, each row's 9 window values broadcast straight from the input (no
    /// im2col rows). The same fused multiply-add chain per value over the rows in order, so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FilterGradImageRowsDepth9(float* x, in ConvShape s, int n, int p0, int count, float* dy, float* partial)
    {
        int cout = s.Cout, cg = s.Cg;
        int* offsets = stackalloc int[9];
        int* ident = stackalloc int[9];
        int* tapD = stackalloc int[9], tapH = stackalloc int[9], tapW = stackalloc int[9];
        for (int d = 0; d < 9; d++)
        {
            int tap = d / cg, c = d % cg;
            tapD[d] = tap / (s.KH * s.KW) * s.DD; tapH[d] = tap / s.KW % s.KH * s.DH; tapW[d] = tap % s.KW * s.DW;
            offsets[d] = ((tapD[d] * s.IH + tapH[d]) * s.IW + tapW[d]) * s.Cin + c;
            ident[d] = d;
        }
        float* gathered = stackalloc float[9];
        int spanD = (s.KD - 1) * s.DD, spanH = (s.KH - 1) * s.DH, spanW = (s.KW - 1) * s.DW;
        float* image = x + (long)n * s.InPositions * s.Cin;
        for (int k = 0; k < cout; k += 32)
        {
            float* w = partial + k;
            var a00 = Vector512.Load(w); var a01 = Vector512.Load(w + 16); w += cout;
            var a10 = Vector512.Load(w); var a11 = Vector512.Load(w + 16); w += cout;
            var a20 = Vector512.Load(w); var a21 = Vector512.Load(w + 16); w += cout;
            var a30 = Vector512.Load(w); var a31 = Vector512.Load(w + 16); w += cout;
            var a40 = Vector512.Load(w); var a41 = Vector512.Load(w + 16); w += cout;
            var a50 = Vector512.Load(w); var a51 = Vector512.Load(w + 16); w += cout;
            var a60 = Vector512.Load(w); var a61 = Vector512.Load(w + 16); w += cout;
            var a70 = Vector512.Load(w); var a71 = Vector512.Load(w + 16); w += cout;
            var a80 = Vector512.Load(w); var a81 = Vector512.Load(w + 16);
            int od = p0 / (s.OH * s.OW), oh = p0 / s.OW % s.OH, ow = p0 % s.OW;
            float* d = dy + k;
            for (int q = 0; q < count; q++, d += cout)
            {
                int id0 = od * s.SD - s.PD, ih0 = oh * s.SH - s.PH, iw0 = ow * s.SW - s.PW;
                float* src;
                int* off;
                if (id0 >= 0 && id0 + spanD < s.ID && ih0 >= 0 && ih0 + spanH < s.IH && iw0 >= 0 && iw0 + spanW < s.IW)
                {
                    src = image + (((long)id0 * s.IH + ih0) * s.IW + iw0) * s.Cin;
                    off = offsets;
                }
                else
                {
                    // The window overhangs the padding: its values (zeros outside) gathered first.
                    for (int i = 0; i < 9; i++)
                    {
                        int id = id0 + tapD[i], ih = ih0 + tapH[i], iw = iw0 + tapW[i];
                        gathered[i] = (uint)id < (uint)s.ID && (uint)ih < (uint)s.IH && (uint)iw < (uint)s.IW
                            ? image[((long)id * s.IH + ih) * s.IW * s.Cin + (long)iw * s.Cin + i % cg] : 0f;
                    }
                    src = gathered;
                    off = ident;
                }
                var d0 = Vector512.Load(d);
                var d1 = Vector512.Load(d + 16);
                var v = Vector512.Create(src[off[0]]); a00 = Avx512F.FusedMultiplyAdd(v, d0, a00); a01 = Avx512F.FusedMultiplyAdd(v, d1, a01);
                v = Vector512.Create(src[off[1]]); a10 = Avx512F.FusedMultiplyAdd(v, d0, a10); a11 = Avx512F.FusedMultiplyAdd(v, d1, a11);
                v = Vector512.Create(src[off[2]]); a20 = Avx512F.FusedMultiplyAdd(v, d0, a20); a21 = Avx512F.FusedMultiplyAdd(v, d1, a21);
                v = Vector512.Create(src[off[3]]); a30 = Avx512F.FusedMultiplyAdd(v, d0, a30); a31 = Avx512F.FusedMultiplyAdd(v, d1, a31);
                v = Vector512.Create(src[off[4]]); a40 = Avx512F.FusedMultiplyAdd(v, d0, a40); a41 = Avx512F.FusedMultiplyAdd(v, d1, a41);
                v = Vector512.Create(src[off[5]]); a50 = Avx512F.FusedMultiplyAdd(v, d0, a50); a51 = Avx512F.FusedMultiplyAdd(v, d1, a51);
                v = Vector512.Create(src[off[6]]); a60 = Avx512F.FusedMultiplyAdd(v, d0, a60); a61 = Avx512F.FusedMultiplyAdd(v, d1, a61);
                v = Vector512.Create(src[off[7]]); a70 = Avx512F.FusedMultiplyAdd(v, d0, a70); a71 = Avx512F.FusedMultiplyAdd(v, d1, a71);
                v = Vector512.Create(src[off[8]]); a80 = Avx512F.FusedMultiplyAdd(v, d0, a80); a81 = Avx512F.FusedMultiplyAdd(v, d1, a81);
                if (++ow == s.OW) { ow = 0; if (++oh == s.OH) { oh = 0; od++; } }
            }
            w = partial + k;
            Vector512.Store(a00, w); Vector512.Store(a01, w + 16); w += cout;
            Vector512.Store(a10, w); Vector512.Store(a11, w + 16); w += cout;
            Vector512.Store(a20, w); Vector512.Store(a21, w + 16); w += cout;
            Vector512.Store(a30, w); Vector512.Store(a31, w + 16); w += cout;
            Vector512.Store(a40, w); Vector512.Store(a41, w + 16); w += cout;
            Vector512.Store(a50, w); Vector512.Store(a51, w + 16); w += cout;
            Vector512.Store(a60, w); Vector512.Store(a61, w + 16); w += cout;
            Vector512.Store(a70, w); Vector512.Store(a71, w + 16); w += cout;
            Vector512.Store(a80, w); Vector512.Store(a81, w + 16);
        }
    }

    /// <summary><c>dw = Σ_n partials[n]</c>: the images' partials added in order from +0 (<paramref name="dw"/> overwritten).</summary>
    internal static void SumImagePartials(ReadOnlySpan<float> partials, int images, Span<float> dw)
    {
        int length = dw.Length;
        dw.Clear();
        for (int n = 0; n < images; n++)
            System.Numerics.Tensors.TensorPrimitives.Add(dw, partials.Slice(n * length, length), dw);
    }

    /// <summary>Images whose partials <see cref="BackwardFilterPerImage"/> holds at once (the buffer stays small for any batch).</summary>
    private const int PartialImages = 128;

    /// <summary>
    /// The kernel gradient image by image (see the type): blocks of up to <see cref="PartialImages"/> images, their partials
    /// in a buffer the calling thread keeps, both cores over a block's images, then each partial added to
    /// <paramref name="dw"/> in image order (from +0, as <see cref="SumImagePartials"/>). Call only when
    /// <see cref="FilterGradPerImageFits"/>.
    /// </summary>
    private static void BackwardFilterPerImage(float* x, float* dy, float* dw, in ConvShape s)
    {
        int length = FilterGradImageLength(s);
        int block = Math.Min(s.N, PartialImages);
        int total = checked(block * length);
        if (t_imagePartials is null || t_imagePartials.Length < total) t_imagePartials = GC.AllocateUninitializedArray<float>(total, pinned: true);
        float* partials = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(t_imagePartials));
        var result = new Span<float>(dw, length);
        result.Clear();
        var job = t_perImageJob ??= new PerImageJob();
        bool parallel = s.MultiplyAdds >= Gemm.ParallelThreshold;
        for (int n0 = 0; n0 < s.N; n0 += block)
        {
            int count = Math.Min(block, s.N - n0);
            job.Set(x, dy, partials, s, n0, count);
            job.Chunks = parallel ? Math.Min(count, 4 * ForkJoin.MaxParallelism) : 1;
            try
            {
                if (job.Chunks <= 1) job.Body(0);
                else ForkJoin.RunChunks(job.Chunks, job.Body);
            }
            finally { job.Set(null, null, null, default, 0, 0); }
            for (int i = 0; i < count; i++)
                System.Numerics.Tensors.TensorPrimitives.Add(result, new ReadOnlySpan<float>(partials + (nint)i * length, length), result);
        }
    }

    private static float* ImageCols(int length)
    {
        if (t_imageCols is null || t_imageCols.Length < length + 16) t_imageCols = GC.AllocateUninitializedArray<float>(length + 16, pinned: true);
        float* p = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(t_imageCols));
        return (float*)(((nint)p + 63) & ~(nint)63);
    }

    /// <summary>
    /// Chunk c of a block of <see cref="BackwardFilterPerImage"/>: the block's images [count·c/chunks, count·(c+1)/chunks),
    /// each partial from +0 at its place in the block.
    /// </summary>
    private sealed class PerImageJob
    {
        private float* x, dy, partials;
        private ConvShape shape;
        private int first, count;

        public PerImageJob() => Body = Run;

        /// <summary><see cref="Run"/> as a delegate, made once.</summary>
        public Action<int> Body { get; }

        public int Chunks { get; set; }

        public void Set(float* x, float* dy, float* partials, in ConvShape shape, int first, int count)
        {
            this.x = x;
            this.dy = dy;
            this.partials = partials;
            this.shape = shape;
            this.first = first;
            this.count = count;
        }

        private void Run(int c)
        {
            var s = shape;
            int length = FilterGradImageLength(s), chunks = Math.Max(1, Chunks);
            int i0 = (int)((long)count * c / chunks), i1 = chunks == 1 ? count : (int)((long)count * (c + 1) / chunks);
            for (int i = i0; i < i1; i++)
            {
                int n = first + i;
                float* partial = partials + (nint)i * length;
                new Span<float>(partial, length).Clear();
                FilterGradImageRows(x, s, n, 0, s.OutPositions, dy + (nint)n * s.OutPositions * s.Cout, partial);
            }
        }
    }
}
