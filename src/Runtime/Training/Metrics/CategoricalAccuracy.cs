namespace LayerGen.Metrics;

/// <summary>How often the predicted class (argmax) equals the one-hot target's class.</summary>
[KerasSerializable("categorical_accuracy", Package = "keras.metrics")]
public sealed partial class CategoricalAccuracy(string name = "categorical_accuracy") : MeanMetricWrapper(name)
{
    /// <inheritdoc/>
    protected override Tensor Values(Tensor yTrue, Tensor yPred)
        => F32(Ops.Equal(Ops.ArgMax(yTrue, -1), Ops.ArgMax(yPred, -1)));
}
