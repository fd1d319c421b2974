using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace LayerGen.Kernels;

/// <summary>
/// Matrix multiply kernels: <c>C[m,n] = op(A)[m,k] * op(B)[k,n]</c>, row-major.
/// Float32 goes through a packed, cache-blocked GEMM with a register-blocked micro-kernel
/// (AVX-512, AVX2+FMA or scalar, chosen at run time with explicit ISA checks so NativeAOT keeps the
/// dispatch) and splits large products over the cores. Transposed operands are read in place while
/// packing; no transpose is materialised. Row-major A against a narrow block needs no packing: the micro-kernel
/// broadcasts from its rows in place (wider blocks pack it, <see cref="PackAPanels"/>). B (a layer's weight) can be packed once ahead (<see cref="PackB(ReadOnlySpan{float}, bool, int, int, PackedMatrix?)"/>) for the products that
/// share it. Other dtypes use a simpler vectorised loop.
/// </summary>
internal static unsafe partial class Gemm
{
    // Cache blocking (float32). KC: depth of one packed block; MC: rows of A per block (packed when A is
    // transposed or the block is PackAPanels panels wide or more); NC: columns of B packed at once (KC×NC floats, 2 MiB, per thread). KC = 512 rather than 256:
    // the B micro-panel (KC×NR) then streams from L2 instead of sitting in L1, but C is read and written half as
    // often; measured on Zen 5 (Stopwatch, alternating runs): sgemm 2048 413-433 → 470-475 GFLOP/s, 1024
    // 444-478 → 500, the MLP's 128×784×256 product 121 → 106-111 µs.
    private const int KC = 512;
    private const int MC = 144;   // multiple of 16, 12, 6 and 4 (the tile heights)
    private const int NC = 1024;  // multiple of 32 and 16 (and 8)

    /// <summary>
    /// Row-major A is packed (as transposed A always is) when the block of C being computed spans at least this many
    /// column panels; narrower blocks read A in place. In place, the micro-kernel reads MR rows at A's row stride: at a
    /// stride of 1024 or 2048 floats (4 or 8 KiB) the MR rows fall in one L1 set (8 ways) and, on 4 KiB pages, in
    /// whichever L2 sets the pages happen to get, so the square 1024 and 2048 products ran at 130-190 GFLOP/s,
    /// changing from run to run, against a steady 195-210 packed (2 cores, Zen 4, gemm-timing, docs/benchmarks.md,
    /// gemm22b). A packed block is read by every panel of the block, so from 4 panels on its copy costs a few per cent
    /// at most; a slice of one to three panels (the MLP's batch-128 products split over the cores) keeps reading in place.
    /// </summary>
    private const int PackAPanels = 4;

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
    /// <c>C = op(A) B</c> with B packed ahead by <see cref="PackB(ReadOnlySpan{float}, bool, int, int, PackedMatrix?)"/>: the same blocks, kernels and sums as
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
    private readonly struct Problem(float* a, int ars, int acs, float* b, int brs, int bcs, float* c, int ldc, int m, int n, int k, float* packedB = null, bool accumulate = false,
        float* bias = null, bool relu = false)
    {
        public readonly float* A = a, B = b, C = c;
        /// <summary>A bias of N values added to every row of C after the product, then ReLU when <see cref="Relu"/> (<see cref="Epilogue"/>), or null.</summary>
        public readonly float* Bias = bias;
        /// <summary>Whether the epilogue applies ReLU after the bias.</summary>
        public readonly bool Relu = relu;
        /// <summary>Whether the product is added to C (<c>C += op(A) op(B)</c>) instead of overwriting it.</summary>
        public readonly bool Accumulate = accumulate;
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
            if (!p.Accumulate) for (int j = 0; j < p.N; j++) ci[j] = 0f;
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
        // Sized for the whole product's width (at most NC), not this slice's: chunks differ in width, and which ones a
        // thread takes depends on timing (all of them when the pool is busy), so sizing by the slice could grow the
        // buffer, allocating, in a run long after the warm-up runs.
        float* scratch = packedAhead ? null : Scratch(ref t_packB, kcBlock * Math.Min(NC, RoundUp(p.N, nr)), out ownerB);
        for (int jc = c0; jc < c1; jc += NC)
        {
            int nc = Math.Min(NC, c1 - jc);
            int blockPanels = Ceil(nc, nr);
            for (int pc = 0; pc < p.K; pc += kcBlock)
            {
                int kc = Math.Min(kcBlock, p.K - pc);
                float* panels = packedAhead ? p.PackedB + (nint)pc * allPanels * nr + (nint)(jc / nr) * kc * nr : scratch;
                if (!packedAhead) PackB(p, scratch, pc, kc, jc, nc, nr, 0, blockPanels);
                RunRows(p, kernel, panels, pc, kc, jc, nc, accumulate: pc > 0 || p.Accumulate, r0, r1, 0, blockPanels);
            }
        }
        GC.KeepAlive(ownerB);
    }

    /// <summary>
    /// Rows [r0, r1) of C against packed B panels [p0, p1) of the current block. Row-major A against fewer than
    /// <see cref="PackAPanels"/> panels is read in place by the micro-kernel (its rows are contiguous in depth, as a
    /// packed panel's columns are): only a last tile with fewer than MR rows is packed, zero-padded, so the kernel never
    /// reads past A. Transposed A, and row-major A against wider blocks, is packed (MC rows at a time).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunRows(in Problem p, GemmKernel kernel, float* packB, int pc, int kc, int jc, int nc, bool accumulate, int r0, int r1, int p0, int p1)
    {
        var (mr, nr) = Tile(kernel);
        float* packA = Scratch(ref t_packA, MC * KC, out var ownerA);
        float* tile = stackalloc float[12 * 32];
        bool inPlace = p.Acs == 1 && (p1 - p0) < PackAPanels;
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
                    // The last depth block leaves the tile final: the dense layer's bias (and ReLU) while it is in L1.
                    if (p.Bias != null && pc + kc == p.K) Epilogue(c, h, w, p.Ldc, p.Bias + j0, p.Relu);
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
}
