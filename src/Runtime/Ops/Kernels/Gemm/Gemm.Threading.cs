namespace LayerGen.Kernels;

/// <summary>The GEMM driver's split of one product into chunks that the calling thread and the pool's workers take (ForkJoin.RunChunks).</summary>
internal static unsafe partial class Gemm
{
    /// <summary>
    /// The packed GEMM: loops jc (NC) → pc (KC, pack B unless packed ahead) → ic (MC, pack A if transposed or the block is
    /// at least PackAPanels panels wide, else only a partial last tile) → jr (NR) → ir (MR) → micro-kernel.
    /// With several threads C is cut into chunks (groups of column panels, and of row blocks when there are few
    /// panels), about <see cref="ChunksPerThread"/> per thread, which the caller and the pool's workers take one at a
    /// time (<see cref="ForkJoin.RunChunks"/>); each chunk runs the whole loop nest on its part with the thread's own
    /// packed buffers. A worker that starts late (a loaded machine) takes fewer chunks instead of holding up the
    /// product, and every element is computed by one micro-kernel sequence however the chunks fall, so the results
    /// do not depend on the thread count.
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
        var (rowChunks, colChunks) = Split(p, threads * ChunksPerThread, rowBlocks, panels);
        // One job object per calling thread, reused: RunChunks returns only when every chunk is done.
        var job = t_job ??= new Job();
        job.Set(p, kernel, rowBlocks, panels, rowChunks, colChunks);
        ForkJoin.RunChunks(rowChunks * colChunks, job.Body);
    }

    /// <summary>
    /// The chunk grid (row chunks × column chunks) of about <paramref name="target"/> chunks that packs the least again:
    /// every column chunk packs its rows of op(A) when A is transposed or the chunk is wide (<see cref="PackAPanels"/>;
    /// a row-major A is otherwise read in place), and every row
    /// chunk packs its panels of B unless B was packed ahead. Columns first (one pass over A, B packed once in all)
    /// unless another grid repeats less packing: the weight gradient Xᵀ·dY of a dense layer (A = Xᵀ, [784,128] at
    /// batch 128) would otherwise be packed whole by each of the eight column chunks.
    /// </summary>
    private static (int Rows, int Cols) Split(in Problem p, int target, int rowBlocks, int panels)
    {
        int colChunks = Math.Min(panels, target);
        int rowChunks = Math.Min(rowBlocks, Ceil(target, colChunks));
        long packA = (long)p.M * p.K;
        long packB = p.PackedB == null ? (long)p.K * p.N : 0;
        bool transposedA = p.Acs != 1;
        // Row-major A is packed only by column chunks of at least PackAPanels panels (RunRows).
        long Repeated(int rows, int cols) => (cols - 1) * (transposedA || panels / cols >= PackAPanels ? packA : 0) + (rows - 1) * packB;
        long best = Repeated(rowChunks, colChunks);
        for (int rows = 1, most = Math.Min(rowBlocks, target); rows <= most && best > 0; rows++)
        {
            int cols = Math.Min(panels, Ceil(target, rows));
            long cost = Repeated(rows, cols);
            if (cost < best) (best, rowChunks, colChunks) = (cost, rows, cols);
        }
        return (rowChunks, colChunks);
    }

    /// <summary>Chunks per thread of a parallel product: enough for a late or slow thread to be made up by the others.</summary>
    private const int ChunksPerThread = 4;

    [ThreadStatic] private static Job? t_job;

    private static int Ceil(int x, int by) => (x + by - 1) / by;

    /// <summary>Narrow products waste most of a 32-wide AVX-512 tile: a 16-wide tile fits them better.</summary>
    private static GemmKernel KernelFor(GemmKernel kernel, int n) => kernel == GemmKernel.Avx512 && n <= 16 ? GemmKernel.Avx512Narrow : kernel;

    /// <summary>Depth blocks of equal size (1000 → 2 × 500, not 512 + 488; 1100 → 3 × 367): no thin last block re-reading C.</summary>
    private static int DepthBlock(int k) => Ceil(k, Ceil(k, KC));

    /// <summary>One product cut into row-block × column-panel chunks; chunk c is row chunk c / colChunks, column chunk c % colChunks.</summary>
    private sealed class Job
    {
        private Problem p;
        private GemmKernel kernel;
        private int rowBlocks, panels, rowChunks, colChunks;

        public Job() => Body = Run;

        /// <summary><see cref="Run"/> as a delegate, made once (a run allocates nothing).</summary>
        public Action<int> Body { get; }

        public void Set(in Problem problem, GemmKernel kernel, int rowBlocks, int panels, int rowChunks, int colChunks)
        {
            p = problem;
            this.kernel = kernel;
            this.rowBlocks = rowBlocks;
            this.panels = panels;
            this.rowChunks = rowChunks;
            this.colChunks = colChunks;
        }

        private void Run(int chunk)
        {
            var (mr, nr) = Tile(kernel);
            int rc = chunk / colChunks, cc = chunk % colChunks;
            int r0 = Math.Min(p.M, rowBlocks * rc / rowChunks * mr), r1 = Math.Min(p.M, rowBlocks * (rc + 1) / rowChunks * mr);
            int c0 = Math.Min(p.N, panels * cc / colChunks * nr), c1 = Math.Min(p.N, panels * (cc + 1) / colChunks * nr);
            if (r1 > r0 && c1 > c0) RunSlice(p, kernel, r0, r1, c0, c1);
        }
    }
}
