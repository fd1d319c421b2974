namespace LayerGen.Metrics;

/// <summary>The mean of <c>mean(abs(y_true - y_pred), axis=-1)</c>.</summary>
public sealed class MeanAbsoluteError(string name = "mean_absolute_error") : MeanMetricWrapper(name)
{
    /// <inheritdoc/>
    public override string ClassName => "MeanAbsoluteError";
    /// <inheritdoc/>
    protected override Tensor Values(Tensor yTrue, Tensor yPred) => new Losses.MeanAbsoluteError().ComputeLosses(F32(yTrue), F32(yPred));
}
