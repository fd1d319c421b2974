namespace LayerGen.Losses;

/// <summary>The negative cosine similarity of the L2-normalized targets and predictions along <c>axis</c> (-1 is best).</summary>
[KerasSerializable("cosine_similarity", Package = "keras.losses")]
public sealed partial class CosineSimilarity(int axis = -1, string reduction = "sum_over_batch_size", string name = "cosine_similarity") : Loss(name, reduction)
{
    /// <summary>The axis of the vectors.</summary>
    public int Axis { get; } = axis;
    /// <inheritdoc/>
    public override Tensor ComputeLosses(Tensor yTrue, Tensor yPred)
        => Ops.Neg(Ops.Sum(Ops.Mul(L2Normalize(yTrue, Axis), L2Normalize(yPred, Axis)), Axis));

    internal static Tensor L2Normalize(Tensor x, int axis)
    {
        var squareSum = Ops.Sum(Ops.Square(x), axis, keepDims: true);
        return Ops.Div(x, Ops.Sqrt(Ops.Maximum(squareSum, C(1e-12, x))));
    }
}
