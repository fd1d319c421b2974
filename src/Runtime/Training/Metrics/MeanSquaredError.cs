namespace LayerGen.Metrics;

/// <summary>The mean of <c>mean(square(y_true - y_pred), axis=-1)</c>.</summary>
public sealed class MeanSquaredError(string name = "mean_squared_error") : MeanMetricWrapper(name)
{
    /// <inheritdoc/>
    public override string ClassName => "MeanSquaredError";
    /// <inheritdoc/>
    protected override Tensor Values(Tensor yTrue, Tensor yPred) => new Losses.MeanSquaredError().ComputeLosses(F32(yTrue), F32(yPred));
}
