using System.Runtime.CompilerServices;

namespace LayerGen.Kernels;

/// <summary>
/// The GEMM split over its depth, for deep products with a small output and a transposed A: the weight gradients
/// <c>x^T dy</c> of a layer applied to a sequence (<c>abc,abde-&gt;cde</c>: 256×256 over depth batch×steps = 4096).
/// </summary>
/// <remarks>
/// <see cref="Blocked"/> cuts C into column chunks, and each chunk packs all of a transposed A again (A has no rows
/// to read in place): for a 256×256×4096 product that is eight scalar copies of a 4 MB operand, which took longer
/// than the multiply-adds. Here the depth is cut into <see cref="DepthParts"/> parts instead: part 0 writes C,
/// the others a partial product each (scratch of the calling thread, reused), each packing only its own slice of A
/// and B once; the parts are added to C in a fixed order afterwards. The number of parts depends only on the depth,
/// so the results do not depend on the thread count (they differ from <see cref="Blocked"/>'s in rounding only:
/// the depth is summed in another order).
/// </remarks>
internal static unsafe partial class Gemm
{
    /// <summary>The depth of one part: two depth blocks.</summary>
    private const int DepthPart = 2 * KC;

    /// <summary>The most parts a product is split into.</summary>
    private const int MaxDepthParts = 8;

    /// <summary>The parts of an output per product are at most this many floats (4 MB), so the scratch stays small.</summary>
    private const long MaxPartialFloats = 1L << 20;

    [ThreadStatic] private static float[]? t_partials;
    [ThreadStatic] private static DepthJob? t_depthJob;

    /// <summary>The number of parts a depth-<paramref name="k"/> product is split into.</summary>
    internal static int DepthParts(int k) => Math.Clamp(k / DepthPart, 1, MaxDepthParts);

    /// <summary>
    /// Whether <see cref="SgemmDepthSplit(float*, int, bool, float*, int, bool, float*, int, int, int, int, int)"/> suits an m×n×k product: A read transposed (so <see cref="Blocked"/> would
    /// pack it once per column chunk), a depth of at least two parts and at least four times the larger output side,
    /// and partial outputs small enough to keep.
    /// </summary>
    public static bool PrefersDepthSplit(int m, int n, int k, bool transposeA)
        => transposeA && IsBlocked(m, n, k) && DepthParts(k) >= 2 && k >= 4L * Math.Max(m, n)
           && (long)m * n * (DepthParts(k) - 1) <= MaxPartialFloats;

    /// <summary>
    /// <c>C = op(A) op(B)</c> on strided float32 matrices (the layout of the strided
    /// <see cref="Sgemm(float*, int, bool, float*, int, bool, float*, int, int, int, int, bool, int)"/>; C is
    /// overwritten), with the depth cut into <see cref="DepthParts"/> parts that run on up to
    /// <paramref name="threads"/> threads and are summed in a fixed order. Allocates nothing once the calling thread's
    /// scratch has grown to the size of the parts.
    /// </summary>
    public static void SgemmDepthSplit(float* a, int lda, bool transposeA, float* b, int ldb, bool transposeB, float* c, int ldc,
        int m, int n, int k, int threads)
    {
        int parts = DepthParts(k);
        if (m == 0 || n == 0 || parts == 1 || !IsBlocked(m, n, k))
        {
            Sgemm(a, lda, transposeA, b, ldb, transposeB, c, ldc, m, n, k, accumulate: false, threads);
            return;
        }
        int plane = m * n;
        float* partials = Scratch(ref t_partials, checked(plane * (parts - 1)), out var owner);
        var job = t_depthJob ??= new DepthJob();
        job.Set(a, lda, transposeA, b, ldb, transposeB, c, ldc, m, n, k, parts, partials);
        try
        {
            if (threads <= 1) for (int s = 0; s < parts; s++) job.Body(s);
            else ForkJoin.RunChunks(parts, job.Body);
        }
        finally { job.Clear(); }
        // C += part 1 + part 2 + ... in that order, row by row.
        for (int i = 0; i < m; i++)
        {
            var ci = new Span<float>(c + (nint)i * ldc, n);
            for (int s = 1; s < parts; s++)
                System.Numerics.Tensors.TensorPrimitives.Add(ci, new ReadOnlySpan<float>(partials + (nint)(s - 1) * plane + (nint)i * n, n), ci);
        }
        GC.KeepAlive(owner);
    }

    /// <summary>The span form of <see cref="SgemmDepthSplit(float*, int, bool, float*, int, bool, float*, int, int, int, int, int)"/> (tests, callers holding spans).</summary>
    public static void SgemmDepthSplit(ReadOnlySpan<float> a, int lda, bool transposeA, ReadOnlySpan<float> b, int ldb, bool transposeB, Span<float> c, int ldc,
        int m, int n, int k, int threads)
    {
        if ((long)(transposeA ? k : m) * lda > a.Length + lda - (transposeA ? m : k) || (long)(transposeB ? n : k) * ldb > b.Length + ldb - (transposeB ? k : n)
            || (long)(m - 1) * ldc + n > c.Length)
            throw new ArgumentException("Gemm: buffers are smaller than the matrix sizes.");
        fixed (float* pa = a, pb = b, pc = c)
            SgemmDepthSplit(pa, lda, transposeA, pb, ldb, transposeB, pc, ldc, m, n, k, threads);
    }

    /// <summary>One depth-split product: part s multiplies depth slice s into C (s = 0) or into its partial plane.</summary>
    private sealed class DepthJob
    {
        private float* _a, _b, _c, _partials;
        private int _lda, _ldb, _ldc, _m, _n, _k, _parts;
        private bool _ta, _tb;

        public DepthJob() => Body = Run;

        /// <summary><see cref="Run"/> as a delegate, made once.</summary>
        public Action<int> Body { get; }

        public void Set(float* a, int lda, bool ta, float* b, int ldb, bool tb, float* c, int ldc, int m, int n, int k, int parts, float* partials)
        {
            _a = a;
            _b = b;
            _c = c;
            (_lda, _ta, _ldb, _tb, _ldc) = (lda, ta, ldb, tb, ldc);
            (_m, _n, _k, _parts) = (m, n, k, parts);
            _partials = partials;
        }

        public void Clear() => _a = _b = _c = _partials = null;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Run(int part)
        {
            int k0 = (int)((long)_k * part / _parts), k1 = (int)((long)_k * (part + 1) / _parts);
            // Depth p of op(A) is column p (row-major A) or row p (transposed A); likewise for op(B).
            float* a = _a + (_ta ? (nint)k0 * _lda : k0);
            float* b = _b + (_tb ? k0 : (nint)k0 * _ldb);
            float* c = part == 0 ? _c : _partials + (nint)(part - 1) * _m * _n;
            int ldc = part == 0 ? _ldc : _n;
            var p = new Problem(a, _ta ? 1 : _lda, _ta ? _lda : 1, b, _tb ? 1 : _ldb, _tb ? _ldb : 1, c, ldc, _m, _n, k1 - k0);
            RunSlice(p, KernelFor(Best, _n), 0, _m, 0, _n);
        }
    }
}
