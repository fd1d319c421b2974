namespace LayerGen.Losses;

/// <summary>
/// Categorical cross-entropy over one-hot targets: <c>-sum(y_true * log(p))</c> over the class axis, with
/// <c>p</c> the predictions renormalized to sum to 1 and clipped to [1e-7, 1 - 1e-7], or <c>log_softmax</c> of
/// logits. <c>labelSmoothing</c> moves targets toward <c>1 / classes</c>.
/// </summary>
[KerasSerializable("categorical_crossentropy", Package = "keras.losses")]
public sealed partial class CategoricalCrossentropy(bool fromLogits = false, double labelSmoothing = 0.0, int axis = -1, string reduction = "sum_over_batch_size", string name = "categorical_crossentropy") : Loss(name, reduction)
{
    /// <summary>Whether predictions are logits.</summary>
    public bool FromLogits { get; } = fromLogits;
    /// <summary>Label smoothing in [0, 1].</summary>
    public double LabelSmoothing { get; } = labelSmoothing;
    /// <summary>The class axis.</summary>
    public int Axis { get; } = axis;
    /// <inheritdoc/>
    public override Tensor ComputeLosses(Tensor yTrue, Tensor yPred)
    {
        if (LabelSmoothing != 0)
        {
            int classes = yPred.Shape[Axis < 0 ? yPred.Rank + Axis : Axis];
            yTrue = Ops.Add(Ops.Mul(yTrue, C(1 - LabelSmoothing, yTrue)), C(LabelSmoothing / classes, yTrue));
        }
        return Ops.Neg(Ops.Sum(Ops.Mul(yTrue, LogProbabilities(yPred, FromLogits, Axis)), Axis));
    }

    internal static Tensor LogProbabilities(Tensor output, bool fromLogits, int axis)
    {
        if (fromLogits) return Ops.LogSoftmax(output, axis);
        var p = Ops.Div(output, Ops.Sum(output, axis, keepDims: true));
        return Ops.Log(Ops.Clip(p, Epsilon, 1 - Epsilon));
    }
}
