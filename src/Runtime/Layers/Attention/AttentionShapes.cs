namespace LayerGen.Layers;

/// <summary>Shape checks and mask combination shared by the attention layers, with Keras's messages.</summary>
internal static class AttentionShapes
{
    /// <summary>Keras: all dimensions of <c>value</c> and <c>key</c> but the last must be equal.</summary>
    public static void CheckValueAndKey(Shape value, Shape key)
    {
        bool same = value.Rank == key.Rank;
        for (int i = 1; same && i < value.Rank - 1; i++)
            same = value[i] == key[i] || value[i] == Shape.Unknown || key[i] == Shape.Unknown;
        if (!same)
            throw new ShapeMismatchException("MultiHeadAttention", $"All dimensions of `value` and `key`, except the last one, must be equal. Received: value_shape={Show(value)} and key_shape={Show(key)}", value, key);
    }

    /// <summary>A shape as Keras prints it: <c>(None, 4, 6)</c>.</summary>
    public static string Show(Shape s) => "(" + string.Join(", ", s.ToArray().Select(d => d == Shape.Unknown ? "None" : d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + (s.Rank == 1 ? ",)" : ")");

    /// <summary>
    /// Keras's <c>_compute_attention_mask</c>: the query mask as <c>(B, T, 1)</c>, value and key masks as
    /// <c>(B, 1, S)</c>, the causal and sliding-window masks <c>(1, T, S)</c>, and <paramref name="attentionMask"/>,
    /// combined with a logical and (a bool tensor), or null when there is none.
    /// </summary>
    public static Tensor? CombineMasks(Tensor query, Tensor value, Tensor? queryMask, Tensor? valueMask, Tensor? keyMask,
        Tensor? attentionMask, bool useCausalMask, int? slidingWindow)
    {
        Tensor? auto = null;
        if (queryMask is not null) auto = Ops.ExpandDims(AsBool(queryMask), -1);
        if (valueMask is not null) auto = And(auto, Ops.ExpandDims(AsBool(valueMask), -2));
        if (keyMask is not null) auto = And(auto, Ops.ExpandDims(AsBool(keyMask), -2));
        if (useCausalMask) auto = And(auto, Band(query.Shape[1], value.Shape[1], null));
        if (slidingWindow is { } w) auto = And(auto, Band(query.Shape[1], value.Shape[1], w));
        Tensor? mask = attentionMask is null ? null : AsBool(attentionMask);
        return auto is null ? mask : And(mask, auto);
    }

    private static Tensor AsBool(Tensor mask) => mask.DType == DType.Bool ? mask : Ops.NotEqual(mask, Tensor.Scalar(0.0, mask.DType));

    private static Tensor And(Tensor? a, Tensor b)
        => a is null ? b : Ops.Cast(Ops.Mul(Ops.Cast(a, DType.Float32), Ops.Cast(b, DType.Float32)), DType.Bool);

    /// <summary>
    /// <c>(1, T, S)</c>: row &gt;= column (causal, <paramref name="window"/> null) or |row - column| &lt; window.
    /// A constant: the sequence lengths must be known.
    /// </summary>
    public static Tensor Band(int t, int s, int? window)
    {
        if (t == Shape.Unknown || s == Shape.Unknown)
            throw new NotSupportedException("use_causal_mask and sliding_window need known sequence lengths (the query's and value's axis 1).");
        var data = new bool[t * s];
        for (int i = 0; i < t; i++)
            for (int j = 0; j < s; j++)
                data[i * s + j] = window is { } w ? Math.Abs(i - j) < w : i >= j;
        return Tensor.From<bool>(data, new Shape(1, t, s));
    }
}
