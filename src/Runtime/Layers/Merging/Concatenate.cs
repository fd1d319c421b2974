namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>Concatenate</c> merge layer: joins the inputs along <c>axis</c> (default the last); every other axis must
/// match (size-1 axes other than the concatenation axis are ignored in the check, as Keras does). No weights; config
/// <c>name</c>, <c>trainable</c>, <c>dtype</c>, <c>axis</c>.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class Concatenate : Merge
{
    private readonly int axis;

    /// <summary>Creates the layer.</summary>
    /// <param name="axis">The axis to concatenate along (negative counts from the end).</param>
    public Concatenate(int axis = -1) => this.axis = axis;

    /// <summary>The concatenation axis.</summary>
    public int Axis => axis;

    /// <inheritdoc/>
    protected override void CheckShapes(IReadOnlyList<Shape> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        if (inputShapes.Count < 1)
            throw Error($"A `Concatenate` layer should be called on a list of at least 1 input. Received: input_shape={ShapeList(inputShapes)}");
        string message = "A `Concatenate` layer requires inputs with matching shapes except for the concatenation axis "
            + $"(axis={axis}). Received: input_shape={ShapeList(inputShapes)}";
        int rank = inputShapes[0].Rank;
        if (inputShapes.Any(s => s.Rank != rank)) throw Error(message);
        int concatAxis = ((axis % rank) + rank) % rank;
        for (int d = 0; d < rank; d++)
        {
            if (d == concatAxis) continue;
            var known = inputShapes.Select(s => s[d]).Where(v => v != Shape.Unknown && v != 1).Distinct().ToList();
            if (known.Count > 1) throw Error(message + $": axis {d} has sizes {string.Join(" and ", known)}");
        }
    }

    /// <summary>
    /// Keras's <c>Concatenate.compute_mask</c>: each input's mask (all true for an unmasked input, a lower-rank mask
    /// broadcast over the input's trailing axes) concatenated along <c>axis</c>, then any over the last axis.
    /// </summary>
    protected override Tensor? ComputeMergeMask(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(masks);
        var full = new Tensor[inputs.Count];
        for (int i = 0; i < full.Length; i++)
        {
            var x = inputs[i];
            if (masks[i] is not { } m) full[i] = MaskLogic.OnesLike(x);
            else if (m.Rank < x.Rank) full[i] = Ops.Maximum(Ops.ExpandDims(MaskLogic.AsFloat(m), -1), MaskLogic.ZerosLike(x));
            else full[i] = MaskLogic.AsFloat(m);
        }
        var concatenated = full.Length == 1 ? full[0] : Ops.Concat(full, axis);
        return MaskLogic.AsBool(Ops.Max(concatenated, -1));
    }

    /// <inheritdoc/>
    protected override Tensor MergeFunction(IReadOnlyList<Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return inputs.Count == 1 ? inputs[0] : Ops.Concat(inputs, axis);
    }
}
