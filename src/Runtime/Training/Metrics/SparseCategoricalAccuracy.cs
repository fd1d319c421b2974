using LayerGen.Losses;

namespace LayerGen.Metrics;

/// <summary>How often the predicted class (argmax) equals the integer label.</summary>
[KerasSerializable("sparse_categorical_accuracy", Package = "keras.metrics")]
public sealed partial class SparseCategoricalAccuracy(string name = "sparse_categorical_accuracy") : MeanMetricWrapper(name)
{
    /// <inheritdoc/>
    protected override Tensor Values(Tensor yTrue, Tensor yPred)
    {
        var labels = SparseCategoricalCrossentropy.Labels(yTrue, yPred);
        var predicted = Ops.ArgMax(yPred, -1);
        if (predicted.DType != labels.DType) predicted = Ops.Cast(predicted, labels.DType);
        return F32(Ops.Equal(labels, predicted));
    }
}
