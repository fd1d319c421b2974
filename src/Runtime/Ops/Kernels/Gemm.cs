using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LayerGen.Kernels;

/// <summary>Which float32 micro-kernel the GEMM uses.</summary>
internal enum GemmKernel
{
    /// <summary>Portable scalar code (4×8 tile).</summary>
    Scalar,
    /// <summary>AVX2 + FMA3, Vector256 (6×16 tile).</summary>
    Avx2,
    /// <summary>AVX-512F, Vector512 (12×32 tile).</summary>
    Avx512,
    /// <summary>AVX-512F with a 16×16 tile, for products at most 16 columns wide (chosen by the GEMM, not a level of its own).</summary>
    Avx512Narrow,
}

/// <summary>
/// Matrix multiply kernels: <c>C[m,n] = op(A)[m,k] * op(B)[k,n]</c>, row-major.
/// Float32 goes through a packed, cache-blocked GEMM with a register-blocked micro-kernel
/// (AVX-512, AVX2+FMA or scalar, chosen at run time with explicit ISA checks so NativeAOT keeps the
/// dispatch) and splits large products over the cores. Transposed operands are read in place while
/// packing; no transpose is materialised. Row-major A needs no packing: the micro-kernel broadcasts from its
/// rows in place. B (a layer's weight) can be packed once ahead (<see cref="PackB"/>) for the products that
/// share it. Other dtypes use a simpler vectorised loop.
/// </summary>
internal static unsafe class Gemm
{
    // Cache blocking (float32). KC: depth of one packed block; MC: rows of A per block (packed when A is
    // transposed); NC: columns of B packed at once (KC×NC floats, 2 MiB, per thread). KC = 512 rather than 256:
    // the B micro-panel (KC×NR) then streams from L2 instead of sitting in L1, but C is read and written half as
    // often; measured on Zen 5 (Stopwatch, alternating runs): sgemm 2048 413-433 → 470-475 GFLOP/s, 1024
    // 444-478 → 500, the MLP's 128×784×256 product 121 → 106-111 µs.
    private const int KC = 512;
    private const int MC = 144;   // multiple of 16, 12, 6 and 4 (the tile heights)
    private const int NC = 1024;  // multiple of 32 and 16 (and 8)

    /// <summary>Products with fewer multiply-adds than this use the direct loop (no packing).</summary>
    private const long DirectThreshold = 4096;

    /// <summary>Products with at least this many multiply-adds use more than one thread.</summary>
    internal const long ParallelThreshold = 1L << 18;

    /// <summary>The best kernel this CPU supports.</summary>
    public static readonly GemmKernel Best =
        Avx512F.IsSupported ? GemmKernel.Avx512 :
        Fma.IsSupported && Avx2.IsSupported ? GemmKernel.Avx2 : GemmKernel.Scalar;

    /// <summary>Threads used for large products (the machine's processor count).</summary>
    public static int DefaultThreads => Environment.ProcessorCount;

    /// <summary>
    /// Multiplies one pair of matrices. <paramref name="a"/> is [m,k] (or [k,m] when transposed),
    /// <paramref name="b"/> is [k,n] (or [n,k] when transposed). <paramref name="c"/> is overwritten.
    /// </summary>
    public static void Multiply<T>(ReadOnlySpan<T> a, bool transposeA, ReadOnlySpan<T> b, bool transposeB, Span<T> c, int m, int n, int k)
        where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float))
        {
            Sgemm(MemoryMarshal.Cast<T, float>(a), transposeA, MemoryMarshal.Cast<T, float>(b), transposeB, MemoryMarshal.Cast<T, float>(c), m, n, k);
            return;
        }
        c.Clear();
        if (m == 0 || n == 0 || k == 0) return;
        T[]? bt = null;
        if (transposeB)
        {
            // B is [n,k]: C[i,j] = dot(A row i, B row j) when A is not transposed.
            if (!transposeA)
            {
                for (int i = 0; i < m; i++)
                {
                    var ai = a.Slice(i * k, k);
                    for (int j = 0; j < n; j++) c[i * n + j] = System.Numerics.Tensors.TensorPrimitives.Dot(ai, b.Slice(j * k, k));
                }
                return;
            }
            bt = new T[k * n];
            Transpose(b, n, k, bt);
            b = bt;
        }
        for (int i = 0; i < m; i++)
        {
            var ci = c.Slice(i * n, n);
            for (int p = 0; p < k; p++)
            {
                T aip = transposeA ? a[p * m + i] : a[i * k + p];
                if (T.IsZero(aip)) continue;
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(b.Slice(p * n, n), aip, ci, ci);
            }
        }
    }

    /// <summary>dst[cols, rows] = src[rows, cols]^T.</summary>
    public static void Transpose<T>(ReadOnlySpan<T> src, int rows, int cols, Span<T> dst)
    {
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                dst[j * rows + i] = src[i * cols + j];
    }

    /// <summary>Whether an m×n×k product goes through the packed, blocked GEMM (smaller ones use a direct loop).</summary>
    public static bool IsBlocked(int m, int n, int k) => (long)m * n * k >= DirectThreshold;

    /// <summary>Float32 GEMM with the best kernel and the default thread count.</summary>
    public static void Sgemm(ReadOnlySpan<float> a, bool transposeA, ReadOnlySpan<float> b, bool transposeB, Span<float> c, int m, int n, int k)
        => Sgemm(a, transposeA, b, transposeB, c, m, n, k, DefaultThreads, Best);

    /// <summary>Float32 GEMM, <c>C = op(A) op(B)</c>, with at most <paramref name="threads"/> threads and the given kernel (clamped to what the CPU supports).</summary>
    public static void Sgemm(ReadOnlySpan<float> a, bool transposeA, ReadOnlySpan<float> b, bool transposeB, Span<float> c, int m, int n, int k, int threads, GemmKernel kernel)
    {
        if ((long)m * n > c.Length || (long)m * k > a.Length || (long)k * n > b.Length)
            throw new ArgumentException("Gemm: buffers are smaller than the matrix sizes.");
        if (m == 0 || n == 0) return;
        if (k == 0) { c[..(m * n)].Clear(); return; }
        if (kernel > Best) kernel = Best; // (Avx512Narrow is chosen inside Blocked, never asked for)
        fixed (float* pa = a, pb = b, pc = c)
        {
            var p = new Problem(pa, transposeA ? 1 : k, transposeA ? m : 1, pb, transposeB ? 1 : n, transposeB ? k : 1, pc, n, m, n, k);
            if (!IsBlocked(m, n, k)) Direct(p);
            else Blocked(p, threads, kernel);
        }
    }

    /// <summary>
    /// Packs op(B) (<paramref name="b"/> is [k,n], or [n,k] when <paramref name="transposeB"/>) once, as every product
    /// with the default kernel would pack it, for a weight many products share. <paramref name="reuse"/>, when it has
    /// the same shape, is overwritten instead of allocating.
    /// </summary>
    public static PackedMatrix PackB(ReadOnlySpan<float> b, bool transposeB, int k, int n, PackedMatrix? reuse = null)
    {
        if (k <= 0 || n <= 0) throw new ArgumentException($"Gemm.PackB: op(B) must be at least 1×1, got {k}×{n}.");
        if ((long)k * n > b.Length) throw new ArgumentException($"Gemm.PackB: op(B) is {k}×{n} but the buffer holds {b.Length} values.");
        var kernel = KernelFor(Best, n);
        var (_, nr) = Tile(kernel);
        int panels = Ceil(n, nr), kcBlock = DepthBlock(k);
        var packed = reuse is not null && reuse.K == k && reuse.N == n && reuse.Kernel == kernel
            ? reuse
            : new PackedMatrix(k, n, kernel, checked(k * panels * nr));
        fixed (float* pb = b)
        {
            var p = new Problem(null, 0, 0, pb, transposeB ? 1 : n, transposeB ? k : 1, null, 0, 0, n, k);
            float* dst = packed.Pointer;
            for (int pc = 0; pc < k; pc += kcBlock)
                PackB(p, dst + (nint)pc * panels * nr, pc, Math.Min(kcBlock, k - pc), 0, n, nr, 0, panels);
        }
        return packed;
    }

    /// <summary>
    /// <c>C = op(A) B</c> with B packed ahead by <see cref="PackB"/>: the same blocks, kernels and sums as
    /// <see cref="Sgemm(ReadOnlySpan{float}, bool, ReadOnlySpan{float}, bool, Span{float}, int, int, int)"/>, so the
    /// same results bit for bit, without packing B.
    /// </summary>
    public static void Sgemm(ReadOnlySpan<float> a, bool transposeA, PackedMatrix b, Span<float> c, int m, int threads)
    {
        ArgumentNullException.ThrowIfNull(b);
        int n = b.N, k = b.K;
        if ((long)m * n > c.Length || (long)m * k > a.Length)
            throw new ArgumentException($"Gemm: op(A) is {m}×{k} and C {m}×{n}, but the buffers hold {a.Length} and {c.Length} values.");
        if (m == 0) return;
        fixed (float* pa = a, pc = c)
        {
            var p = new Problem(pa, transposeA ? 1 : k, transposeA ? m : 1, null, 0, 0, pc, n, m, n, k, b.Pointer);
            Blocked(p, threads, b.Kernel);
        }
        GC.KeepAlive(b);
    }

    /// <summary>
    /// One product. Element (i,p) of op(A) is <c>A[i*Ars + p*Acs]</c>; element (p,j) of op(B) is
    /// <c>B[p*Brs + j*Bcs]</c>; C is row-major with row stride Ldc.
    /// </summary>
    private readonly struct Problem(float* a, int ars, int acs, float* b, int brs, int bcs, float* c, int ldc, int m, int n, int k, float* packedB = null)
    {
        public readonly float* A = a, B = b, C = c;
        /// <summary>op(B) already packed (<see cref="PackedMatrix"/>), or null: then each product packs B itself.</summary>
        public readonly float* PackedB = packedB;
        public readonly int Ars = ars, Acs = acs, Brs = brs, Bcs = bcs, Ldc = ldc, M = m, N = n, K = k;
    }

    /// <summary>Tiny products: plain loops, no packing, no allocation.</summary>
    private static void Direct(in Problem p)
    {
        for (int i = 0; i < p.M; i++)
        {
            float* ci = p.C + (nint)i * p.Ldc;
            for (int j = 0; j < p.N; j++) ci[j] = 0f;
            for (int q = 0; q < p.K; q++)
            {
                float aiq = p.A[(nint)i * p.Ars + (nint)q * p.Acs];
                float* bq = p.B + (nint)q * p.Brs;
                if (p.Bcs == 1) for (int j = 0; j < p.N; j++) ci[j] += aiq * bq[j];
                else for (int j = 0; j < p.N; j++) ci[j] += aiq * bq[(nint)j * p.Bcs];
            }
        }
    }

    private static (int Mr, int Nr) Tile(GemmKernel kernel) => kernel switch
    {
        GemmKernel.Avx512 => (12, 32),
        GemmKernel.Avx512Narrow => (16, 16),
        GemmKernel.Avx2 => (6, 16),
        _ => (4, 8),
    };

    [ThreadStatic] private static float[]? t_packA;
    [ThreadStatic] private static float[]? t_packB;

    /// <summary>A pinned, 64-byte-aligned scratch buffer of at least <paramref name="length"/> floats, reused per thread.</summary>
    private static float* Scratch(ref float[]? slot, int length, out float[] owner)
    {
        if (slot is null || slot.Length < length + 16)
            slot = GC.AllocateUninitializedArray<float>(length + 16, pinned: true);
        owner = slot;
        float* p = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(slot));
        return (float*)(((nint)p + 63) & ~(nint)63);
    }

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

    /// <summary>Rows [r0, r1) × columns [c0, c1) of C (c0 a multiple of NR) on the calling thread.</summary>
    private static void RunSlice(in Problem p, GemmKernel kernel, int r0, int r1, int c0, int c1)
    {
        var (_, nr) = Tile(kernel);
        int kcBlock = DepthBlock(p.K);
        // B packed ahead (PackedMatrix) has, per depth block, every column panel kc×NR one after the other: the panels
        // of a column block start (jc / NR) panels in, laid out as this loop would pack them into its scratch.
        bool packedAhead = p.PackedB != null;
        int allPanels = Ceil(p.N, nr);
        float[]? ownerB = null;
        float* scratch = packedAhead ? null : Scratch(ref t_packB, kcBlock * Math.Min(NC, RoundUp(c1 - c0, nr)), out ownerB);
        for (int jc = c0; jc < c1; jc += NC)
        {
            int nc = Math.Min(NC, c1 - jc);
            int blockPanels = Ceil(nc, nr);
            for (int pc = 0; pc < p.K; pc += kcBlock)
            {
                int kc = Math.Min(kcBlock, p.K - pc);
                float* panels = packedAhead ? p.PackedB + (nint)pc * allPanels * nr + (nint)(jc / nr) * kc * nr : scratch;
                if (!packedAhead) PackB(p, scratch, pc, kc, jc, nc, nr, 0, blockPanels);
                RunRows(p, kernel, panels, pc, kc, jc, nc, accumulate: pc > 0, r0, r1, 0, blockPanels);
            }
        }
        GC.KeepAlive(ownerB);
    }

    private static int RoundUp(int x, int to) => (x + to - 1) / to * to;

    /// <summary>Packs B rows [pc, pc+kc), column panels [p0, p1) of the block starting at column jc: each panel kc×NR, row-major, zero-padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(in Problem p, float* dst, int pc, int kc, int jc, int nc, int nr, int p0, int p1)
    {
        for (int panel = p0; panel < p1; panel++)
        {
            int j0 = jc + panel * nr;
            int w = Math.Min(nr, jc + nc - j0);
            float* d = dst + (nint)panel * kc * nr;
            if (p.Bcs == 1)
            {
                float* s = p.B + (nint)pc * p.Brs + j0;
                if (w == nr && nr == 32 && Avx512F.IsSupported)
                {
                    for (int q = 0; q < kc; q++, s += p.Brs, d += 32)
                    {
                        Vector512.Store(Vector512.Load(s), d);
                        Vector512.Store(Vector512.Load(s + 16), d + 16);
                    }
                }
                else if (w == nr && nr == 16 && Avx.IsSupported)
                {
                    for (int q = 0; q < kc; q++, s += p.Brs, d += 16)
                    {
                        Vector256.Store(Vector256.Load(s), d);
                        Vector256.Store(Vector256.Load(s + 8), d + 8);
                    }
                }
                else
                {
                    for (int q = 0; q < kc; q++, s += p.Brs, d += nr)
                    {
                        int j = 0;
                        for (; j < w; j++) d[j] = s[j];
                        for (; j < nr; j++) d[j] = 0f;
                    }
                }
            }
            else
            {
                // B is stored transposed ([n,k]): column j of op(B) is a contiguous row.
                TransposeRows(p.B + (nint)j0 * p.Bcs + pc, p.Bcs, w, kc, d, nr);
                for (int j = w; j < nr; j++)
                    for (int q = 0; q < kc; q++) d[(nint)q * nr + j] = 0f;
            }
        }
    }

    /// <summary>Packs A rows [i0, i0+mc), depth [pc, pc+kc) into MR-row panels, each kc×MR (column of MR values per depth step), zero-padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(in Problem p, float* dst, int i0, int mc, int pc, int kc, int mr)
    {
        for (int r = 0; r < mc; r += mr)
        {
            int h = Math.Min(mr, mc - r);
            float* d = dst + (nint)r * kc;
            if (p.Ars == 1)
            {
                // A stored transposed ([k,m]): the MR values for one depth step are contiguous.
                float* s = p.A + (nint)pc * p.Acs + i0 + r;
                for (int q = 0; q < kc; q++, s += p.Acs, d += mr)
                {
                    int i = 0;
                    for (; i < h; i++) d[i] = s[i];
                    for (; i < mr; i++) d[i] = 0f;
                }
            }
            else
            {
                // A row-major: each panel is a transpose.
                TransposeRows(p.A + (nint)(i0 + r) * p.Ars + pc, p.Ars, h, kc, d, mr);
                for (int i = h; i < mr; i++)
                    for (int q = 0; q < kc; q++) d[(nint)q * mr + i] = 0f;
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="count"/> rows of <paramref name="kc"/> values (row i at <c>src + i*srcStride</c>) as
    /// columns: value (i, q) goes to <c>dst[q*dstStride + i]</c>. Four rows at a time go through 4×4 register
    /// transposes instead of one strided store per element. Packs row-major A panels and transposed B panels.
    /// </summary>
    private static void TransposeRows(float* src, int srcStride, int count, int kc, float* dst, int dstStride)
    {
        int i = 0;
        if (Sse.IsSupported)
        {
            for (; i + 4 <= count; i += 4)
            {
                float* s0 = src + (nint)i * srcStride;
                float* s1 = s0 + srcStride, s2 = s1 + srcStride, s3 = s2 + srcStride;
                float* di = dst + i;
                int q = 0;
                for (; q + 4 <= kc; q += 4)
                    Transpose4x4(Sse.LoadVector128(s0 + q), Sse.LoadVector128(s1 + q), Sse.LoadVector128(s2 + q), Sse.LoadVector128(s3 + q), di + (nint)q * dstStride, dstStride);
                for (; q < kc; q++)
                {
                    float* dq = di + (nint)q * dstStride;
                    dq[0] = s0[q]; dq[1] = s1[q]; dq[2] = s2[q]; dq[3] = s3[q];
                }
            }
        }
        for (; i < count; i++)
        {
            float* s = src + (nint)i * srcStride;
            for (int q = 0; q < kc; q++) dst[(nint)q * dstStride + i] = s[q];
        }
    }

    /// <summary>Stores the transpose of the 4×4 block whose rows are r0..r3: column j goes to <c>d + j*stride</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x4(Vector128<float> r0, Vector128<float> r1, Vector128<float> r2, Vector128<float> r3, float* d, int stride)
    {
        var t0 = Sse.UnpackLow(r0, r1);   // r0[0] r1[0] r0[1] r1[1]
        var t1 = Sse.UnpackLow(r2, r3);   // r2[0] r3[0] r2[1] r3[1]
        var t2 = Sse.UnpackHigh(r0, r1);  // r0[2] r1[2] r0[3] r1[3]
        var t3 = Sse.UnpackHigh(r2, r3);  // r2[2] r3[2] r2[3] r3[3]
        Sse.Store(d, Sse.MoveLowToHigh(t0, t1));
        Sse.Store(d + stride, Sse.MoveHighToLow(t1, t0));
        Sse.Store(d + 2 * stride, Sse.MoveLowToHigh(t2, t3));
        Sse.Store(d + 3 * stride, Sse.MoveHighToLow(t3, t2));
    }

    /// <summary>
    /// Rows [r0, r1) of C against packed B panels [p0, p1) of the current block. Row-major A is read in place by the
    /// micro-kernel (its rows are contiguous in depth, as a packed panel's columns are): only a last tile with fewer
    /// than MR rows is packed, zero-padded, so the kernel never reads past A. Transposed A is packed (MC rows at a time).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunRows(in Problem p, GemmKernel kernel, float* packB, int pc, int kc, int jc, int nc, bool accumulate, int r0, int r1, int p0, int p1)
    {
        var (mr, nr) = Tile(kernel);
        float* packA = Scratch(ref t_packA, MC * KC, out var ownerA);
        float* tile = stackalloc float[12 * 32];
        bool inPlace = p.Acs == 1;
        for (int ic = r0; ic < r1; ic += MC)
        {
            int mc = Math.Min(MC, r1 - ic);
            int full = inPlace ? mc / mr * mr : 0;   // rows read in place
            if (full < mc) PackA(p, packA + (nint)full * kc, ic + full, mc - full, pc, kc, mr);
            for (int panel = p0; panel < p1; panel++)
            {
                int j0 = jc + panel * nr;
                int w = Math.Min(nr, jc + nc - j0);
                float* bp = packB + (nint)panel * kc * nr;
                for (int r = 0; r < mc; r += mr)
                {
                    int h = Math.Min(mr, mc - r);
                    float* ap;
                    nint rs, ds;
                    if (r < full) { ap = p.A + (nint)(ic + r) * p.Ars + pc; rs = p.Ars; ds = 1; }
                    else { ap = packA + (nint)r * kc; rs = 1; ds = mr; }
                    float* c = p.C + (nint)(ic + r) * p.Ldc + j0;
                    if (h == mr && w == nr)
                    {
                        Micro(kernel, kc, ap, rs, ds, bp, c, p.Ldc, accumulate);
                    }
                    else
                    {
                        Micro(kernel, kc, ap, rs, ds, bp, tile, nr, false);
                        for (int i = 0; i < h; i++)
                        {
                            var ci = new Span<float>(c + (nint)i * p.Ldc, w);
                            var ti = new ReadOnlySpan<float>(tile + i * nr, w);
                            if (accumulate) System.Numerics.Tensors.TensorPrimitives.Add(ci, ti, ci);
                            else ti.CopyTo(ci);
                        }
                    }
                }
            }
        }
        GC.KeepAlive(ownerA);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Micro(GemmKernel kernel, int kc, float* a, nint rs, nint ds, float* b, float* c, int ldc, bool accumulate)
    {
        if (kernel == GemmKernel.Avx512Narrow && Avx512F.IsSupported) Kernel16x16(kc, a, rs, ds, b, c, ldc, accumulate);
        else if (kernel == GemmKernel.Avx512 && Avx512F.IsSupported) Kernel12x32(kc, a, rs, ds, b, c, ldc, accumulate);
        else if (kernel >= GemmKernel.Avx2 && Fma.IsSupported && Avx.IsSupported) Kernel6x16(kc, a, rs, ds, b, c, ldc, accumulate);
        else KernelScalar(kc, a, rs, ds, b, c, ldc, accumulate);
    }

    /// <summary>
    /// AVX-512 micro-kernel: C[12,32] (+)= A[12,kc] · Bpanel[kc,32], 24 zmm accumulators. Element (i, q) of the A tile
    /// is <c>a[i*rs + q*ds]</c>: a packed panel (rs 1, ds 12) or row-major A read in place (rs = its row stride, ds 1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel12x32(int kc, float* a, nint rs, nint ds, float* b, float* c, int ldc, bool accumulate)
    {
        nint r2 = 2 * rs, r3 = 3 * rs;
        float* a0 = a, a4 = a + 4 * rs, a8 = a + 8 * rs;
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default, c80 = default, c81 = default, c90 = default, c91 = default, c100 = default, c101 = default, c110 = default, c111 = default;
        for (int q = 0; q < kc; q++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            Vector512<float> av;
            av = Vector512.Create(a0[0]);
            c00 = Avx512F.FusedMultiplyAdd(av, b0, c00); c01 = Avx512F.FusedMultiplyAdd(av, b1, c01);
            av = Vector512.Create(a0[rs]);
            c10 = Avx512F.FusedMultiplyAdd(av, b0, c10); c11 = Avx512F.FusedMultiplyAdd(av, b1, c11);
            av = Vector512.Create(a0[r2]);
            c20 = Avx512F.FusedMultiplyAdd(av, b0, c20); c21 = Avx512F.FusedMultiplyAdd(av, b1, c21);
            av = Vector512.Create(a0[r3]);
            c30 = Avx512F.FusedMultiplyAdd(av, b0, c30); c31 = Avx512F.FusedMultiplyAdd(av, b1, c31);
            av = Vector512.Create(a4[0]);
            c40 = Avx512F.FusedMultiplyAdd(av, b0, c40); c41 = Avx512F.FusedMultiplyAdd(av, b1, c41);
            av = Vector512.Create(a4[rs]);
            c50 = Avx512F.FusedMultiplyAdd(av, b0, c50); c51 = Avx512F.FusedMultiplyAdd(av, b1, c51);
            av = Vector512.Create(a4[r2]);
            c60 = Avx512F.FusedMultiplyAdd(av, b0, c60); c61 = Avx512F.FusedMultiplyAdd(av, b1, c61);
            av = Vector512.Create(a4[r3]);
            c70 = Avx512F.FusedMultiplyAdd(av, b0, c70); c71 = Avx512F.FusedMultiplyAdd(av, b1, c71);
            av = Vector512.Create(a8[0]);
            c80 = Avx512F.FusedMultiplyAdd(av, b0, c80); c81 = Avx512F.FusedMultiplyAdd(av, b1, c81);
            av = Vector512.Create(a8[rs]);
            c90 = Avx512F.FusedMultiplyAdd(av, b0, c90); c91 = Avx512F.FusedMultiplyAdd(av, b1, c91);
            av = Vector512.Create(a8[r2]);
            c100 = Avx512F.FusedMultiplyAdd(av, b0, c100); c101 = Avx512F.FusedMultiplyAdd(av, b1, c101);
            av = Vector512.Create(a8[r3]);
            c110 = Avx512F.FusedMultiplyAdd(av, b0, c110); c111 = Avx512F.FusedMultiplyAdd(av, b1, c111);
            a0 += ds; a4 += ds; a8 += ds;
            b += 32;
        }
        Store512(c, c00, c01, accumulate); c += ldc;
        Store512(c, c10, c11, accumulate); c += ldc;
        Store512(c, c20, c21, accumulate); c += ldc;
        Store512(c, c30, c31, accumulate); c += ldc;
        Store512(c, c40, c41, accumulate); c += ldc;
        Store512(c, c50, c51, accumulate); c += ldc;
        Store512(c, c60, c61, accumulate); c += ldc;
        Store512(c, c70, c71, accumulate); c += ldc;
        Store512(c, c80, c81, accumulate); c += ldc;
        Store512(c, c90, c91, accumulate); c += ldc;
        Store512(c, c100, c101, accumulate); c += ldc;
        Store512(c, c110, c111, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(float* c, Vector512<float> x0, Vector512<float> x1, bool accumulate)
    {
        Store512(c, x0, accumulate);
        Store512(c + 16, x1, accumulate);
    }

    /// <summary>
    /// AVX-512 micro-kernel for narrow products (a 10-class output layer): C[16,16] (+)= A[16,kc] · Bpanel[kc,16],
    /// 16 zmm accumulators, one B vector and sixteen broadcasts per depth step: half the FMAs of the 6×16 AVX2 tile.
    /// A's element (i, q) is <c>a[i*rs + q*ds]</c> (see <see cref="Kernel12x32"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel16x16(int kc, float* a, nint rs, nint ds, float* b, float* c, int ldc, bool accumulate)
    {
        nint r2 = 2 * rs, r3 = 3 * rs;
        float* a0 = a, a4 = a + 4 * rs, a8 = a + 8 * rs, a12 = a + 12 * rs;
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        Vector512<float> c8 = default, c9 = default, c10 = default, c11 = default, c12 = default, c13 = default, c14 = default, c15 = default;
        for (int q = 0; q < kc; q++)
        {
            var b0 = Vector512.Load(b);
            c0 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[0]), b0, c0);
            c1 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[rs]), b0, c1);
            c2 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[r2]), b0, c2);
            c3 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[r3]), b0, c3);
            c4 = Avx512F.FusedMultiplyAdd(Vector512.Create(a4[0]), b0, c4);
            c5 = Avx512F.FusedMultiplyAdd(Vector512.Create(a4[rs]), b0, c5);
            c6 = Avx512F.FusedMultiplyAdd(Vector512.Create(a4[r2]), b0, c6);
            c7 = Avx512F.FusedMultiplyAdd(Vector512.Create(a4[r3]), b0, c7);
            c8 = Avx512F.FusedMultiplyAdd(Vector512.Create(a8[0]), b0, c8);
            c9 = Avx512F.FusedMultiplyAdd(Vector512.Create(a8[rs]), b0, c9);
            c10 = Avx512F.FusedMultiplyAdd(Vector512.Create(a8[r2]), b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(Vector512.Create(a8[r3]), b0, c11);
            c12 = Avx512F.FusedMultiplyAdd(Vector512.Create(a12[0]), b0, c12);
            c13 = Avx512F.FusedMultiplyAdd(Vector512.Create(a12[rs]), b0, c13);
            c14 = Avx512F.FusedMultiplyAdd(Vector512.Create(a12[r2]), b0, c14);
            c15 = Avx512F.FusedMultiplyAdd(Vector512.Create(a12[r3]), b0, c15);
            a0 += ds; a4 += ds; a8 += ds; a12 += ds;
            b += 16;
        }
        Store512(c, c0, accumulate); c += ldc; Store512(c, c1, accumulate); c += ldc;
        Store512(c, c2, accumulate); c += ldc; Store512(c, c3, accumulate); c += ldc;
        Store512(c, c4, accumulate); c += ldc; Store512(c, c5, accumulate); c += ldc;
        Store512(c, c6, accumulate); c += ldc; Store512(c, c7, accumulate); c += ldc;
        Store512(c, c8, accumulate); c += ldc; Store512(c, c9, accumulate); c += ldc;
        Store512(c, c10, accumulate); c += ldc; Store512(c, c11, accumulate); c += ldc;
        Store512(c, c12, accumulate); c += ldc; Store512(c, c13, accumulate); c += ldc;
        Store512(c, c14, accumulate); c += ldc; Store512(c, c15, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(float* c, Vector512<float> x, bool accumulate)
    {
        if (accumulate) x += Vector512.Load(c);
        Vector512.Store(x, c);
    }

    /// <summary>AVX2+FMA micro-kernel: C[6,16] (+)= A[6,kc] · Bpanel[kc,16], 12 ymm accumulators; A's element (i, q) is <c>a[i*rs + q*ds]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x16(int kc, float* a, nint rs, nint ds, float* b, float* c, int ldc, bool accumulate)
    {
        nint r2 = 2 * rs;
        float* a0 = a, a3 = a + 3 * rs;
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int q = 0; q < kc; q++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var av = Vector256.Create(a0[0]);
            c00 = Fma.MultiplyAdd(av, b0, c00); c01 = Fma.MultiplyAdd(av, b1, c01);
            av = Vector256.Create(a0[rs]);
            c10 = Fma.MultiplyAdd(av, b0, c10); c11 = Fma.MultiplyAdd(av, b1, c11);
            av = Vector256.Create(a0[r2]);
            c20 = Fma.MultiplyAdd(av, b0, c20); c21 = Fma.MultiplyAdd(av, b1, c21);
            av = Vector256.Create(a3[0]);
            c30 = Fma.MultiplyAdd(av, b0, c30); c31 = Fma.MultiplyAdd(av, b1, c31);
            av = Vector256.Create(a3[rs]);
            c40 = Fma.MultiplyAdd(av, b0, c40); c41 = Fma.MultiplyAdd(av, b1, c41);
            av = Vector256.Create(a3[r2]);
            c50 = Fma.MultiplyAdd(av, b0, c50); c51 = Fma.MultiplyAdd(av, b1, c51);
            a0 += ds; a3 += ds;
            b += 16;
        }
        Store256(c, c00, c01, accumulate); c += ldc;
        Store256(c, c10, c11, accumulate); c += ldc;
        Store256(c, c20, c21, accumulate); c += ldc;
        Store256(c, c30, c31, accumulate); c += ldc;
        Store256(c, c40, c41, accumulate); c += ldc;
        Store256(c, c50, c51, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store256(float* c, Vector256<float> x0, Vector256<float> x1, bool accumulate)
    {
        if (accumulate)
        {
            x0 += Vector256.Load(c);
            x1 += Vector256.Load(c + 8);
        }
        Vector256.Store(x0, c);
        Vector256.Store(x1, c + 8);
    }

    /// <summary>
    /// Portable micro-kernel: C[4,8] (+)= Apanel[kc,4]^T · Bpanel[kc,8]. With 128-bit vectors (SSE2 on every x64,
    /// AdvSimd on Arm64: what a NativeAOT binary built without <c>IlcInstructionSet</c> has) it keeps the tile in
    /// eight Vector128 accumulators; otherwise plain scalar code. It multiplies and adds separately unless the
    /// CPU has FMA, since <see cref="MathF.FusedMultiplyAdd"/> without it is emulated in software.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void KernelScalar(int kc, float* a, nint rs, nint ds, float* b, float* c, int ldc, bool accumulate)
    {
        nint r2 = 2 * rs, r3 = 3 * rs;
        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
            for (int q = 0; q < kc; q++, a += ds, b += 8)
            {
                var b0 = Vector128.Load(b);
                var b1 = Vector128.Load(b + 4);
                var av = Vector128.Create(a[0]); c00 += av * b0; c01 += av * b1;
                av = Vector128.Create(a[rs]); c10 += av * b0; c11 += av * b1;
                av = Vector128.Create(a[r2]); c20 += av * b0; c21 += av * b1;
                av = Vector128.Create(a[r3]); c30 += av * b0; c31 += av * b1;
            }
            Store128(c, c00, c01, accumulate); c += ldc;
            Store128(c, c10, c11, accumulate); c += ldc;
            Store128(c, c20, c21, accumulate); c += ldc;
            Store128(c, c30, c31, accumulate);
            return;
        }
        float* acc = stackalloc float[4 * 8];
        for (int i = 0; i < 32; i++) acc[i] = 0f;
        bool fma = Fma.IsSupported;
        for (int q = 0; q < kc; q++, a += ds, b += 8)
        {
            for (int i = 0; i < 4; i++)
            {
                float ai = a[i * rs];
                float* row = acc + i * 8;
                if (fma) for (int j = 0; j < 8; j++) row[j] = MathF.FusedMultiplyAdd(ai, b[j], row[j]);
                else for (int j = 0; j < 8; j++) row[j] += ai * b[j];
            }
        }
        for (int i = 0; i < 4; i++)
        {
            float* ci = c + (nint)i * ldc;
            if (accumulate) for (int j = 0; j < 8; j++) ci[j] += acc[i * 8 + j];
            else for (int j = 0; j < 8; j++) ci[j] = acc[i * 8 + j];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store128(float* c, Vector128<float> x0, Vector128<float> x1, bool accumulate)
    {
        if (accumulate)
        {
            x0 += Vector128.Load(c);
            x1 += Vector128.Load(c + 4);
        }
        Vector128.Store(x0, c);
        Vector128.Store(x1, c + 4);
    }
}
