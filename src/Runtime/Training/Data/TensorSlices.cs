namespace LayerGen.Training;

/// <summary>
/// The rows of in-memory tensors, in order or in a new random order each pass (from a generator seeded once, so a
/// run is reproducible): the source of <see cref="Dataset.FromTensors(Tensor, Tensor, Tensor)"/>. Batches are cut from the tensors with
/// one slice or row copy per tensor, not stacked row by row; full batches of x go into reused tensors when
/// <see cref="Buffers"/> allows it (only <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c> on tensors set them).
/// </summary>
internal sealed record TensorSlices(Tensor X, Tensor? Y, Tensor? SampleWeight, RandomGenerator? Shuffle)
{
    /// <summary>Reused tensors for the full batches of x (the datasets <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c> make from tensors), or null: every batch is new.</summary>
    public BatchBuffers? Buffers { get; init; }

    public int Count => X.Shape[0];

    /// <summary>One pass of single rows.</summary>
    public IEnumerable<DataBatch> Rows()
    {
        int[]? order = Shuffle?.Permutation(Count);
        for (int i = 0; i < Count; i++)
        {
            int r = order is null ? i : order[i];
            yield return new DataBatch(X[r], Y?[r], SampleWeight?[r]);
        }
    }

    /// <summary>One pass of batches of <paramref name="batchSize"/> rows (the last smaller unless <paramref name="dropRemainder"/>).</summary>
    public IEnumerable<DataBatch> Batches(int batchSize, bool dropRemainder)
    {
        int n = Count;
        int[]? order = Shuffle?.Permutation(n);
        var buffers = Buffers;
        Tensor Take(Tensor t, int start, int end, bool reusable)
        {
            bool reuse = reusable && buffers is { Enabled: true } && end - start == batchSize;
            if (order is null)
            {
                if (start == 0 && end == t.Shape[0]) return t;
                return reuse ? buffers!.Slice(t, start, end) : t[start..end];
            }
            var rows = order.AsSpan(start, end - start);
            return reuse ? buffers!.Gather(t, rows) : BatchBuffers.GatherNew(t, rows);
        }
        for (int start = 0; start < n; start += batchSize)
        {
            int end = Math.Min(n, start + batchSize);
            if (dropRemainder && end - start < batchSize) yield break;
            yield return new DataBatch(Take(X, start, end, reusable: true), Y is null ? null : Take(Y, start, end, false), SampleWeight is null ? null : Take(SampleWeight, start, end, false));
        }
    }
}
