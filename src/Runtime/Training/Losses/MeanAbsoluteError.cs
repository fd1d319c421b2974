namespace LayerGen.Losses;

/// <summary><c>mean(abs(y_true - y_pred), axis=-1)</c>.</summary>
[KerasSerializable("mae", "mean_absolute_error", Package = "keras.losses")]
public sealed partial class MeanAbsoluteError(string reduction = "sum_over_batch_size", string name = "mean_absolute_error") : Loss(name, reduction)
{
    /// <inheritdoc/>
    public override Tensor ComputeLosses(Tensor yTrue, Tensor yPred) => Ops.Mean(Ops.Abs(Ops.Sub(yPred, yTrue)), -1);
}
