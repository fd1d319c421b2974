using System.Text.Json.Nodes;

namespace LayerGen.Optimizers;

/// <summary>
/// A learning rate that changes with the optimizer's step (Keras's <c>LearningRateSchedule</c>): the optimizer
/// asks <see cref="Call"/> with its <c>Iterations</c> before each update. Computed in float32 as Keras does.
/// </summary>
public abstract class LearningRateSchedule : KerasObject
{
    /// <summary>The learning rate at <paramref name="step"/> (the number of updates done so far).</summary>
    public abstract float Call(long step);

    /// <summary>Keras's module for schedules, <c>keras.optimizers.schedules</c>.</summary>
    public override string Module => "keras.optimizers.schedules";

    /// <summary>
    /// A schedule from its serialized form (what <see cref="KerasObject.Serialize()"/> and Keras's
    /// <c>keras.optimizers.schedules.serialize</c> write), looked up in <see cref="KerasRegistry{T}"/>. Throws
    /// <see cref="ConfigException"/> for a class that is not registered or a config missing a required key.
    /// </summary>
    public static LearningRateSchedule Deserialize(JsonObject serialized)
    {
        ArgumentNullException.ThrowIfNull(serialized);
        return KerasRegistry<LearningRateSchedule>.Deserialize(serialized);
    }
}
