namespace LayerGen.Training;

/// <summary>
/// Reused input tensors for the shuffled batches <c>Fit</c> cuts from in-memory tensors: instead of a new
/// <c>[batch, ...]</c> tensor per step (a 400 KB allocation for 128 Fashion-MNIST images, fresh memory the copy then
/// faults in), the rows of each full batch's x are copied straight from the shuffled index into one of two tensors
/// kept across steps (and <c>Evaluate</c>'s and <c>Predict</c>'s in-order batches are copied into them instead of into
/// a new slice). Only <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c> on tensors make one, and they turn reuse on
/// (<see cref="Enabled"/>) only after a step that ran the default planned step (and the default <c>ComputeMetrics</c>),
/// which read x during the step and keep nothing of it: a custom <c>TrainStep</c>/<c>TestStep</c>/<c>PredictStep</c>, a
/// layer that saw concrete inputs (eager steps) or a custom <c>ComputeMetrics</c> could keep the tensor, so for those
/// every batch stays a new tensor. Targets and sample weights are always new tensors (a metric may keep <c>y</c>).
/// </summary>
internal sealed class BatchBuffers
{
    // Two, so the batch handed out last stays intact while the next is written (a consumer one batch ahead).
    private readonly Tensor?[] _ring = new Tensor?[2];
    private int _next;

    /// <summary>Whether full batches of x go into the reused tensors (set by <c>Fit</c> after each step).</summary>
    public bool Enabled { get; set; }

    /// <summary>Rows <paramref name="rows"/> of <paramref name="source"/> in one of the reused tensors.</summary>
    public Tensor Gather(Tensor source, ReadOnlySpan<int> rows)
    {
        var target = Next(source, rows.Length);
        int inner = source.Shape[0] == 0 ? 0 : source.Size / source.Shape[0];
        if ((long)rows.Length * inner >= ParallelCopyElements && Kernels.ForkJoin.MaxParallelism > 1) _parallel.Run(source, rows, target);
        else CopyRows(source, rows, target);
        return target;
    }

    /// <summary>
    /// Shuffled batches of at least this many elements are copied on the kernels' fork-join pool: the rows come from all
    /// over the training set (cache misses), and a step's copy on one core was about 5 % of the MLP's step.
    /// </summary>
    private const long ParallelCopyElements = 1 << 15;

    private readonly ParallelRows _parallel = new();

    /// <summary>A row gather split into chunks of rows (each row copied once, by one thread): one reused job per buffer set.</summary>
    private sealed class ParallelRows
    {
        private const int Chunks = 8;
        private int[] _rows = [];
        private int _count;
        private Tensor? _source, _target;
        private readonly Action<int> _body;

        public ParallelRows() => _body = Chunk;

        public void Run(Tensor source, ReadOnlySpan<int> rows, Tensor target)
        {
            int n = source.Shape[0];
            foreach (int r in rows) // checked here, so the error is not wrapped by the pool
                if ((uint)r >= (uint)n) throw new IndexOutOfRangeException($"Dataset: row {r} is out of range for {n} samples.");
            if (_rows.Length < rows.Length) _rows = new int[rows.Length];
            rows.CopyTo(_rows);
            (_count, _source, _target) = (rows.Length, source, target);
            try { Kernels.ForkJoin.RunChunks(Chunks, _body); }
            finally { _source = _target = null; }
        }

        private void Chunk(int c)
        {
            int r0 = _count * c / Chunks, r1 = _count * (c + 1) / Chunks;
            CopyRows(_source!, _rows.AsSpan(r0, r1 - r0), _target!, r0);
        }
    }

    /// <summary>Rows [<paramref name="start"/>, <paramref name="end"/>) of <paramref name="source"/> in one of the reused tensors (what <c>source[start..end]</c> gives).</summary>
    public Tensor Slice(Tensor source, int start, int end)
    {
        var target = Next(source, end - start);
        int inner = source.Size / source.Shape[0];
        Array.Copy(source.Storage, (long)start * inner, target.Storage, 0, (long)(end - start) * inner);
        return target;
    }

    private Tensor Next(Tensor source, int rows)
    {
        var shape = source.Shape.With(0, rows);
        var target = _ring[_next];
        if (target is null || target.Shape != shape || target.DType != source.DType)
            target = _ring[_next] = Tensor.Uninitialized(shape, source.DType);
        _next ^= 1;
        return target;
    }

    /// <summary>Rows <paramref name="rows"/> of <paramref name="source"/> in a new tensor (what <c>Ops.Gather</c> on axis 0 gives, without the op's index tensor).</summary>
    public static Tensor GatherNew(Tensor source, ReadOnlySpan<int> rows)
    {
        var target = Tensor.Uninitialized(source.Shape.With(0, rows.Length), source.DType);
        CopyRows(source, rows, target);
        return target;
    }

    /// <summary>Rows <paramref name="rows"/> of <paramref name="source"/> into rows <paramref name="at"/>, … of <paramref name="target"/>.</summary>
    private static void CopyRows(Tensor source, ReadOnlySpan<int> rows, Tensor target, int at = 0)
    {
        int n = source.Shape[0];
        int inner = n == 0 ? 0 : source.Size / n;
        var from = source.Storage;
        var to = target.Storage;
        for (int j = 0; j < rows.Length; j++)
        {
            int r = rows[j];
            if ((uint)r >= (uint)n) throw new IndexOutOfRangeException($"Dataset: row {r} is out of range for {n} samples.");
            Array.Copy(from, (long)r * inner, to, (long)(at + j) * inner, inner);
        }
    }
}
