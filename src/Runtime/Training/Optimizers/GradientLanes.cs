namespace LayerGen.Optimizers;

/// <summary>
/// The gradient an update rule runs on: a dense float32 array, or a row-sparse gradient (<see cref="IndexedSlices"/>
/// summed per row) that runs the rule on every row of the weight, the touched rows with their summed gradient and
/// the others with zeros. The rule's arithmetic is the same per element either way, so both give the same weights
/// and slots bit for bit; the sparse one never builds the table-sized gradient.
/// </summary>
internal readonly struct GradientLanes
{
    /// <summary>Zeros read for the rows a sparse gradient does not touch (never written).</summary>
    private static readonly float[] Zeros = new float[4096];

    private readonly float[]? _dense;
    private readonly SparseRows? _rows;

    private GradientLanes(float[]? dense, SparseRows? rows)
    {
        _dense = dense;
        _rows = rows;
    }

    /// <summary>A dense gradient.</summary>
    public static GradientLanes Dense(float[] gradient) => new(gradient, null);

    /// <summary>A row-sparse gradient.</summary>
    public static GradientLanes Sparse(SparseRows rows) => new(null, rows);

    /// <summary>Runs <paramref name="rule"/> over the weight <paramref name="w"/> and its slots.</summary>
    public void Run<TRule>(in TRule rule, Span<float> w, Span<float> s0 = default, Span<float> s1 = default, Span<float> s2 = default)
        where TRule : struct, IUpdateRule
    {
        if (_dense is not null)
        {
            UpdateLanes.Run(rule, _dense, w, s0, s1, s2);
            return;
        }
        var g = _rows!;
        int width = g.Width;
        if ((long)g.RowCount * width != w.Length)
            throw new ArgumentException($"Optimizer update: a row-sparse gradient of {g.RowCount} rows of {width} for {w.Length} weights.", nameof(w));
        int done = 0;
        for (int k = 0; k <= g.Count; k++)
        {
            // The untouched stretch before the next touched row (or up to the end) runs on zeros, in chunks.
            int end = k < g.Count ? g.Rows[k] * width : w.Length;
            while (done < end)
            {
                int n = Math.Min(end - done, Zeros.Length);
                UpdateLanes.Run(rule, Zeros.AsSpan(0, n), w.Slice(done, n), Part(s0, done, n), Part(s1, done, n), Part(s2, done, n));
                done += n;
            }
            if (k == g.Count) break;
            UpdateLanes.Run(rule, g.Sums.AsSpan(k * width, width), w.Slice(done, width), Part(s0, done, width), Part(s1, done, width), Part(s2, done, width));
            done += width;
        }
    }

    private static Span<float> Part(Span<float> slot, int start, int length) => slot.IsEmpty ? default : slot.Slice(start, length);
}
