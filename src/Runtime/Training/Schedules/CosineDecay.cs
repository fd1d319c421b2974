namespace LayerGen.Optimizers;

/// <summary>
/// Cosine decay from the initial rate (or, with warmup, from <c>warmup_target</c> after a linear warmup of
/// <c>warmup_steps</c>) down to <c>alpha</c> times it over <c>decay_steps</c>.
/// </summary>
[KerasSerializable(Package = "keras.optimizers.schedules")]
public sealed partial class CosineDecay(double initialLearningRate, long decaySteps, double alpha = 0.0, string name = "CosineDecay", double? warmupTarget = null, long warmupSteps = 0) : LearningRateSchedule
{
    /// <summary>The schedule's name.</summary>
    public string Name { get; } = name;
    /// <summary>The rate at step 0.</summary>
    public double InitialLearningRate { get; } = initialLearningRate;
    /// <summary>Steps of the cosine part.</summary>
    public long DecaySteps { get; } = decaySteps > 0 ? decaySteps : throw new ArgumentOutOfRangeException(nameof(decaySteps));
    /// <summary>The final rate as a fraction of the decayed-from rate.</summary>
    public double Alpha { get; } = alpha;
    /// <summary>The rate reached at the end of the warmup (null: no warmup).</summary>
    public double? WarmupTarget { get; } = warmupTarget;
    /// <summary>Steps of linear warmup.</summary>
    public long WarmupSteps { get; } = warmupSteps;

    private float Decay(float step, float from)
    {
        float completed = step / DecaySteps;
        float cosine = 0.5f * (1f + MathF.Cos(MathF.PI * completed));
        float decayed = (1f - (float)Alpha) * cosine + (float)Alpha;
        return from * decayed;
    }

    /// <inheritdoc/>
    public override float Call(long step)
    {
        if (WarmupTarget is not { } target) return Decay(MathF.Min(step, DecaySteps), (float)InitialLearningRate);
        float s = MathF.Min(step, DecaySteps + WarmupSteps);
        if (s < WarmupSteps)
        {
            float completed = s / WarmupSteps;
            return ((float)target - (float)InitialLearningRate) * completed + (float)InitialLearningRate;
        }
        return Decay(s - WarmupSteps, (float)target);
    }
}
