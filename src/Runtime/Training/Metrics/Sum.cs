using LayerGen.Losses;

namespace LayerGen.Metrics;

/// <summary>The (weighted) sum of the values given to <see cref="Update"/>.</summary>
[KerasSerializable(Package = "keras.metrics")]
public sealed partial class Sum(string name = "sum") : Metric(name)
{
    private float _total;
    /// <summary>Adds the sum of <paramref name="values"/> (times their weights).</summary>
    public void Update(Tensor values, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        var v = values.DType == DType.Float32 ? values : Ops.Cast(values, DType.Float32);
        if (sampleWeight is not null)
        {
            var sw = sampleWeight.DType == DType.Float32 ? sampleWeight : Ops.Cast(sampleWeight, DType.Float32);
            (v, sw) = Loss.SameRank(v, sw);
            v = Ops.Mul(v, sw);
        }
        _total += Mean.Sum(v);
    }
    /// <summary>Treats <paramref name="yPred"/> as the values.</summary>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null) => Update(yPred, sampleWeight);
    /// <inheritdoc/>
    public override float Result() => _total;
    /// <inheritdoc/>
    public override void ResetState() => _total = 0;
}
