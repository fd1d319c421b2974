using System.Numerics;
using System.Numerics.Tensors;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>
/// Softmax (or log-softmax) over contiguous rows (the normalized axis is the innermost one, as attention's scores
/// are): each row vectorized (<see cref="TensorPrimitives"/>), large inputs' rows spread over the fork-join pool in
/// chunks. Numerically as <see cref="SoftmaxOp"/>'s general loop (the row's maximum is subtracted first), up to the
/// rounding of the vectorized exponential and sum. Allocates nothing.
/// </summary>
internal static unsafe class SoftmaxRows
{
    /// <summary>Inputs with at least this many elements are split over the cores.</summary>
    private const int ParallelElements = 1 << 16;

    /// <summary>About this many elements per chunk of rows.</summary>
    private const int ChunkElements = 1 << 14;

    /// <summary>Normalizes each of the <paramref name="rows"/> rows of <paramref name="n"/> values of <paramref name="x"/> into <paramref name="d"/>.</summary>
    public static void Run<T>(ReadOnlySpan<T> x, Span<T> d, int rows, int n, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n == 0 || rows == 0) return;
        long total = (long)rows * n;
        if (total < ParallelElements || ForkJoin.MaxParallelism == 1)
        {
            for (int r = 0; r < rows; r++) Row(x.Slice(r * n, n), d.Slice(r * n, n), log);
            return;
        }
        int perChunk = Math.Max(1, ChunkElements / n);
        fixed (T* px = x, pd = d)
        {
            var job = t_job ??= new Job();
            job.Set(px, pd, rows, n, perChunk, log, typeof(T) == typeof(double));
            try { ForkJoin.RunChunks((rows + perChunk - 1) / perChunk, job.Body); }
            finally { job.Clear(); }
        }
    }

    /// <summary>One row: <c>exp(x - max) / sum</c>, or <c>x - (max + log(sum))</c> for log-softmax.</summary>
    private static void Row<T>(ReadOnlySpan<T> x, Span<T> d, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = TensorPrimitives.Max(x); // NaN when the row holds one
        if (T.IsInfinity(max)) max = T.IsNegative(max) ? T.Zero : max;
        TensorPrimitives.Subtract(x, max, d);
        TensorPrimitives.Exp(d, d);
        T sum = TensorPrimitives.Sum<T>(d);
        if (log) TensorPrimitives.Subtract(x, max + T.Log(sum), d);
        else TensorPrimitives.Divide(d, sum, d);
    }

    [ThreadStatic] private static Job? t_job;

    /// <summary>A softmax spread over the pool: one per calling thread, its body bound once (no closure per run).</summary>
    private sealed class Job
    {
        private void* _x, _d;
        private int _rows, _n, _perChunk;
        private bool _log, _double;

        public Job() => Body = Run;

        public Action<int> Body { get; }

        public void Set(void* x, void* d, int rows, int n, int perChunk, bool log, bool isDouble)
        {
            _x = x;
            _d = d;
            (_rows, _n, _perChunk, _log, _double) = (rows, n, perChunk, log, isDouble);
        }

        public void Clear() => _x = _d = null;

        private void Run(int chunk)
        {
            int first = chunk * _perChunk, last = Math.Min(_rows, first + _perChunk);
            if (_double) Rows((double*)_x, (double*)_d, first, last);
            else Rows((float*)_x, (float*)_d, first, last);
        }

        private void Rows<T>(T* x, T* d, int first, int last) where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int r = first; r < last; r++)
                Row(new ReadOnlySpan<T>(x + (long)r * _n, _n), new Span<T>(d + (long)r * _n, _n), _log);
        }
    }
}
