namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>Attention</c> (Luong-style dot-product attention): scores <c>query @ key^T</c> (times the trainable
/// scalar <c>scale</c> when <c>use_scale</c>), or with <c>score_mode="concat"</c>
/// <c>concat_score_weight * sum(tanh(scale * (query + key)))</c>; softmax over the value positions, then the
/// weighted sum of <c>value</c>. Called as in Keras on a list <c>[query, value]</c> or <c>[query, value, key]</c> with <c>mask: [query_mask, value_mask]</c> (by
/// default the inputs' masks, <see cref="KerasMask"/>), <c>return_attention_scores</c> and <c>use_causal_mask</c>; the
/// output carries the query's mask. <c>Invoke(query, value, key, queryMask, valueMask)</c> is the same call with arguments.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class Attention
{
    private readonly bool useScale;
    private readonly string scoreMode;
    private readonly double dropout;
    private readonly int? seed;
    private readonly Dropout? dropoutLayer;
    private Variable? scale;
    private Variable? concatScoreWeight;

    /// <summary>Creates the layer (Keras 3's arguments and defaults).</summary>
    /// <param name="useScale">Whether a trainable scalar scales the scores.</param>
    /// <param name="scoreMode"><c>"dot"</c> or <c>"concat"</c>.</param>
    /// <param name="dropout">Dropout rate on the attention weights (training only).</param>
    /// <param name="seed">Seed of the dropout.</param>
    public Attention(bool useScale = false, string scoreMode = "dot", double dropout = 0.0, int? seed = null)
    {
        if (scoreMode is not ("dot" or "concat"))
            throw new ArgumentException($"Invalid value for argument score_mode. Expected one of {{'dot', 'concat'}}. Received: score_mode={scoreMode}", nameof(scoreMode));
        this.useScale = useScale;
        this.scoreMode = scoreMode;
        this.dropout = dropout;
        this.seed = seed;
        if (dropout > 0) dropoutLayer = new Dropout(dropout, seed: seed);
    }

    /// <summary>The <c>scale</c> weight (with <c>use_scale</c>).</summary>
    public Variable? Scale => scale;

    /// <summary>Creates <c>scale</c> and <c>concat_score_weight</c> (scalars, ones) as asked.</summary>
    protected void Build(Shape[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        AttentionScores.CheckCount("Attention", inputShape.Length);
        AttentionScores.Check("Attention", inputShape[0], inputShape[1], inputShape.Length > 2 ? inputShape[2] : (Shape?)null);
        if (useScale) scale = AddWeight("scale", Shape.Scalar, Initializers.Ones());
        if (scoreMode == "concat") concatScoreWeight = AddWeight("concat_score_weight", Shape.Scalar, Initializers.Ones());
    }

    /// <summary>
    /// Keras's <c>call(inputs, mask, training, return_attention_scores, use_causal_mask)</c>: <paramref name="inputs"/> is
    /// <c>[query (B, Tq, dim), value (B, Tv, dim)]</c> or <c>[query, value, key (B, Tv, dim)]</c>, <paramref name="mask"/>
    /// <c>[query_mask (B, Tq), value_mask (B, Tv)]</c> (null: the inputs' masks). Returns <c>[output]</c>, or
    /// <c>[output, scores (B, Tq, Tv)]</c> with <paramref name="returnAttentionScores"/>.
    /// </summary>
    protected Tensor[] Call(Tensor[] inputs, Tensor?[]? mask = null, bool training = false, bool returnAttentionScores = false, bool useCausalMask = false)
    {
        var (query, value, key, queryMask, valueMask) = AttentionScores.Unpack("Attention", inputs, mask);
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
        AttentionScores.Check("Attention", query.Shape, value.Shape, key?.Shape);
        var k = key ?? value;
        Tensor scores;
        if (scoreMode == "dot")
        {
            scores = Ops.MatMul(query, k, transposeB: true);
            if (scale is not null) scores = Ops.Mul(scores, scale);
        }
        else
        {
            var sum = Ops.Add(Ops.ExpandDims(query, -2), Ops.ExpandDims(k, -3));
            if (scale is not null) sum = Ops.Mul(scale, sum);
            scores = Ops.Mul(concatScoreWeight!, Ops.Sum(Ops.Tanh(sum), -1));
        }
        var mask = AttentionScores.ScoreMask(scores, valueMask, useCausalMask);
        var (output, weights) = AttentionScores.Apply(scores, value, mask, dropoutLayer, training);
        return (AttentionScores.MaskQuery(output, queryMask), weights);
    }
}
