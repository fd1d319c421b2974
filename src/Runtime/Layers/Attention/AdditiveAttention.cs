namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>AdditiveAttention</c> (Bahdanau-style): scores <c>sum(scale * tanh(query + key), -1)</c> with a
/// trainable <c>scale</c> <c>(dim)</c> (Glorot uniform) when <c>use_scale</c>; softmax over the value positions,
/// then the weighted sum of <c>value</c>. Called as in Keras on a list <c>[query, value]</c> or <c>[query, value, key]</c> with <c>mask: [query_mask, value_mask]</c> (by
/// default the inputs' masks, <see cref="KerasMask"/>), <c>return_attention_scores</c> and <c>use_causal_mask</c>; the
/// output carries the query's mask. <c>Invoke(query, value, key, queryMask, valueMask)</c> is the same call with arguments.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class AdditiveAttention
{
    private readonly bool useScale;
    private readonly double dropout;
    private readonly int? seed;
    private readonly Dropout? dropoutLayer;
    private Variable? scale;

    /// <summary>Creates the layer (Keras 3's arguments and defaults).</summary>
    /// <param name="useScale">Whether a trainable vector scales the scores.</param>
    /// <param name="dropout">Dropout rate on the attention weights (training only).</param>
    /// <param name="seed">Seed of the dropout (Keras passes it on to <c>Attention</c>, and writes it in the config).</param>
    public AdditiveAttention(bool useScale = true, double dropout = 0.0, int? seed = null)
    {
        this.useScale = useScale;
        this.dropout = dropout;
        this.seed = seed;
        if (dropout > 0) dropoutLayer = new Dropout(dropout, seed: seed);
    }

    /// <summary>The <c>scale</c> weight (with <c>use_scale</c>).</summary>
    public Variable? Scale => scale;

    /// <summary>Creates <c>scale</c> <c>(dim)</c>.</summary>
    protected void Build(Shape[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        AttentionScores.CheckCount("AdditiveAttention", inputShape.Length);
        AttentionScores.Check("AdditiveAttention", inputShape[0], inputShape[1], inputShape.Length > 2 ? inputShape[2] : (Shape?)null);
        var queryShape = inputShape[0];
        if (useScale) scale = AddWeight("scale", [queryShape[^1]], Initializers.GlorotUniform());
    }

    /// <summary>
    /// Keras's <c>call(inputs, mask, training, return_attention_scores, use_causal_mask)</c>: <paramref name="inputs"/> is
    /// <c>[query (B, Tq, dim), value (B, Tv, dim)]</c> or <c>[query, value, key (B, Tv, dim)]</c>, <paramref name="mask"/>
    /// <c>[query_mask (B, Tq), value_mask (B, Tv)]</c> (null: the inputs' masks). Returns <c>[output]</c>, or
    /// <c>[output, scores (B, Tq, Tv)]</c> with <paramref name="returnAttentionScores"/>.
    /// </summary>
    protected Tensor[] Call(Tensor[] inputs, Tensor?[]? mask = null, bool training = false, bool returnAttentionScores = false, bool useCausalMask = false)
    {
        var (query, value, key, queryMask, valueMask) = AttentionScores.Unpack("AdditiveAttention", inputs, mask);
        var (output, scores) = Attend(query, value, key, queryMask, valueMask, training, useCausalMask);
        return returnAttentionScores ? [output, scores] : [output];
    }

    /// <summary>Attends <paramref name="query"/> <c>(B, Tq, dim)</c> to <paramref name="value"/> <c>(B, Tv, dim)</c> (the list call with arguments).</summary>
    public Tensor Invoke(Tensor query, Tensor value, Tensor? key = null, Tensor? queryMask = null, Tensor? valueMask = null,
        bool? training = null, bool useCausalMask = false)
        => Invoke(AttentionScores.List(query, value, key), AttentionScores.Masks(queryMask, valueMask), training, false, useCausalMask)[0];

    /// <summary>Keras's <c>return_attention_scores=True</c>: the output and the attention weights <c>(B, Tq, Tv)</c>.</summary>
    public (Tensor Output, Tensor Scores) InvokeWithScores(Tensor query, Tensor value, Tensor? key = null, Tensor? queryMask = null,
        Tensor? valueMask = null, bool? training = null, bool useCausalMask = false)
    {
        var result = Invoke(AttentionScores.List(query, value, key), AttentionScores.Masks(queryMask, valueMask), training, true, useCausalMask);
        return (result[0], result[1]);
    }

    /// <summary>The query's mask (Keras's <c>compute_mask</c>: <c>mask[0]</c>).</summary>
    public override bool SupportsMasking => true;

    /// <inheritdoc/>
    public override Tensor? ComputeMask(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?>? masks) => AttentionScores.OutputMask(masks);

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
