using LayerGen.Losses;

namespace LayerGen.Metrics;

/// <summary>The (weighted) mean of the values given to <see cref="Update(Tensor, Tensor?)"/>: <c>total / count</c>.</summary>
[KerasSerializable(Package = "keras.metrics")]
public partial class Mean(string name = "mean") : Metric(name)
{
    private float _total, _count;

    /// <summary>The running weighted sum.</summary>
    public float Total => _total;

    /// <summary>The running weight (number of samples without weights).</summary>
    public float Count => _count;

    /// <summary>
    /// Adds values: each sample (first axis; further axes are averaged) counts once, or by its weight.
    /// A scalar counts as one sample.
    /// </summary>
    public void Update(Tensor values, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        var v = values.DType == DType.Float32 ? values : Ops.Cast(values, DType.Float32);
        Tensor? sw = null;
        if (sampleWeight is not null)
        {
            sw = sampleWeight.DType == DType.Float32 ? sampleWeight : Ops.Cast(sampleWeight, DType.Float32);
            (v, sw) = Loss.SameRank(v, sw);
            if (v.Rank > sw.Rank) v = Ops.Mean(v, Enumerable.Range(sw.Rank, v.Rank - sw.Rank).ToArray());
            sw = Ops.BroadcastTo(sw, v.Shape);
            v = Ops.Mul(v, sw);
            if (sw.Rank > 1) sw = Ops.Mean(sw, Enumerable.Range(1, sw.Rank - 1).ToArray());
        }
        if (v.Rank > 1) v = Ops.Mean(v, Enumerable.Range(1, v.Rank - 1).ToArray());
        _total += Sum(v);
        _count += sw is not null ? Sum(sw) : v.Rank >= 1 ? v.Shape[0] : 1;
    }

    /// <summary>Adds one value with a weight (the loss tracker adds each batch's loss weighted by its size).</summary>
    public void Update(float value, float weight = 1)
    {
        _total += value * weight;
        _count += weight;
    }

    /// <summary>Adds a batch's sum and weight directly (a metric that counted its values without tensors).</summary>
    internal void Add(float total, float count)
    {
        _total += total;
        _count += count;
    }

    internal static float Sum(Tensor t)
    {
        float s = 0;
        foreach (var x in t.AsSpan<float>()) s += x;
        return s;
    }

    /// <summary>Treats <paramref name="yPred"/> as the values (<paramref name="yTrue"/> unused), for symmetry with other metrics.</summary>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null) => Update(yPred, sampleWeight);

    /// <inheritdoc/>
    public override float Result() => _count == 0 ? 0 : _total / _count;

    /// <inheritdoc/>
    public override void ResetState() { _total = 0; _count = 0; }
}
