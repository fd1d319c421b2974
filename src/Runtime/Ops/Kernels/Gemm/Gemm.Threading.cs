namespace LayerGen.Kernels;

/// <summary>The GEMM driver's split of one product over threads (one fork and one join per product).</summary>
internal static unsafe partial class Gemm
{
    /// <summary>
    /// The packed GEMM: loops jc (NC) → pc (KC, pack B unless packed ahead) → ic (MC, pack A if transposed, else only
    /// a partial last tile) → jr (NR) → ir (MR) → micro-kernel.
    /// With several threads the product is split once, into row blocks or column panels (whichever divides
    /// more evenly), and each thread runs the whole loop nest on its part with its own packed buffers: one
    /// fork and one join per product, however many depth blocks it has.
    /// </summary>
    private static void Blocked(Problem p, int threads, GemmKernel kernel)
    {
        kernel = KernelFor(kernel, p.N);
        var (mr, nr) = Tile(kernel);
        long work = (long)p.M * p.N * p.K;
        if (threads < 1 || work < ParallelThreshold) threads = 1;
        int rowBlocks = (p.M + mr - 1) / mr, panels = (p.N + nr - 1) / nr;
        threads = Math.Min(threads, Math.Max(rowBlocks, panels));
        if (threads == 1)
        {
            RunSlice(p, kernel, 0, p.M, 0, p.N);
            return;
        }
        // Split where the largest share is closest to an even share; ties split columns (every thread then reads
        // all of A, which is the smaller operand for the tall-thin products of layers, and packs only its part of B).
        double rowImbalance = (double)Ceil(rowBlocks, threads) / rowBlocks;
        double colImbalance = (double)Ceil(panels, threads) / panels;
        // One job object per calling thread, reused: ForkJoin.Run returns only when every part is done.
        var job = t_job ??= new Job();
        job.Set(p, kernel, threads, splitRows: rowImbalance < colImbalance, rowBlocks, panels);
        ForkJoin.Run(threads, job.Body);
    }

    [ThreadStatic] private static Job? t_job;

    private static int Ceil(int x, int by) => (x + by - 1) / by;

    /// <summary>Narrow products waste most of a 32-wide AVX-512 tile: a 16-wide tile fits them better.</summary>
    private static GemmKernel KernelFor(GemmKernel kernel, int n) => kernel == GemmKernel.Avx512 && n <= 16 ? GemmKernel.Avx512Narrow : kernel;

    /// <summary>Depth blocks of equal size (1000 → 2 × 500, not 512 + 488; 1100 → 3 × 367): no thin last block re-reading C.</summary>
    private static int DepthBlock(int k) => Ceil(k, Ceil(k, KC));

    /// <summary>One product split over threads: thread t takes a contiguous range of row blocks or column panels.</summary>
    private sealed class Job
    {
        private Problem p;
        private GemmKernel kernel;
        private int threads, rowBlocks, panels;
        private bool splitRows;

        public Job() => Body = Run;

        /// <summary><see cref="Run"/> as a delegate, made once (a run allocates nothing).</summary>
        public Action<int> Body { get; }

        public void Set(in Problem problem, GemmKernel kernel, int threads, bool splitRows, int rowBlocks, int panels)
        {
            p = problem;
            this.kernel = kernel;
            this.threads = threads;
            this.splitRows = splitRows;
            this.rowBlocks = rowBlocks;
            this.panels = panels;
        }

        private void Run(int t)
        {
            var (mr, nr) = Tile(kernel);
            if (splitRows)
            {
                int r0 = Math.Min(p.M, rowBlocks * t / threads * mr), r1 = Math.Min(p.M, rowBlocks * (t + 1) / threads * mr);
                if (r1 > r0) RunSlice(p, kernel, r0, r1, 0, p.N);
            }
            else
            {
                int c0 = Math.Min(p.N, panels * t / threads * nr), c1 = Math.Min(p.N, panels * (t + 1) / threads * nr);
                if (c1 > c0) RunSlice(p, kernel, 0, p.M, c0, c1);
            }
        }
    }
}
