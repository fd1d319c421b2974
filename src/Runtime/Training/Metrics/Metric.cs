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

    /// <summary>
    /// The number of state values that add up across replicas (0, the default: the result is a mean over rows, which a
    /// data-parallel strategy averages over ranks weighted by rows). A ratio metric (precision, recall, AUC) is not such
    /// a mean: its global result comes from the sum of every rank's counts (<see cref="ReadSummableState"/>,
    /// <see cref="ResultOfSummedState"/>), as tf.distribute's synchronized metric variables give.
    /// </summary>
    internal virtual int SummableStateLength => 0;

    /// <summary>Writes this metric's summable state (<see cref="SummableStateLength"/> values) into <paramref name="into"/>.</summary>
    internal virtual void ReadSummableState(Span<double> into) { }

    /// <summary>The result for the state <paramref name="summed"/> (every replica's state added up); the metric's own state is left as it was.</summary>
    internal virtual float ResultOfSummedState(ReadOnlySpan<double> summed) => Result();

    /// <summary>Keras's config (<c>name</c>, <c>dtype</c> and the metric's arguments).</summary>
    public virtual JsonObject GetConfig() => new() { ["name"] = Name, ["dtype"] = "float32" };

    /// <summary>
    /// A metric from a Keras identifier: an alias declared on a <c>[KerasSerializable]</c> metric
    /// (<c>accuracy</c>/<c>acc</c>, resolved by <c>Compile</c> from the loss and shapes, <c>binary_accuracy</c>,
    /// <c>categorical_accuracy</c>, <c>sparse_categorical_accuracy</c>, <c>top_k_categorical_accuracy</c>, <c>mse</c>,
    /// <c>mae</c>, <c>precision</c>, <c>recall</c>, <c>auc</c>) or a registered class name. The metric is named after
    /// the identifier. Throws <see cref="ConfigException"/> for an unknown one.
    /// </summary>
    public static Metric Get(string identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        var metric = KerasRegistry<Metric>.Get(identifier);
        metric.Name = identifier;
        metric.FromIdentifier = true;
        return metric;
    }

    /// <summary>Keras's registered name, <c>package&gt;ClassName</c> (generated for <c>[KerasSerializable]</c> metrics).</summary>
    public virtual string RegisteredName => "keras.metrics>" + ClassName;

    /// <summary>The serialized form Keras writes for a metric object: <c>module</c> (<c>keras.metrics</c>), <c>class_name</c>, <c>config</c>, <c>registered_name</c>.</summary>
    public JsonObject Serialize() => KerasRegistry<Metric>.Serialize(RegisteredName, ClassName, GetConfig());

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
    /// object (<c>class_name</c> and <c>config</c>, looked up in <see cref="KerasRegistry{T}"/>). Throws
    /// <see cref="ConfigException"/> for a metric LayerGen does not have or a config it cannot honour.
    /// </summary>
    public static Metric Deserialize(JsonNode serialized)
    {
        ArgumentNullException.ThrowIfNull(serialized);
        return Config.TryGetString(serialized, out var identifier) ? Get(identifier) : KerasRegistry<Metric>.Deserialize(serialized);
    }

    /// <summary>A metric from a string, for <c>Compile(metrics: ["accuracy"])</c>.</summary>
    public static implicit operator Metric(string identifier) => Get(identifier);

    /// <inheritdoc/>
    public override string ToString() => $"<{ClassName} name={Name} result={Result()}>";
}
