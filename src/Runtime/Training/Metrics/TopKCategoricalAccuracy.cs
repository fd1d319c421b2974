namespace LayerGen.Metrics;

/// <summary>How often the target class is among the <c>k</c> highest predictions (one-hot targets).</summary>
[KerasSerializable("top_k_categorical_accuracy", Package = "keras.metrics")]
public sealed partial class TopKCategoricalAccuracy(int k = 5, string name = "top_k_categorical_accuracy") : MeanMetricWrapper(name)
{
    /// <summary>How many top predictions count.</summary>
    public int K { get; } = k;
    /// <inheritdoc/>
    protected override Tensor Values(Tensor yTrue, Tensor yPred)
    {
        var labels = Ops.ArgMax(yTrue, -1);
        return InTopK(labels, yPred, K);
    }

    internal static Tensor InTopK(Tensor labels, Tensor yPred, int k)
    {
        var p = F32(yPred);
        int classes = p.Shape[^1], rows = p.Size / classes;
        var pv = p.AsSpan<float>();
        var lv = Ops.Cast(labels, DType.Int32).AsSpan<int>();
        var result = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            var row = pv.Slice(r * classes, classes);
            float target = row[lv[r]];
            int greater = 0;
            foreach (var x in row) if (x > target) greater++;
            result[r] = greater < k ? 1 : 0;
        }
        return Tensor.From<float>(result, labels.Shape);
    }
}
