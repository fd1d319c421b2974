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

/// <summary><c>initial_learning_rate * decay_rate ^ (step / decay_steps)</c> (the exponent floored when <c>staircase</c>).</summary>
public sealed class ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate, bool staircase = false, string name = "ExponentialDecay") : LearningRateSchedule
{
    /// <summary>The rate at step 0.</summary>
    public double InitialLearningRate { get; } = initialLearningRate;
    /// <summary>Steps per decay period.</summary>
    public long DecaySteps { get; } = decaySteps > 0 ? decaySteps : throw new ArgumentOutOfRangeException(nameof(decaySteps));
    /// <summary>Factor per period.</summary>
    public double DecayRate { get; } = decayRate;
    /// <summary>Decay in whole periods.</summary>
    public bool Staircase { get; } = staircase;
    /// <inheritdoc/>
    public override string ClassName => "ExponentialDecay";
    /// <inheritdoc/>
    public override float Call(long step)
    {
        float p = (float)step / DecaySteps;
        if (Staircase) p = MathF.Floor(p);
        return (float)InitialLearningRate * MathF.Pow((float)DecayRate, p);
    }
    /// <inheritdoc/>
    public override JsonObject GetConfig() => new()
    {
        ["initial_learning_rate"] = InitialLearningRate, ["decay_steps"] = DecaySteps, ["decay_rate"] = DecayRate,
        ["staircase"] = Staircase, ["name"] = name,
    };
}

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

/// <summary><c>initial_learning_rate / (1 + decay_rate * step / decay_steps)</c> (floored when <c>staircase</c>).</summary>
public sealed class InverseTimeDecay(double initialLearningRate, long decaySteps, double decayRate, bool staircase = false, string name = "InverseTimeDecay") : LearningRateSchedule
{
    /// <summary>The rate at step 0.</summary>
    public double InitialLearningRate { get; } = initialLearningRate;
    /// <summary>Steps per decay period.</summary>
    public long DecaySteps { get; } = decaySteps > 0 ? decaySteps : throw new ArgumentOutOfRangeException(nameof(decaySteps));
    /// <summary>The decay rate.</summary>
    public double DecayRate { get; } = decayRate;
    /// <summary>Decay in whole periods.</summary>
    public bool Staircase { get; } = staircase;
    /// <inheritdoc/>
    public override string ClassName => "InverseTimeDecay";
    /// <inheritdoc/>
    public override float Call(long step)
    {
        float p = (float)step / DecaySteps;
        if (Staircase) p = MathF.Floor(p);
        return (float)InitialLearningRate / (1f + (float)DecayRate * p);
    }
    /// <inheritdoc/>
    public override JsonObject GetConfig() => new()
    {
        ["initial_learning_rate"] = InitialLearningRate, ["decay_steps"] = DecaySteps, ["decay_rate"] = DecayRate,
        ["staircase"] = Staircase, ["name"] = name,
    };
}

/// <summary>
/// <c>(initial - end) * (1 - step / decay_steps) ^ power + end</c>, the step capped at <c>decay_steps</c>
/// (or, with <c>cycle</c>, <c>decay_steps</c> stretched to the next multiple above the step).
/// </summary>
public sealed class PolynomialDecay(double initialLearningRate, long decaySteps, double endLearningRate = 0.0001, double power = 1.0, bool cycle = false, string name = "PolynomialDecay") : LearningRateSchedule
{
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
    public override string ClassName => "PolynomialDecay";
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
    /// <inheritdoc/>
    public override JsonObject GetConfig() => new()
    {
        ["initial_learning_rate"] = InitialLearningRate, ["decay_steps"] = DecaySteps, ["end_learning_rate"] = EndLearningRate,
        ["power"] = Power, ["cycle"] = Cycle, ["name"] = name,
    };
}

/// <summary>
/// Cosine decay from the initial rate (or, with warmup, from <c>warmup_target</c> after a linear warmup of
/// <c>warmup_steps</c>) down to <c>alpha</c> times it over <c>decay_steps</c>.
/// </summary>
public sealed class CosineDecay(double initialLearningRate, long decaySteps, double alpha = 0.0, string name = "CosineDecay", double? warmupTarget = null, long warmupSteps = 0) : LearningRateSchedule
{
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
    /// <inheritdoc/>
    public override string ClassName => "CosineDecay";

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
    /// <inheritdoc/>
    public override JsonObject GetConfig() => new()
    {
        ["initial_learning_rate"] = InitialLearningRate, ["decay_steps"] = DecaySteps, ["alpha"] = Alpha, ["name"] = name,
        ["warmup_target"] = WarmupTarget, ["warmup_steps"] = WarmupSteps,
    };
}
