using System.Text.Json.Nodes;

namespace LayerGen.Optimizers;

/// <summary>
/// A learning rate that changes with the optimizer's step (Keras's <c>LearningRateSchedule</c>): the optimizer
/// asks <see cref="Call"/> with its <c>Iterations</c> before each update. Computed in float32 as Keras does.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate at <paramref name="step"/> (the number of updates done so far).</summary>
    public abstract float Call(long step);

    /// <summary>Keras's class name (<c>ExponentialDecay</c>...).</summary>
    public abstract string ClassName { get; }

    /// <summary>Keras's config of the schedule (generated for <c>[KerasSerializable]</c> schedules).</summary>
    public virtual JsonObject GetConfig() => [];

    /// <summary>Keras's registered name, <c>package&gt;ClassName</c> (generated for <c>[KerasSerializable]</c> schedules).</summary>
    public virtual string RegisteredName => "keras.optimizers.schedules>" + ClassName;

    /// <summary>The serialized form: <c>{"module": "keras.optimizers.schedules", "class_name", "config", "registered_name": null}</c>.</summary>
    public JsonObject Serialize() => KerasRegistry<LearningRateSchedule>.Serialize(RegisteredName, ClassName, GetConfig());

    /// <summary>
    /// A schedule from its serialized form (what <see cref="Serialize"/> and Keras's
    /// <c>keras.optimizers.schedules.serialize</c> write), looked up in <see cref="KerasRegistry{T}"/>. Throws
    /// <see cref="ConfigException"/> for a class that is not registered or a config missing a required key.
    /// </summary>
    public static LearningRateSchedule Deserialize(JsonObject serialized)
    {
        ArgumentNullException.ThrowIfNull(serialized);
        return KerasRegistry<LearningRateSchedule>.Deserialize(serialized);
    }
}
