namespace LayerGen.Metrics;

/// <summary>How often <c>y_pred &gt; threshold</c> matches the binary target (averaged over the last axis).</summary>
[KerasSerializable("binary_accuracy", Package = "keras.metrics")]
public sealed partial class BinaryAccuracy(double threshold = 0.5, string name = "binary_accuracy") : MeanMetricWrapper(name)
{
    /// <summary>The decision threshold.</summary>
    public double Threshold { get; } = threshold;
    /// <inheritdoc/>
    protected override Tensor Values(Tensor yTrue, Tensor yPred)
    {
        var p = F32(Ops.Greater(F32(yPred), Tensor.Scalar((float)Threshold)));
        var t = F32(yTrue);
        if (t.Rank == p.Rank - 1) t = Ops.ExpandDims(t, -1);
        return Ops.Mean(F32(Ops.Equal(t, p)), -1);
    }
}
