namespace LayerGen.Layers;

/// <summary>Rescales so the norm along <see cref="Axis"/> is at most <see cref="MaxValue"/> (<c>keras.constraints.MaxNorm</c>).</summary>
[KerasSerializable("max_norm", Package = "keras.constraints", ClassName = "MaxNorm")]
public sealed partial class MaxNormConstraint(double maxValue = 2.0, int axis = 0) : Constraint
{
    /// <summary>The largest norm allowed.</summary>
    public double MaxValue { get; } = maxValue;
    /// <summary>The axis the norm is taken along.</summary>
    public int Axis { get; } = axis;
    /// <inheritdoc/>
    public override Tensor Apply(Tensor w) => MapWithNorms(w, Axis, (v, n) => v * (Math.Clamp(n, 0, MaxValue) / (Epsilon + n)));
}
