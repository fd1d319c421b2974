using LayerGen.Losses;

namespace LayerGen.Metrics;

/// <summary>How often the predicted class (argmax) equals the integer label.</summary>
[KerasSerializable("sparse_categorical_accuracy", Package = "keras.metrics")]
public sealed partial class SparseCategoricalAccuracy(string name = "sparse_categorical_accuracy") : MeanMetricWrapper(name)
{
    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        // The common case (float32 logits or probabilities of shape (n, classes), int32 labels of shape (n) or (n, 1),
        // no weights, no mask) counted in place, with the same first-maximum rule as ArgMax: no tensors per batch.
        if (sampleWeight is null && KerasMask.Of(yPred) is null && yPred.DType == DType.Float32 && yPred.Rank == 2 && yTrue.DType == DType.Int32 && !yPred.IsSymbolic && !yTrue.IsSymbolic
            && yTrue.Shape.Size == yPred.Shape[0] && (yTrue.Rank == 1 || (yTrue.Rank == 2 && yTrue.Shape[1] == 1)) && yPred.Shape[1] > 0)
        {
            var p = yPred.AsSpan<float>();
            var labels = yTrue.AsSpan<int>();
            int rows = yPred.Shape[0], classes = yPred.Shape[1], matches = 0;
            for (int r = 0; r < rows; r++)
            {
                var row = p.Slice(r * classes, classes);
                float best = row[0];
                int bestK = 0;
                for (int k = 1; k < classes; k++)
                    if (row[k] > best) { best = row[k]; bestK = k; }
                if (bestK == labels[r]) matches++;
            }
            AddToMean(matches, rows);
            return;
        }
        base.UpdateState(yTrue, yPred, sampleWeight);
    }

    /// <inheritdoc/>
    protected override Tensor Values(Tensor yTrue, Tensor yPred)
    {
        var labels = SparseCategoricalCrossentropy.Labels(yTrue, yPred);
        var predicted = Ops.ArgMax(yPred, -1);
        if (predicted.DType != labels.DType) predicted = Ops.Cast(predicted, labels.DType);
        return F32(Ops.Equal(labels, predicted));
    }
}
