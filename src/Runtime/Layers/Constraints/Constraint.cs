using System.Text.Json.Nodes;

namespace LayerGen;

/// <summary>
/// A projection applied to a weight after each optimizer update, like <c>keras.constraints</c>. Get
/// one from <see cref="Constraints"/>; <see cref="Layer.GetConstraint"/> gives a weight's constraint.
/// </summary>
public abstract class Constraint : KerasObject
{
    /// <summary>Keras's fuzz factor, <c>backend.epsilon()</c>.</summary>
    public const double Epsilon = 1e-7;

    /// <inheritdoc/>
    public override string Module => "keras.constraints";

    /// <summary>The constrained value of <paramref name="w"/> (a new tensor of the same shape and dtype).</summary>
    public abstract Tensor Apply(Tensor w);

    private static readonly Dictionary<string, Func<JsonObject, Constraint>> Factories = new(StringComparer.Ordinal)
    {
        ["MaxNorm"] = static c => new MaxNormConstraint(Config.ReadDouble(c, "max_value", "MaxNorm", 2.0), Config.ReadInt32(c, "axis", "MaxNorm", 0)),
        ["NonNeg"] = static _ => new NonNegConstraint(),
        ["UnitNorm"] = static c => new UnitNormConstraint(Config.ReadInt32(c, "axis", "UnitNorm", 0)),
        ["MinMaxNorm"] = static c => new MinMaxNormConstraint(Config.ReadDouble(c, "min_value", "MinMaxNorm", 0.0), Config.ReadDouble(c, "max_value", "MinMaxNorm", 1.0),
            Config.ReadDouble(c, "rate", "MinMaxNorm", 1.0), Config.ReadInt32(c, "axis", "MinMaxNorm", 0)),
    };

    private static string? Alias(string name) => name switch
    {
        "max_norm" => "MaxNorm",
        "non_neg" => "NonNeg",
        "unit_norm" => "UnitNorm",
        "min_max_norm" => "MinMaxNorm",
        _ => null,
    };

    /// <summary>Reads Keras's nested form or a name (<c>"non_neg"</c>).</summary>
    public static Constraint Deserialize(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return Deserialize(node, "constraint", Factories, Alias);
    }

    /// <summary>Converts a name to a constraint with default arguments.</summary>
    public static implicit operator Constraint(string name) => Deserialize(JsonValue.Create(name));

    /// <summary>Applies <paramref name="f"/>(w, norm along the axis) elementwise, in float64, keeping the dtype.</summary>
    private protected static Tensor MapWithNorms(Tensor w, int axis, Func<double, double, double> f)
    {
        var values = w.ToDoubleArray();
        var shape = w.Shape;
        if (shape.Rank == 0)
        {
            double n = Math.Abs(values[0]);
            return Tensor.FromDoubles([f(values[0], n)], shape, w.DType);
        }
        int a = shape.NormalizeAxis(axis);
        int outer = 1, inner = 1, size = shape[a];
        for (int i = 0; i < a; i++) outer *= shape[i];
        for (int i = a + 1; i < shape.Rank; i++) inner *= shape[i];
        var result = new double[values.Length];
        for (int o = 0; o < outer; o++)
            for (int k = 0; k < inner; k++)
            {
                double sum = 0;
                for (int j = 0; j < size; j++) { double v = values[(o * size + j) * inner + k]; sum += v * v; }
                double norm = Math.Sqrt(sum);
                for (int j = 0; j < size; j++) { int idx = (o * size + j) * inner + k; result[idx] = f(values[idx], norm); }
            }
        return Tensor.FromDoubles(result, shape, w.DType);
    }
}

/// <summary>Rescales so the norm along <see cref="Axis"/> is at most <see cref="MaxValue"/> (<c>keras.constraints.MaxNorm</c>).</summary>
public sealed class MaxNormConstraint(double maxValue, int axis) : Constraint
{
    /// <summary>The largest norm allowed.</summary>
    public double MaxValue { get; } = maxValue;
    /// <summary>The axis the norm is taken along.</summary>
    public int Axis { get; } = axis;
    /// <inheritdoc/>
    public override string ClassName => "MaxNorm";
    /// <inheritdoc/>
    public override Tensor Apply(Tensor w) => MapWithNorms(w, Axis, (v, n) => v * (Math.Clamp(n, 0, MaxValue) / (Epsilon + n)));
    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["max_value"] = MaxValue, ["axis"] = Axis };
}

/// <summary>Zeroes negative values (<c>keras.constraints.NonNeg</c>).</summary>
public sealed class NonNegConstraint : Constraint
{
    /// <inheritdoc/>
    public override string ClassName => "NonNeg";
    /// <inheritdoc/>
    public override Tensor Apply(Tensor w)
    {
        var values = w.ToDoubleArray();
        for (int i = 0; i < values.Length; i++) if (!(values[i] >= 0)) values[i] = 0;
        return Tensor.FromDoubles(values, w.Shape, w.DType);
    }
    /// <inheritdoc/>
    public override JsonObject GetConfig() => [];
}

/// <summary>Rescales to unit norm along <see cref="Axis"/> (<c>keras.constraints.UnitNorm</c>).</summary>
public sealed class UnitNormConstraint(int axis) : Constraint
{
    /// <summary>The axis the norm is taken along.</summary>
    public int Axis { get; } = axis;
    /// <inheritdoc/>
    public override string ClassName => "UnitNorm";
    /// <inheritdoc/>
    public override Tensor Apply(Tensor w) => MapWithNorms(w, Axis, static (v, n) => v / (Epsilon + n));
    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["axis"] = Axis };
}

/// <summary>Moves the norm along <see cref="Axis"/> into [min, max] at <see cref="Rate"/> (<c>keras.constraints.MinMaxNorm</c>).</summary>
public sealed class MinMaxNormConstraint(double minValue, double maxValue, double rate, int axis) : Constraint
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
    public override string ClassName => "MinMaxNorm";
    /// <inheritdoc/>
    public override Tensor Apply(Tensor w) => MapWithNorms(w, Axis, (v, n) =>
    {
        double desired = Rate * Math.Clamp(n, MinValue, MaxValue) + (1 - Rate) * n;
        return v * (desired / (Epsilon + n));
    });
    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["min_value"] = MinValue, ["max_value"] = MaxValue, ["rate"] = Rate, ["axis"] = Axis };
}

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
