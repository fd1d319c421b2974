namespace LayerGen.Layers;

/// <summary>What <see cref="Attention"/> and <see cref="AdditiveAttention"/> share: Keras's <c>_apply_scores</c> and masks.</summary>
internal static class AttentionScores
{
    /// <summary>The output's mask (Keras's <c>compute_mask</c>): the query's, <c>mask[0]</c>, as a bool tensor.</summary>
    public static Tensor? OutputMask(IReadOnlyList<Tensor?>? masks) => masks is { Count: > 0 } && masks[0] is { } q ? MaskLogic.AsBool(q) : null;

    /// <summary>Keras's <c>_validate_inputs</c> for the length of the inputs list.</summary>
    public static void CheckCount(string layer, int count)
    {
        if (count < 2 || count > 3)
            throw new IncompatibleInputException($"{layer} layer accepts inputs list of length 2 or 3, namely [query, value] or [query, value, key]. Received length: {count}.");
    }

    /// <summary>
    /// The list call's parts: query, value, key (or null), and the query and value masks: <paramref name="mask"/>'s
    /// (Keras's message when it is not 2 or 3 long; <c>Layer.InvokeLayer</c> passes the inputs' masks when the call
    /// gave none).
    /// </summary>
    public static (Tensor Query, Tensor Value, Tensor? Key, Tensor? QueryMask, Tensor? ValueMask) Unpack(string layer, Tensor[] inputs, Tensor?[]? mask)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        CheckCount(layer, inputs.Length);
        if (mask is not null && (mask.Length < 2 || mask.Length > 3))
            throw new IncompatibleInputException($"{layer} layer accepts mask list of length 2 or 3. Received: inputs={inputs.Length} tensors, mask={mask.Length} entries.");
        var q = inputs[0];
        var v = inputs[1];
        var k = inputs.Length > 2 ? inputs[2] : null;
        return mask is null ? (q, v, k, null, null) : (q, v, k, mask[0], mask[1]);
    }

    /// <summary><c>[query, value]</c> or <c>[query, value, key]</c>.</summary>
    public static Tensor[] List(Tensor query, Tensor value, Tensor? key)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(value);
        return key is null ? [query, value] : [query, value, key];
    }

    /// <summary><c>[queryMask, valueMask]</c>, or null when both are null (the inputs' own masks then apply).</summary>
    public static Tensor?[]? Masks(Tensor? queryMask, Tensor? valueMask) => queryMask is null && valueMask is null ? null : [queryMask, valueMask];

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
