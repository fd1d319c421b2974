namespace LayerGen.Metrics;

/// <summary>How often predictions equal targets exactly (element by element).</summary>
[KerasSerializable("accuracy", "acc", Package = "keras.metrics")]
public sealed partial class Accuracy(string name = "accuracy") : MeanMetricWrapper(name)
{
    /// <inheritdoc/>
    protected override Tensor Values(Tensor yTrue, Tensor yPred)
    {
        if (yTrue.DType != yPred.DType) yTrue = Ops.Cast(yTrue, yPred.DType);
        return F32(Ops.Equal(yTrue, yPred));
    }
}
