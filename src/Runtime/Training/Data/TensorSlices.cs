namespace LayerGen.Training;

/// <summary>
/// The rows of in-memory tensors, in order or in a new random order each pass (from a generator seeded once, so a
/// run is reproducible): the source of <see cref="Dataset.FromTensors"/>. Batches are cut from the tensors with
/// one slice or gather per tensor, not stacked row by row.
/// </summary>
internal sealed record TensorSlices(Tensor X, Tensor? Y, Tensor? SampleWeight, RandomGenerator? Shuffle)
{
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
        Tensor? orderTensor = order is null ? null : Tensor.From(order);
        Tensor Take(Tensor t, int start, int end)
        {
            if (orderTensor is null) return start == 0 && end == t.Shape[0] ? t : t[start..end];
            return Ops.Gather(t, orderTensor[start..end]);
        }
        for (int start = 0; start < n; start += batchSize)
        {
            int end = Math.Min(n, start + batchSize);
            if (dropRemainder && end - start < batchSize) yield break;
            yield return new DataBatch(Take(X, start, end), Y is null ? null : Take(Y, start, end), SampleWeight is null ? null : Take(SampleWeight, start, end));
        }
    }
}
