namespace LayerGen.Losses;

/// <summary><c>mean(square(y_true - y_pred), axis=-1)</c>.</summary>
[KerasSerializable("mse", "mean_squared_error", Package = "keras.losses")]
public sealed partial class MeanSquaredError(string reduction = "sum_over_batch_size", string name = "mean_squared_error") : Loss(name, reduction)
{
    /// <inheritdoc/>
    public override Tensor ComputeLosses(Tensor yTrue, Tensor yPred) => Ops.Mean(Ops.Square(Ops.Sub(yPred, yTrue)), -1);
}
