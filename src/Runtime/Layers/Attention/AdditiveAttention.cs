namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>AdditiveAttention</c> (Bahdanau-style): scores <c>sum(scale * tanh(query + key), -1)</c> with a
/// trainable <c>scale</c> <c>(dim)</c> (Glorot uniform) when <c>use_scale</c>; softmax over the value positions,
/// then the weighted sum of <c>value</c>. Keras calls it on a list <c>[query, value, key]</c>; here they are arguments.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class AdditiveAttention
{
    private readonly bool useScale;
    private readonly double dropout;
    private readonly Dropout? dropoutLayer;
    private Variable? scale;

    /// <summary>Creates the layer (Keras 3's arguments and defaults).</summary>
    /// <param name="useScale">Whether a trainable vector scales the scores.</param>
    /// <param name="dropout">Dropout rate on the attention weights (training only).</param>
    public AdditiveAttention(bool useScale = true, double dropout = 0.0)
    {
        this.useScale = useScale;
        this.dropout = dropout;
        if (dropout > 0) dropoutLayer = new Dropout(dropout);
    }

    /// <summary>The <c>scale</c> weight (with <c>use_scale</c>).</summary>
    public Variable? Scale => scale;

    /// <summary>Creates <c>scale</c> <c>(dim)</c>.</summary>
    protected void Build(Shape queryShape, Shape valueShape)
    {
        AttentionScores.Check("AdditiveAttention", queryShape, valueShape, null);
        if (useScale) scale = AddWeight("scale", [queryShape[^1]], Initializers.GlorotUniform());
    }

    /// <summary>Attends <paramref name="query"/> <c>(B, Tq, dim)</c> to <paramref name="value"/> <c>(B, Tv, dim)</c>.</summary>
    protected Tensor Call(Tensor query, Tensor value, Tensor? key = null, Tensor? queryMask = null, Tensor? valueMask = null,
        bool training = false, bool useCausalMask = false)
        => Attend(query, value, key, queryMask, valueMask, training, useCausalMask).Output;

    /// <summary>Keras's <c>return_attention_scores=True</c>: the output and the attention weights <c>(B, Tq, Tv)</c> (eager only).</summary>
    public (Tensor Output, Tensor Scores) InvokeWithScores(Tensor query, Tensor value, Tensor? key = null, Tensor? queryMask = null,
        Tensor? valueMask = null, bool training = false, bool useCausalMask = false)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(value);
        if (!IsBuilt) BuildFromConfig(LayerGen.Layers.BuildConfig.ForShapes(("query_shape", query.Shape), ("value_shape", value.Shape)));
        return Attend(query, value, key, queryMask, valueMask, training, useCausalMask);
    }

    private (Tensor Output, Tensor Scores) Attend(Tensor query, Tensor value, Tensor? key, Tensor? queryMask, Tensor? valueMask, bool training, bool useCausalMask)
    {
        AttentionScores.Check("AdditiveAttention", query.Shape, value.Shape, key?.Shape);
        var k = key ?? value;
        var t = Ops.Tanh(Ops.Add(Ops.ExpandDims(query, -2), Ops.ExpandDims(k, -3)));
        var scores = Ops.Sum(scale is null ? t : Ops.Mul(scale, t), -1);
        var mask = AttentionScores.ScoreMask(scores, valueMask, useCausalMask);
        var (output, weights) = AttentionScores.Apply(scores, value, mask, dropoutLayer, training);
        return (AttentionScores.MaskQuery(output, queryMask), weights);
    }
}
