namespace LayerGen.Optimizers;

/// <summary>
/// <c>(initial - end) * (1 - step / decay_steps) ^ power + end</c>, the step capped at <c>decay_steps</c>
/// (or, with <c>cycle</c>, <c>decay_steps</c> stretched to the next multiple above the step).
/// </summary>
[KerasSerializable(Package = "keras.optimizers.schedules")]
public sealed partial class PolynomialDecay(double initialLearningRate, long decaySteps, double endLearningRate = 0.0001, double power = 1.0, bool cycle = false, string name = "PolynomialDecay") : LearningRateSchedule
{
    /// <summary>The schedule's name.</summary>
    public string Name { get; } = name;
    /// <summary>The rate at step 0.</summary>
    public double InitialLearningRate { get; } = initialLearningRate;
    /// <summary>Steps to reach the end rate.</summary>
    public long DecaySteps { get; } = decaySteps > 0 ? decaySteps : throw new ArgumentOutOfRangeException(nameof(decaySteps));
    /// <summary>The final rate.</summary>
    public double EndLearningRate { get; } = endLearningRate;
    /// <summary>The polynomial's power.</summary>
    public double Power { get; } = power;
    /// <summary>Whether to restart after <see cref="DecaySteps"/>.</summary>
    public bool Cycle { get; } = cycle;
    /// <inheritdoc/>
    public override float Call(long step)
    {
        float s = step, d = DecaySteps;
        if (Cycle)
        {
            float mult = s == 0 ? 1f : MathF.Ceiling(s / d);
            d *= mult;
        }
        else s = MathF.Min(s, d);
        float p = s / d;
        return ((float)InitialLearningRate - (float)EndLearningRate) * MathF.Pow(1f - p, (float)Power) + (float)EndLearningRate;
    }
}
