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

    /// <summary>Keras's config of the schedule.</summary>
    public abstract JsonObject GetConfig();

    /// <summary>The serialized form: <c>{"module": "keras.optimizers.schedules", "class_name", "config", "registered_name": null}</c>.</summary>
    public JsonObject Serialize() => new()
    {
        ["module"] = "keras.optimizers.schedules",
        ["class_name"] = ClassName,
        ["config"] = GetConfig(),
        ["registered_name"] = null,
    };

    /// <summary>
    /// A schedule from its serialized form (what <see cref="Serialize"/> and Keras's
    /// <c>keras.optimizers.schedules.serialize</c> write). Throws <see cref="FormatException"/> for a class LayerGen
    /// does not have or a config missing a required key.
    /// </summary>
    public static LearningRateSchedule Deserialize(JsonObject serialized)
    {
        ArgumentNullException.ThrowIfNull(serialized);
        string className = serialized["class_name"] is JsonValue v && v.TryGetValue(out string? cn) && !string.IsNullOrEmpty(cn)
            ? cn : throw new FormatException("A serialized learning-rate schedule needs a \"class_name\".");
        return FromConfig(className, serialized["config"] as JsonObject ?? []);
    }

    /// <summary>A schedule from Keras's class name and config (<c>ExponentialDecay</c>, <c>PiecewiseConstantDecay</c>, <c>InverseTimeDecay</c>, <c>PolynomialDecay</c>, <c>CosineDecay</c>).</summary>
    public static LearningRateSchedule FromConfig(string className, JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(className);
        ArgumentNullException.ThrowIfNull(config);
        var c = config;
        return className switch
        {
            "ExponentialDecay" => new ExponentialDecay(Num(c, "initial_learning_rate"), Int(c, "decay_steps"), Num(c, "decay_rate"),
                Bool(c, "staircase") ?? false, Str(c, "name") ?? "ExponentialDecay"),
            "InverseTimeDecay" => new InverseTimeDecay(Num(c, "initial_learning_rate"), Int(c, "decay_steps"), Num(c, "decay_rate"),
                Bool(c, "staircase") ?? false, Str(c, "name") ?? "InverseTimeDecay"),
            "PolynomialDecay" => new PolynomialDecay(Num(c, "initial_learning_rate"), Int(c, "decay_steps"), Num(c, "end_learning_rate", 0.0001),
                Num(c, "power", 1.0), Bool(c, "cycle") ?? false, Str(c, "name") ?? "PolynomialDecay"),
            "CosineDecay" => new CosineDecay(Num(c, "initial_learning_rate"), Int(c, "decay_steps"), Num(c, "alpha", 0.0), Str(c, "name") ?? "CosineDecay",
                c["warmup_target"] is null ? null : Num(c, "warmup_target"), c["warmup_steps"] is null ? 0 : Int(c, "warmup_steps")),
            "PiecewiseConstantDecay" => new PiecewiseConstantDecay(
                [.. List(c, "boundaries").Select((n, i) => Int(n, $"boundaries[{i}]"))],
                [.. List(c, "values").Select((n, i) => Num(n, $"values[{i}]"))],
                Str(c, "name") ?? "PiecewiseConstant"),
            _ => throw new FormatException($"Unknown learning-rate schedule '{className}'. LayerGen has ExponentialDecay, PiecewiseConstantDecay, InverseTimeDecay, PolynomialDecay and CosineDecay."),
        };
    }

    private static double Num(JsonObject c, string key, double? fallback = null)
        => c[key] is null && fallback is { } f ? f : Num(c[key], key);

    private static double Num(JsonNode? n, string what)
    {
        if (n is JsonValue v)
        {
            if (v.TryGetValue(out double d)) return d;
            if (v.TryGetValue(out long l)) return l;
            if (v.TryGetValue(out int i)) return i;
            if (v.TryGetValue(out float f)) return f;
        }
        throw new FormatException($"Learning-rate schedule: '{what}' must be a number, got {n?.ToJsonString() ?? "nothing"}.");
    }

    private static long Int(JsonObject c, string key) => Int(c[key], key);

    private static long Int(JsonNode? n, string what)
    {
        double d = Num(n, what);
        return d == Math.Floor(d) && Math.Abs(d) < 9e15 ? (long)d : throw new FormatException($"Learning-rate schedule: '{what}' must be an integer, got {d}.");
    }

    private static bool? Bool(JsonObject c, string key) => c[key] is JsonValue v && v.TryGetValue(out bool b) ? b : null;

    private static string? Str(JsonObject c, string key) => c[key] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static JsonArray List(JsonObject c, string key)
        => c[key] as JsonArray ?? throw new FormatException($"Learning-rate schedule: '{key}' must be a list.");
}
