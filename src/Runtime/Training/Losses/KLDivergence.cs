namespace LayerGen.Losses;

/// <summary>Kullback-Leibler divergence: <c>sum(y_true * log(y_true / y_pred))</c>, both clipped to [1e-7, 1].</summary>
[KerasSerializable("kld", "kl_divergence", Package = "keras.losses")]
public sealed partial class KLDivergence(string reduction = "sum_over_batch_size", string name = "kl_divergence") : Loss(name, reduction)
{
    /// <inheritdoc/>
    public override Tensor ComputeLosses(Tensor yTrue, Tensor yPred)
    {
        var t = Ops.Clip(yTrue, Epsilon, 1);
        var p = Ops.Clip(yPred, Epsilon, 1);
        return Ops.Sum(Ops.Mul(t, Ops.Log(Ops.Div(t, p))), -1);
    }
}
