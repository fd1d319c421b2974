namespace LayerGen.Layers;

/// <summary>Factories for the built-in constraints, with Keras 3's defaults.</summary>
public static class Constraints
{
    /// <summary>Norm along <paramref name="axis"/> at most <paramref name="maxValue"/>.</summary>
    public static Constraint MaxNorm(double maxValue = 2.0, int axis = 0) => new MaxNormConstraint(maxValue, axis);
    /// <summary>Non-negative values.</summary>
    public static Constraint NonNeg() => new NonNegConstraint();
    /// <summary>Unit norm along <paramref name="axis"/>.</summary>
    public static Constraint UnitNorm(int axis = 0) => new UnitNormConstraint(axis);
    /// <summary>Norm along <paramref name="axis"/> within [<paramref name="minValue"/>, <paramref name="maxValue"/>].</summary>
    public static Constraint MinMaxNorm(double minValue = 0.0, double maxValue = 1.0, double rate = 1.0, int axis = 0) => new MinMaxNormConstraint(minValue, maxValue, rate, axis);
}
