namespace LayerGen.Layers;

/// <summary>What <see cref="Attention"/> and <see cref="AdditiveAttention"/> share: Keras's <c>_apply_scores</c> and masks.</summary>
internal static class AttentionScores
{
    /// <summary>Keras's <c>_validate_inputs</c> for shapes: query <c>(B, Tq, dim)</c>, value <c>(B, Tv, dim)</c>, key like value.</summary>
    public static void Check(string layer, Shape query, Shape value, Shape? key)
    {
        if (query.Rank < 2 || value.Rank < 2 || query.Rank != value.Rank)
            throw new ShapeMismatchException(layer, $"{layer} layer expects query and value of the same rank (at least 2), (batch_size, Tq, dim) and (batch_size, Tv, dim). Received: query_shape={AttentionShapes.Show(query)}, value_shape={AttentionShapes.Show(value)}", query, value);
        if (key is { } k && (k.Rank != value.Rank || k[^2] != value[^2] && k[^2] != Shape.Unknown && value[^2] != Shape.Unknown))
            throw new ShapeMismatchException(layer, $"{layer} layer expects key and value with the same number of positions (Tv). Received: value_shape={AttentionShapes.Show(value)}, key_shape={AttentionShapes.Show(k)}", value, k);
    }

    /// <summary>The value mask (<c>(B, Tv)</c>) as <c>(B, 1, Tv)</c>, and with the causal mask when asked.</summary>
    public static Tensor? ScoreMask(Tensor scores, Tensor? valueMask, bool useCausalMask)
    {
        Tensor? v = valueMask is null ? null : Ops.ExpandDims(valueMask.DType == DType.Bool ? valueMask : Ops.NotEqual(valueMask, Tensor.Scalar(0.0, valueMask.DType)), -2);
        if (!useCausalMask) return v;
        var causal = AttentionShapes.Band(scores.Shape[^2], scores.Shape[^1], null);
        return v is null ? causal : Ops.Cast(Ops.Mul(Ops.Cast(v, DType.Float32), Ops.Cast(causal, DType.Float32)), DType.Bool);
    }

    /// <summary>Keras's <c>_apply_scores</c>: masked positions lose 1e9, softmax, dropout, then the weighted sum of values.</summary>
    public static (Tensor Output, Tensor Weights) Apply(Tensor scores, Tensor value, Tensor? scoresMask, Dropout? dropout, bool training)
    {
        if (scoresMask is not null)
            scores = Ops.Where(scoresMask, scores, Ops.Sub(scores, Tensor.Scalar(1e9, scores.DType)));
        var weights = Ops.Softmax(scores, -1);
        var used = dropout is not null && training ? dropout.Invoke(weights, training) : weights;
        return (Ops.MatMul(used, value), weights);
    }

    /// <summary>Keras zeroes the output at masked query positions.</summary>
    public static Tensor MaskQuery(Tensor output, Tensor? queryMask)
    {
        if (queryMask is null) return output;
        var q = Ops.ExpandDims(queryMask.DType == DType.Bool ? queryMask : Ops.NotEqual(queryMask, Tensor.Scalar(0.0, queryMask.DType)), -1);
        return Ops.Where(q, output, Tensor.Scalar(0.0, output.DType));
    }
}
