using LayerGen.Losses;

namespace LayerGen.Metrics;

/// <summary>A metric that averages a per-sample function of targets and predictions (Keras's <c>MeanMetricWrapper</c>).</summary>
public abstract class MeanMetricWrapper(string name) : Metric(name)
{
    private readonly Mean _mean = new();

    /// <summary>The per-sample values for a batch.</summary>
    protected abstract Tensor Values(Tensor yTrue, Tensor yPred);

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        // A mask on the predictions (Keras's _keras_mask) weighs the masked-out entries 0: the mean is over the kept ones.
        _mean.Update(Values(yTrue, yPred), Loss.ApplyMask(sampleWeight, KerasMask.Of(yPred), DType.Float32, "sum"));
    }
    /// <inheritdoc/>
    public override float Result() => _mean.Result();
    /// <inheritdoc/>
    public override void ResetState() => _mean.ResetState();

    /// <summary>Adds a batch's sum of per-sample values and its number of samples, for a subclass that computed them without tensors.</summary>
    private protected void AddToMean(float total, float count) => _mean.Add(total, count);

    internal static Tensor F32(Tensor t) => t.DType == DType.Float32 ? t : Ops.Cast(t, DType.Float32);
}
