namespace LayerGen.Kernels;

/// <summary>
/// Large floating-point elementwise ops split over the kernel pool's threads (<see cref="ForkJoin.RunChunks"/>): a
/// 4 MiB <c>x + y</c> or <c>Relu(x)</c> is bound by one core's load/store bandwidth, and the second core nearly
/// doubles it. Each element is still computed by the same kernel call on the same inputs (chunks are whole vectors and
/// whole rows), so results are bit for bit those of one thread; the split objects are made once per thread.
/// </summary>
internal static unsafe partial class Elementwise
{
    /// <summary>Outputs of at least this many elements are split (1 MiB of float32: below, waking a worker costs more than it saves).</summary>
    internal const int ParallelElements = 1 << 18;

    /// <summary>The smallest chunk, in elements (a multiple of every vector width).</summary>
    private const int MinimumChunk = 1 << 15;

    /// <summary>Chunks per thread: a late or preempted worker is made up by the others taking more.</summary>
    private const int ChunksPerThread = 4;

    /// <summary>Whether an output of <paramref name="n"/> elements of <typeparamref name="T"/> is split over threads.</summary>
    private static bool Splits<T>(int n) => n >= ParallelElements && ForkJoin.MaxParallelism > 1 && IsFloating<T>();

    /// <summary>
    /// The chunk length for <paramref name="n"/> elements: about <see cref="ChunksPerThread"/> per thread, at least
    /// <see cref="MinimumChunk"/>, a multiple of 64 elements and of <paramref name="row"/> (a repeated operand's length).
    /// </summary>
    private static int ChunkLength(int n, int row)
    {
        long target = Math.Max(MinimumChunk, (long)n / (ForkJoin.MaxParallelism * ChunksPerThread));
        long unit = row % 64 == 0 ? row : (long)row * 64 / Gcd(row, 64);
        long chunk = (target + unit - 1) / unit * unit;
        return (int)Math.Min(chunk, n);
    }

    private static int Gcd(int x, int y)
    {
        while (y != 0) (x, y) = (y, x % y);
        return x;
    }

    /// <summary>A binary op whose operands each have the output's length, length 1, or are a row of <paramref name="row"/> elements repeated along it.</summary>
    private static void SplitBinary<T, TResult>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<TResult> output, int row, BinaryRowKernel<T, TResult> kernel)
        where T : unmanaged where TResult : unmanaged
    {
        int n = output.Length;
        int chunk = Splits<T>(n) ? ChunkLength(n, row) : n;
        if (chunk >= n)
        {
            BinaryRange(a, b, output, 0, n, kernel);
            return;
        }
        // Pinned for the workers; the caller's tensors stay reachable (GC.KeepAlive) until this returns.
        fixed (T* pa = a, pb = b)
        fixed (TResult* po = output)
        {
            var job = BinaryJob<T, TResult>.ForThisThread;
            job.Set(pa, a.Length, pb, b.Length, po, n, chunk, kernel);
            try { ForkJoin.RunChunks((n + chunk - 1) / chunk, job.Body); }
            finally { job.Clear(); }
        }
    }

    /// <summary>A unary op over <paramref name="x"/> into <paramref name="output"/> (same length).</summary>
    private static void SplitUnary<T, TResult>(ReadOnlySpan<T> x, Span<TResult> output, UnaryRowKernel<T, TResult> kernel)
        where T : unmanaged where TResult : unmanaged
    {
        int n = output.Length;
        int chunk = Splits<T>(n) && x.Length == n ? ChunkLength(n, 1) : n;
        if (chunk >= n)
        {
            kernel(x, output);
            return;
        }
        fixed (T* px = x)
        fixed (TResult* po = output)
        {
            var job = UnaryJob<T, TResult>.ForThisThread;
            job.Set(px, po, n, chunk, kernel);
            try { ForkJoin.RunChunks((n + chunk - 1) / chunk, job.Body); }
            finally { job.Clear(); }
        }
    }

    /// <summary>One split binary op; one object per calling thread and element types, reused (a run allocates nothing).</summary>
    private sealed class BinaryJob<T, TResult> where T : unmanaged where TResult : unmanaged
    {
        [ThreadStatic] private static BinaryJob<T, TResult>? t_job;

        private T* _a, _b;
        private TResult* _output;
        private int _aLength, _bLength, _n, _chunk;
        private BinaryRowKernel<T, TResult>? _kernel;

        private BinaryJob() => Body = Run;

        /// <summary>The calling thread's job.</summary>
        public static BinaryJob<T, TResult> ForThisThread => t_job ??= new BinaryJob<T, TResult>();

        /// <summary><see cref="Run"/> as a delegate, made once.</summary>
        public Action<int> Body { get; }

        public void Set(T* a, int aLength, T* b, int bLength, TResult* output, int n, int chunk, BinaryRowKernel<T, TResult> kernel)
        {
            _a = a;
            _b = b;
            _output = output;
            (_aLength, _bLength, _n, _chunk, _kernel) = (aLength, bLength, n, chunk, kernel);
        }

        /// <summary>Drops the pointers and the kernel once the op is done.</summary>
        public void Clear() => Set(null, 0, null, 0, null, 0, 0, null!);

        private void Run(int c)
        {
            int start = c * _chunk, len = Math.Min(_chunk, _n - start);
            BinaryRange(new ReadOnlySpan<T>(_a, _aLength), new ReadOnlySpan<T>(_b, _bLength), new Span<TResult>(_output + start, len), start, _n, _kernel!);
        }
    }

    /// <summary>One split unary op; one object per calling thread and element types, reused.</summary>
    private sealed class UnaryJob<T, TResult> where T : unmanaged where TResult : unmanaged
    {
        [ThreadStatic] private static UnaryJob<T, TResult>? t_job;

        private T* _x;
        private TResult* _output;
        private int _n, _chunk;
        private UnaryRowKernel<T, TResult>? _kernel;

        private UnaryJob() => Body = Run;

        /// <summary>The calling thread's job.</summary>
        public static UnaryJob<T, TResult> ForThisThread => t_job ??= new UnaryJob<T, TResult>();

        /// <summary><see cref="Run"/> as a delegate, made once.</summary>
        public Action<int> Body { get; }

        public void Set(T* x, TResult* output, int n, int chunk, UnaryRowKernel<T, TResult> kernel)
        {
            _x = x;
            _output = output;
            (_n, _chunk, _kernel) = (n, chunk, kernel);
        }

        /// <summary>Drops the pointers and the kernel once the op is done.</summary>
        public void Clear() => Set(null, null, 0, 0, null!);

        private void Run(int c)
        {
            int start = c * _chunk, len = Math.Min(_chunk, _n - start);
            _kernel!(new ReadOnlySpan<T>(_x + start, len), new Span<TResult>(_output + start, len));
        }
    }
}
