using System.Text.Json.Nodes;

namespace LayerGen.Metrics;

/// <summary>
/// A Keras 3 metric: a running state updated batch by batch with <see cref="UpdateState"/>, read with
/// <see cref="Result"/>, cleared with <see cref="ResetState"/>. States accumulate in float32, as Keras's
/// metric variables do.
/// </summary>
public abstract class Metric
{
    /// <summary>Creates the metric.</summary>
    protected Metric(string name) { ArgumentException.ThrowIfNullOrEmpty(name); Name = name; }

    /// <summary>The metric's name, the key of its value in the training logs.</summary>
    public string Name { get; internal set; }

    /// <summary>Keras's class name.</summary>
    public abstract string ClassName { get; }

    /// <summary>Whether the metric came from a string identifier (<c>"accuracy"</c> is then resolved by <c>Compile</c>).</summary>
    internal bool FromIdentifier { get; set; }

    /// <summary>Accumulates a batch of targets and predictions (and optional per-sample weights).</summary>
    public abstract void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null);

    /// <summary>The metric's current value.</summary>
    public abstract float Result();

    /// <summary>Clears the state.</summary>
    public abstract void ResetState();

    /// <summary>Keras's config (<c>name</c>, <c>dtype</c> and the metric's arguments).</summary>
    public virtual JsonObject GetConfig() => new() { ["name"] = Name, ["dtype"] = "float32" };

    /// <summary>
    /// A metric from a Keras identifier: <c>accuracy</c>/<c>acc</c> (resolved by <c>Compile</c> from the loss and
    /// shapes), <c>binary_accuracy</c>, <c>categorical_accuracy</c>, <c>sparse_categorical_accuracy</c>,
    /// <c>top_k_categorical_accuracy</c>, <c>mse</c>, <c>mae</c>, <c>precision</c>, <c>recall</c>, <c>auc</c>.
    /// </summary>
    public static Metric Get(string identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        Metric metric = identifier switch
        {
            "accuracy" or "acc" => new Accuracy(),
            "binary_accuracy" => new BinaryAccuracy(),
            "categorical_accuracy" => new CategoricalAccuracy(),
            "sparse_categorical_accuracy" => new SparseCategoricalAccuracy(),
            "top_k_categorical_accuracy" => new TopKCategoricalAccuracy(),
            "mse" or "mean_squared_error" => new MeanSquaredError(),
            "mae" or "mean_absolute_error" => new MeanAbsoluteError(),
            "precision" => new Precision(),
            "recall" => new Recall(),
            "auc" => new AUC(),
            _ => throw new ArgumentException($"Could not interpret metric identifier: {identifier}", nameof(identifier)),
        };
        metric.Name = identifier;
        metric.FromIdentifier = true;
        return metric;
    }

    /// <summary>The serialized form Keras writes for a metric object: <c>module</c> (<c>keras.metrics</c>), <c>class_name</c>, <c>config</c>, <c>registered_name</c>.</summary>
    public JsonObject Serialize() => new()
    {
        ["module"] = "keras.metrics",
        ["class_name"] = ClassName,
        ["config"] = GetConfig(),
        ["registered_name"] = null,
    };

    /// <summary>
    /// What Keras writes for this metric in a <c>compile_config</c>: the identifier string when the metric was
    /// given as one (<c>"accuracy"</c>, <c>"mse"</c>; also an <c>"accuracy"</c>/<c>"acc"</c> that <c>Compile</c> resolved
    /// to a binary, categorical or sparse categorical accuracy), otherwise <see cref="Serialize"/>.
    /// </summary>
    public JsonNode ToCompileConfig()
    {
        // Identifiers ("accuracy", "mae"), including an "accuracy" that Compile resolved to a specific class, stay strings.
        return FromIdentifier ? JsonValue.Create(Name) : Serialize();
    }

    /// <summary>
    /// A metric from a <c>compile_config</c> entry: an identifier string (<see cref="Get"/>) or a serialized metric
    /// object (<c>class_name</c> and <c>config</c>). Throws <see cref="FormatException"/> for a metric LayerGen does not
    /// have or a config it cannot honour.
    /// </summary>
    public static Metric Deserialize(JsonNode serialized)
    {
        ArgumentNullException.ThrowIfNull(serialized);
        if (serialized is JsonValue v && v.TryGetValue(out string? id))
        {
            try { return Get(id); }
            catch (ArgumentException e) { throw new FormatException(e.Message, e); }
        }
        if (serialized is not JsonObject o || o["class_name"] is not JsonValue cv || !cv.TryGetValue(out string? className))
            throw new FormatException($"Cannot read the metric {serialized.ToJsonString()}: expected a string or an object with \"class_name\".");
        return FromConfig(className, o["config"] as JsonObject ?? []);
    }

    /// <summary>A metric from Keras's class name and config.</summary>
    public static Metric FromConfig(string className, JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(className);
        ArgumentNullException.ThrowIfNull(config);
        string? name = config["name"] is JsonValue nv && nv.TryGetValue(out string? n) ? n : null;
        return className switch
        {
            "Mean" => new Mean(name ?? "mean"),
            "Sum" => new Sum(name ?? "sum"),
            "Accuracy" => new Accuracy(name ?? "accuracy"),
            "BinaryAccuracy" => new BinaryAccuracy(Number(config, "threshold", 0.5), name ?? "binary_accuracy"),
            "CategoricalAccuracy" => new CategoricalAccuracy(name ?? "categorical_accuracy"),
            "SparseCategoricalAccuracy" => new SparseCategoricalAccuracy(name ?? "sparse_categorical_accuracy"),
            "TopKCategoricalAccuracy" => new TopKCategoricalAccuracy((int)Number(config, "k", 5), name ?? "top_k_categorical_accuracy"),
            "MeanSquaredError" => new MeanSquaredError(name ?? "mean_squared_error"),
            "MeanAbsoluteError" => new MeanAbsoluteError(name ?? "mean_absolute_error"),
            "Precision" => new Precision(SingleThreshold(config, className), name ?? "precision"),
            "Recall" => new Recall(SingleThreshold(config, className), name ?? "recall"),
            "AUC" => ReadAuc(config, name),
            _ => throw new FormatException($"The metric class '{className}' is not one LayerGen has."),
        };
    }

    private static double Number(JsonObject c, string key, double fallback)
    {
        switch (c[key])
        {
            case null: return fallback;
            case JsonValue v when v.TryGetValue(out double d): return d;
            case JsonValue v when v.TryGetValue(out long l): return l;
            case JsonValue v when v.TryGetValue(out int i): return i;
            case var other: throw new FormatException($"Metric config: '{key}' must be a number, got {other.ToJsonString()}.");
        }
    }

    private static double SingleThreshold(JsonObject c, string className)
    {
        if (c["top_k"] is not null || c["class_id"] is not null)
            throw new FormatException($"{className} with top_k or class_id is not supported by LayerGen.");
        return c["thresholds"] switch
        {
            null => 0.5,
            JsonArray { Count: 1 } a => Number(new JsonObject { ["t"] = a[0]?.DeepClone() }, "t", 0.5),
            JsonArray => throw new FormatException($"{className} with several thresholds is not supported by LayerGen."),
            _ => Number(c, "thresholds", 0.5),
        };
    }

    private static AUC ReadAuc(JsonObject c, string? name)
    {
        static string? Str(JsonNode? n) => n is JsonValue v && v.TryGetValue(out string? s) ? s : null;
        if (Str(c["curve"]) is { } curve && curve != "ROC")
            throw new FormatException($"AUC with curve={curve} is not supported by LayerGen (ROC only).");
        if (Str(c["summation_method"]) is { } sm && sm != "interpolation")
            throw new FormatException($"AUC with summation_method={sm} is not supported by LayerGen (interpolation only).");
        if (c["multi_label"] is JsonValue ml && ml.TryGetValue(out bool multi) && multi)
            throw new FormatException("AUC with multi_label=True is not supported by LayerGen.");
        if (c["from_logits"] is JsonValue fl && fl.TryGetValue(out bool logits) && logits)
            throw new FormatException("AUC with from_logits=True is not supported by LayerGen.");
        if (c["thresholds"] is not null)
            throw new FormatException("AUC with explicit thresholds is not supported by LayerGen (num_thresholds only).");
        if (c["label_weights"] is not null)
            throw new FormatException("AUC with label_weights is not supported by LayerGen.");
        return new AUC((int)Number(c, "num_thresholds", 200), name ?? "auc");
    }

    /// <summary>A metric from a string, for <c>Compile(metrics: ["accuracy"])</c>.</summary>
    public static implicit operator Metric(string identifier) => Get(identifier);

    /// <inheritdoc/>
    public override string ToString() => $"<{ClassName} name={Name} result={Result()}>";
}
