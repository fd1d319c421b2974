using System.Text.Json.Nodes;

namespace LayerGen.Optimizers;

/// <summary>A constant per interval: <c>values[0]</c> up to <c>boundaries[0]</c> (inclusive), <c>values[1]</c> up to <c>boundaries[1]</c>, ...</summary>
public sealed class PiecewiseConstantDecay : LearningRateSchedule
{
    private readonly string _name;

    /// <summary>Creates the schedule; <paramref name="values"/> has one more element than <paramref name="boundaries"/>.</summary>
    public PiecewiseConstantDecay(long[] boundaries, double[] values, string name = "PiecewiseConstant")
    {
        ArgumentNullException.ThrowIfNull(boundaries);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != boundaries.Length + 1)
            throw new ArgumentException($"The length of boundaries should be 1 less than the length of values. Received: boundaries={boundaries.Length} values={values.Length}");
        Boundaries = boundaries;
        Values = values;
        _name = name;
    }
    /// <summary>The step boundaries.</summary>
    public IReadOnlyList<long> Boundaries { get; }
    /// <summary>The rates.</summary>
    public IReadOnlyList<double> Values { get; }
    /// <inheritdoc/>
    public override string ClassName => "PiecewiseConstantDecay";
    /// <inheritdoc/>
    public override float Call(long step)
    {
        for (int i = 0; i < Boundaries.Count; i++) if (step <= Boundaries[i]) return (float)Values[i];
        return (float)Values[^1];
    }
    /// <inheritdoc/>
    public override JsonObject GetConfig() => new()
    {
        ["boundaries"] = new JsonArray([.. Boundaries.Select(b => (JsonNode)b)]),
        ["values"] = new JsonArray([.. Values.Select(v => (JsonNode)v)]),
        ["name"] = _name,
    };
}
