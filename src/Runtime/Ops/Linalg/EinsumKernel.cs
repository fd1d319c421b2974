using System.Numerics;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>
/// The einsum kernels: batched strided GEMMs for equations that are matrix products (<see cref="EinsumLayout.IsProduct"/>),
/// a direct sum over every label otherwise. Neither allocates once the layout is made.
/// </summary>
internal static unsafe class EinsumKernel
{
    /// <summary>Products with at least this many multiply-adds are split over the cores one at a time; smaller ones are spread over the cores by batch.</summary>
    private const long LargeProduct = 1L << 22;

    /// <summary>Chunks per thread of a batch of small products spread over the pool.</summary>
    private const int ChunksPerThread = 4;

    public static void RunFloat(ReadOnlySpan<Tensor> inputs, Tensor result, EinsumLayout layout)
    {
        if (!layout.IsProduct) { Direct<float>(inputs, result, layout); return; }
        var a = inputs[layout.Left];
        var b = inputs[1 - layout.Left];
        fixed (float* pa = a.Lend<float>(), pb = b.Lend<float>(), pc = result.Lend<float>())
        {
            long work = (long)layout.M * layout.N * layout.K;
            int threads = Gemm.DefaultThreads;
            int count = layout.BatchCount;
            if (count == 1 || work >= LargeProduct || threads == 1 || work * count < Gemm.ParallelThreshold)
            {
                int each = work >= Gemm.ParallelThreshold ? threads : 1;
                for (int bi = 0; bi < count; bi++) ProductFloat(layout, pa, pb, pc, bi, each);
            }
            else
            {
                // Chunks taken from a shared counter (RunChunks), a few per thread: on a loaded machine a worker that
                // starts late takes fewer instead of holding up the caller (ForkJoin.Run waited for every part).
                var job = t_job ??= new FloatBatchJob();
                job.Set(layout, pa, pb, pc, Math.Min(threads * ChunksPerThread, count));
                try { ForkJoin.RunChunks(job.Workers, job.Body); }
                finally { job.Clear(); }
            }
        }
        GC.KeepAlive(a);
        GC.KeepAlive(b);
    }

    public static void RunDouble(ReadOnlySpan<Tensor> inputs, Tensor result, EinsumLayout layout)
    {
        if (!layout.IsProduct) { Direct<double>(inputs, result, layout); return; }
        var a = inputs[layout.Left];
        var b = inputs[1 - layout.Left];
        fixed (double* pa = a.Lend<double>(), pb = b.Lend<double>(), pc = result.Lend<double>())
        {
            for (int bi = 0; bi < layout.BatchCount; bi++)
            {
                var (oa, ob, oc) = Offsets(layout, bi);
                Gemm.Dgemm(pa + oa, layout.Lda, layout.TransA, pb + ob, layout.Ldb, layout.TransB, pc + oc, layout.Ldc,
                    layout.M, layout.N, layout.K, accumulate: false);
            }
        }
        GC.KeepAlive(a);
        GC.KeepAlive(b);
    }

    private static void ProductFloat(EinsumLayout layout, float* pa, float* pb, float* pc, int bi, int threads)
    {
        var (oa, ob, oc) = Offsets(layout, bi);
        // Deep products with a transposed left matrix (the weight gradients abc,abde->cde) split over the depth.
        if (threads > 1 && Gemm.PrefersDepthSplit(layout.M, layout.N, layout.K, layout.TransA))
            Gemm.SgemmDepthSplit(pa + oa, layout.Lda, layout.TransA, pb + ob, layout.Ldb, layout.TransB, pc + oc, layout.Ldc,
                layout.M, layout.N, layout.K, threads);
        else
            Gemm.Sgemm(pa + oa, layout.Lda, layout.TransA, pb + ob, layout.Ldb, layout.TransB, pc + oc, layout.Ldc,
                layout.M, layout.N, layout.K, accumulate: false, threads);
    }

    /// <summary>The element offsets of product <paramref name="bi"/> in the left matrix, the right one and the output.</summary>
    private static (nint A, nint B, nint C) Offsets(EinsumLayout layout, int bi)
    {
        nint oa = 0, ob = 0, oc = 0;
        var sizes = layout.BatchSizes;
        for (int d = sizes.Length - 1; d >= 0; d--)
        {
            int i = bi % sizes[d];
            bi /= sizes[d];
            oa += (nint)i * layout.BatchA[d];
            ob += (nint)i * layout.BatchB[d];
            oc += (nint)i * layout.BatchC[d];
        }
        return (oa, ob, oc);
    }

    [ThreadStatic] private static FloatBatchJob? t_job;

    /// <summary>A batched product spread over the fork-join pool: one per calling thread, its body bound once (no closure per run).</summary>
    private sealed class FloatBatchJob
    {
        private EinsumLayout? _layout;
        private float* _a, _b, _c;

        public FloatBatchJob() => Body = Run;

        public Action<int> Body { get; }
        /// <summary>The number of chunks (each a run of consecutive products).</summary>
        public int Workers { get; private set; }

        public void Set(EinsumLayout layout, float* a, float* b, float* c, int workers)
        {
            _layout = layout;
            _a = a;
            _b = b;
            _c = c;
            Workers = workers;
        }

        public void Clear()
        {
            _layout = null;
            _a = _b = _c = null;
        }

        private void Run(int part)
        {
            var layout = _layout!;
            int count = layout.BatchCount;
            for (int bi = (int)((long)count * part / Workers); bi < (int)((long)count * (part + 1) / Workers); bi++)
                ProductFloat(layout, _a, _b, _c, bi, 1);
        }
    }

    /// <summary>The direct sum over every label assignment (any number of operands, any layout).</summary>
    public static void Direct<T>(ReadOnlySpan<Tensor> inputs, Tensor result, EinsumLayout layout) where T : unmanaged, INumber<T>
    {
        var c = result.Lend<T>();
        c.Clear();
        var sizes = layout.Sizes;
        int nl = sizes.Length, ops = inputs.Length;
        foreach (int s in sizes) if (s == 0) return;
        Span<int> index = stackalloc int[nl];
        Span<int> offsets = stackalloc int[ops];
        var strides = layout.Strides;
        var outStrides = layout.OutStrides;
        int oc = 0;
        while (true)
        {
            T p = T.One;
            for (int i = 0; i < ops; i++) p *= inputs[i].Array<T>()[offsets[i]];
            c[oc] += p;
            int d = nl - 1;
            for (; d >= 0; d--)
            {
                if (++index[d] < sizes[d])
                {
                    for (int i = 0; i < ops; i++) offsets[i] += strides[i * nl + d];
                    oc += outStrides[d];
                    break;
                }
                int back = sizes[d] - 1;
                index[d] = 0;
                for (int i = 0; i < ops; i++) offsets[i] -= strides[i * nl + d] * back;
                oc -= outStrides[d] * back;
            }
            if (d < 0) break;
        }
        GC.KeepAlive(result);
    }
}
