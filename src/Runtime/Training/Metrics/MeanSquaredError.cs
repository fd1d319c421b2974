namespace LayerGen.Metrics;

/// <summary>The mean of <c>mean(square(y_true - y_pred), axis=-1)</c>.</summary>
[KerasSerializable("mse", "mean_squared_error", Package = "keras.metrics")]
public sealed partial class MeanSquaredError(string name = "mean_squared_error") : MeanMetricWrapper(name)
{
    /// <inheritdoc/>
    protected override Tensor Values(Tensor yTrue, Tensor yPred) => new Losses.MeanSquaredError().ComputeLosses(F32(yTrue), F32(yPred));
}
