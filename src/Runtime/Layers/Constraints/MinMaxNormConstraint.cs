namespace LayerGen.Layers;

/// <summary>Moves the norm along <see cref="Axis"/> into [min, max] at <see cref="Rate"/> (<c>keras.constraints.MinMaxNorm</c>).</summary>
[KerasSerializable("min_max_norm", Package = "keras.constraints", ClassName = "MinMaxNorm")]
public sealed partial class MinMaxNormConstraint(double minValue = 0.0, double maxValue = 1.0, double rate = 1.0, int axis = 0) : Constraint
{
    /// <summary>The smallest norm.</summary>
    public double MinValue { get; } = minValue;
    /// <summary>The largest norm.</summary>
    public double MaxValue { get; } = maxValue;
    /// <summary>How far to move toward the range: 1 projects onto it.</summary>
    public double Rate { get; } = rate;
    /// <summary>The axis the norm is taken along.</summary>
    public int Axis { get; } = axis;
    /// <inheritdoc/>
    public override Tensor Apply(Tensor w) => MapWithNorms(w, Axis, (v, n) =>
    {
        double desired = Rate * Math.Clamp(n, MinValue, MaxValue) + (1 - Rate) * n;
        return v * (desired / (Epsilon + n));
    });
}
