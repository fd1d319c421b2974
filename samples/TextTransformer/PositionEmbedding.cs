/// <summary>
/// A learned vector per position, added to the token embeddings (keras_hub's <c>PositionEmbedding</c>):
/// <c>(batch, sequenceLength, width)</c> in and out. Without it a transformer block sees a bag of tokens.
/// </summary>
[Layer]
public partial class PositionEmbedding
{
    Variable embeddings = null!;

    /// <summary>A layer for sequences of <paramref name="sequenceLength"/> steps.</summary>
    public PositionEmbedding(int sequenceLength) => SequenceLength = sequenceLength;

    /// <summary>The number of positions (the input's second dimension).</summary>
    public int SequenceLength { get; }

    /// <summary>Creates the <c>(sequenceLength, width)</c> table.</summary>
    protected void Build(Shape inputShape)
        => embeddings = AddWeight("embeddings", [SequenceLength, inputShape[^1]], Initializers.GlorotUniform(seed: 3));

    /// <summary>Adds position <c>t</c>'s vector to step <c>t</c> of every sequence.</summary>
    protected Tensor Call(Tensor inputs) => inputs + embeddings;
}
