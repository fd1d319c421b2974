namespace LayerGen.Layers;

/// <summary>Zeroes negative values (<c>keras.constraints.NonNeg</c>).</summary>
[KerasSerializable("non_neg", Package = "keras.constraints", ClassName = "NonNeg")]
public sealed partial class NonNegConstraint : Constraint
{
    /// <inheritdoc/>
    public override Tensor Apply(Tensor w)
    {
        var values = w.ToDoubleArray();
        for (int i = 0; i < values.Length; i++) if (!(values[i] >= 0)) values[i] = 0;
        return Tensor.FromDoubles(values, w.Shape, w.DType);
    }
}
