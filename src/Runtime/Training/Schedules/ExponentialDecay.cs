namespace LayerGen.Optimizers;

/// <summary><c>initial_learning_rate * decay_rate ^ (step / decay_steps)</c> (the exponent floored when <c>staircase</c>).</summary>
[KerasSerializable(Package = "keras.optimizers.schedules")]
public sealed partial class ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate, bool staircase = false, string name = "ExponentialDecay") : LearningRateSchedule
{
    /// <summary>The schedule's name.</summary>
    public string Name { get; } = name;
    /// <summary>The rate at step 0.</summary>
    public double InitialLearningRate { get; } = initialLearningRate;
    /// <summary>Steps per decay period.</summary>
    public long DecaySteps { get; } = decaySteps > 0 ? decaySteps : throw new ArgumentOutOfRangeException(nameof(decaySteps));
    /// <summary>Factor per period.</summary>
    public double DecayRate { get; } = decayRate;
    /// <summary>Decay in whole periods.</summary>
    public bool Staircase { get; } = staircase;
    /// <inheritdoc/>
    public override float Call(long step)
    {
        float p = (float)step / DecaySteps;
        if (Staircase) p = MathF.Floor(p);
        return (float)InitialLearningRate * MathF.Pow((float)DecayRate, p);
    }
}
