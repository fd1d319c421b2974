namespace LayerGen.Metrics;

/// <summary>The mean of <c>mean(abs(y_true - y_pred), axis=-1)</c>.</summary>
[KerasSerializable("mae", "mean_absolute_error", Package = "keras.metrics")]
public sealed partial class MeanAbsoluteError(string name = "mean_absolute_error") : MeanMetricWrapper(name)
{
    /// <inheritdoc/>
    protected override Tensor Values(Tensor yTrue, Tensor yPred) => new Losses.MeanAbsoluteError().ComputeLosses(F32(yTrue), F32(yPred));
}
