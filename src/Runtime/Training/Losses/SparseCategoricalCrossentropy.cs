namespace LayerGen.Losses;

/// <summary>Categorical cross-entropy over integer class labels (shape <c>[batch]</c> or <c>[batch, 1]</c>).</summary>
[KerasSerializable("sparse_categorical_crossentropy", Package = "keras.losses")]
public sealed partial class SparseCategoricalCrossentropy(bool fromLogits = false, int? ignoreClass = null, string reduction = "sum_over_batch_size", string name = "sparse_categorical_crossentropy") : Loss(name, reduction)
{
    /// <summary>Whether predictions are logits.</summary>
    public bool FromLogits { get; } = fromLogits;
    /// <summary>A label whose samples get zero loss.</summary>
    public int? IgnoreClass { get; } = ignoreClass;
    /// <inheritdoc/>
    protected override bool KeepsIntegerTargets => true;
    /// <inheritdoc/>
    public override Tensor ComputeLosses(Tensor yTrue, Tensor yPred)
    {
        var labels = Labels(yTrue, yPred);
        int classes = yPred.Shape[^1];
        var oneHot = Ops.OneHot(labels, classes, dtype: yPred.DType);
        var losses = Ops.Neg(Ops.Sum(Ops.Mul(oneHot, CategoricalCrossentropy.LogProbabilities(yPred, FromLogits, -1)), -1));
        if (IgnoreClass is { } ignore)
            losses = Ops.Mul(losses, Ops.Cast(Ops.NotEqual(labels, Tensor.Scalar(ignore)), losses.DType));
        return losses;
    }

    internal static Tensor Labels(Tensor yTrue, Tensor yPred)
    {
        if (yTrue.Rank == yPred.Rank && yTrue.Shape[^1] == 1) yTrue = Ops.Squeeze(yTrue, yTrue.Rank - 1);
        return yTrue.DType == DType.Int32 ? yTrue : Ops.Cast(yTrue, DType.Int32);
    }
}
