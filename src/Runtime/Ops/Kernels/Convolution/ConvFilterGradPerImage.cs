using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
        float* cols = ImageCols(Math.Min(count, PerImageRows) * depth);
        long first = (long)n * s.OutPositions;
        for (int p = 0; p < count; p += PerImageRows)
        {
            int m = Math.Min(PerImageRows, count - p);
            Im2Col(x, s, first + p0 + p, m, 0, cols);
            AccumulateOuterProducts(cols, m, depth, dy + (nint)p * cout, cout, partial, cout, cout);
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

    /// <summary>
    /// The kernel gradient image by image (see the type): partials in a buffer the calling thread keeps, both cores over
    /// the images, then <see cref="SumImagePartials"/>. Call only when <see cref="FilterGradPerImageFits"/>.
    /// </summary>
    private static void BackwardFilterPerImage(float* x, float* dy, float* dw, in ConvShape s)
    {
        int length = FilterGradImageLength(s);
        int total = checked(s.N * length);
        if (t_imagePartials is null || t_imagePartials.Length < total) t_imagePartials = GC.AllocateUninitializedArray<float>(total, pinned: true);
        float* partials = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(t_imagePartials));
        var job = t_perImageJob ??= new PerImageJob();
        job.Set(x, dy, partials, s);
        int chunks = s.MultiplyAdds < Gemm.ParallelThreshold ? 1 : Math.Min(s.N, 4 * ForkJoin.MaxParallelism);
        job.Chunks = chunks;
        try
        {
            if (chunks <= 1) job.Body(0);
            else ForkJoin.RunChunks(chunks, job.Body);
        }
        finally { job.Set(null, null, null, default); }
        SumImagePartials(new ReadOnlySpan<float>(partials, total), s.N, new Span<float>(dw, length));
    }

    private static float* ImageCols(int length)
    {
        if (t_imageCols is null || t_imageCols.Length < length + 16) t_imageCols = GC.AllocateUninitializedArray<float>(length + 16, pinned: true);
        float* p = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(t_imageCols));
        return (float*)(((nint)p + 63) & ~(nint)63);
    }

    /// <summary>Chunk c of <see cref="BackwardFilterPerImage"/>: images [N·c/chunks, N·(c+1)/chunks), each partial from +0.</summary>
    private sealed class PerImageJob
    {
        private float* x, dy, partials;
        private ConvShape shape;

        public PerImageJob() => Body = Run;

        /// <summary><see cref="Run"/> as a delegate, made once.</summary>
        public Action<int> Body { get; }

        public int Chunks { get; set; }

        public void Set(float* x, float* dy, float* partials, in ConvShape shape)
        {
            this.x = x;
            this.dy = dy;
            this.partials = partials;
            this.shape = shape;
        }

        private void Run(int c)
        {
            var s = shape;
            int length = FilterGradImageLength(s), chunks = Math.Max(1, Chunks);
            int n0 = (int)((long)s.N * c / chunks), n1 = (int)((long)s.N * (c + 1) / chunks);
            if (chunks == 1) n1 = s.N;
            for (int n = n0; n < n1; n++)
            {
                float* partial = partials + (nint)n * length;
                new Span<float>(partial, length).Clear();
                FilterGradImageRows(x, s, n, 0, s.OutPositions, dy + (nint)n * s.OutPositions * s.Cout, partial);
            }
        }
    }
}
