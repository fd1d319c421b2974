namespace LayerGen.Layers;

/// <summary>Rescales to unit norm along <see cref="Axis"/> (<c>keras.constraints.UnitNorm</c>).</summary>
[KerasSerializable("unit_norm", Package = "keras.constraints", ClassName = "UnitNorm")]
public sealed partial class UnitNormConstraint(int axis = 0) : Constraint
{
    /// <summary>The axis the norm is taken along.</summary>
    public int Axis { get; } = axis;
    /// <inheritdoc/>
    public override Tensor Apply(Tensor w) => MapWithNorms(w, Axis, static (v, n) => v / (Epsilon + n));
}
