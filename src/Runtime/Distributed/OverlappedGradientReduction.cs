namespace LayerGen.Distributed;

/// <summary>
/// A step's gradient all-reduce started during the backward pass: each gradient is scaled into its bucket as soon as
/// the tape or the plan reports it, and a bucket whose gradients are all in is summed on the
/// <see cref="CommunicationThread"/> while the backward pass goes on. Same layout and arithmetic as
/// <see cref="DataParallel.AllReduceGradients"/>, so the same bits.
/// </summary>
internal sealed class OverlappedGradientReduction(MpiCommunicator comm, CommunicationThread thread, GradientBuckets layout, double weight, IReadOnlyList<Variable> variables) : IGradientReduction
{
    private bool _finished;

    /// <summary>Resets the buckets' counters for a new step.</summary>
    public OverlappedGradientReduction Start()
    {
        foreach (var b in layout.Buckets) { b.Pending = b.Members.Length; b.Reduction = null; }
        return this;
    }

    /// <inheritdoc/>
    public void GradientReady(int index, Tensor gradient)
    {
        int bucketIndex = layout.BucketOf[index];
        if (bucketIndex < 0)
            throw new ArgumentException($"Gradient #{index} has dtype {gradient.DType}: only float32 and float64 gradients can be averaged across ranks.", nameof(gradient));
        layout.CopyIn(index, gradient, weight);
        var bucket = layout.Buckets[bucketIndex];
        if (--bucket.Pending == 0) bucket.Reduction = thread.Enqueue(() => GradientBuckets.AllReduce(comm, bucket));
    }

    /// <inheritdoc/>
    public IReadOnlyList<Tensor?> Finish(IReadOnlyList<Tensor?> gradients)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        if (_finished) throw new InvalidOperationException("This gradient reduction has finished already.");
        _finished = true;
        // Buckets with a variable that got no gradient on this step (zeros: it must have none on every rank) go now,
        // in layout order, the same on every rank.
        foreach (var bucket in layout.Buckets)
        {
            if (bucket.Pending == 0) continue;
            foreach (int i in bucket.Members)
                if (gradients[i] is null) layout.Clear(i);
                else throw new InvalidOperationException($"The gradient of variable #{i} was not reported during the backward pass.");
            bucket.Pending = 0;
            bucket.Reduction = thread.Enqueue(() => GradientBuckets.AllReduce(comm, bucket));
        }
        foreach (var bucket in layout.Buckets) bucket.Reduction!.GetAwaiter().GetResult();
        var result = new Tensor?[gradients.Count];
        for (int i = 0; i < result.Length; i++)
            if (gradients[i] is not null) result[i] = layout.Result(i, variables[i].Shape);
        return result;
    }
}
