namespace LayerGen.Optimizers;

/// <summary>A constant per interval: <c>values[0]</c> up to <c>boundaries[0]</c> (inclusive), <c>values[1]</c> up to <c>boundaries[1]</c>, ...</summary>
[KerasSerializable(Package = "keras.optimizers.schedules")]
public sealed partial class PiecewiseConstantDecay : LearningRateSchedule
{
    private readonly long[] _boundaries;
    private readonly double[] _values;
    private readonly string _name;

    /// <summary>Creates the schedule; <paramref name="values"/> has one more element than <paramref name="boundaries"/>.</summary>
    public PiecewiseConstantDecay(long[] boundaries, double[] values, string name = "PiecewiseConstant")
    {
        ArgumentNullException.ThrowIfNull(boundaries);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != boundaries.Length + 1)
            throw new ArgumentException($"The length of boundaries should be 1 less than the length of values. Received: boundaries={boundaries.Length} values={values.Length}");
        _boundaries = boundaries;
        _values = values;
        _name = name;
    }
    /// <summary>The step boundaries.</summary>
    public IReadOnlyList<long> Boundaries => _boundaries;
    /// <summary>The rates.</summary>
    public IReadOnlyList<double> Values => _values;
    /// <inheritdoc/>
    public override float Call(long step)
    {
        for (int i = 0; i < Boundaries.Count; i++) if (step <= Boundaries[i]) return (float)Values[i];
        return (float)Values[^1];
    }
}
