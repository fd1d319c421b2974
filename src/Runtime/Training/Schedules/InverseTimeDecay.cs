namespace LayerGen.Optimizers;

/// <summary><c>initial_learning_rate / (1 + decay_rate * step / decay_steps)</c> (floored when <c>staircase</c>).</summary>
[KerasSerializable(Package = "keras.optimizers.schedules")]
public sealed partial class InverseTimeDecay(double initialLearningRate, long decaySteps, double decayRate, bool staircase = false, string name = "InverseTimeDecay") : LearningRateSchedule
{
    /// <summary>The schedule's name.</summary>
    public string Name { get; } = name;
    /// <summary>The rate at step 0.</summary>
    public double InitialLearningRate { get; } = initialLearningRate;
    /// <summary>Steps per decay period.</summary>
    public long DecaySteps { get; } = decaySteps > 0 ? decaySteps : throw new ArgumentOutOfRangeException(nameof(decaySteps));
    /// <summary>The decay rate.</summary>
    public double DecayRate { get; } = decayRate;
    /// <summary>Decay in whole periods.</summary>
    public bool Staircase { get; } = staircase;
    /// <inheritdoc/>
    public override float Call(long step)
    {
        float p = (float)step / DecaySteps;
        if (Staircase) p = MathF.Floor(p);
        return (float)InitialLearningRate / (1f + (float)DecayRate * p);
    }
}
