using System.Text.Json.Nodes;
using LayerGen.Losses;

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

/// <summary>The (weighted) mean of the values given to <see cref="Update(Tensor, Tensor?)"/>: <c>total / count</c>.</summary>
public class Mean(string name = "mean") : Metric(name)
{
    private float _total, _count;

    /// <inheritdoc/>
    public override string ClassName => "Mean";

    /// <summary>The running weighted sum.</summary>
    public float Total => _total;

    /// <summary>The running weight (number of samples without weights).</summary>
    public float Count => _count;

    /// <summary>
    /// Adds values: each sample (first axis; further axes are averaged) counts once, or by its weight.
    /// A scalar counts as one sample.
    /// </summary>
    public void Update(Tensor values, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        var v = values.DType == DType.Float32 ? values : Ops.Cast(values, DType.Float32);
        Tensor? sw = null;
        if (sampleWeight is not null)
        {
            sw = sampleWeight.DType == DType.Float32 ? sampleWeight : Ops.Cast(sampleWeight, DType.Float32);
            (v, sw) = Loss.SameRank(v, sw);
            if (v.Rank > sw.Rank) v = Ops.Mean(v, Enumerable.Range(sw.Rank, v.Rank - sw.Rank).ToArray());
            sw = Ops.BroadcastTo(sw, v.Shape);
            v = Ops.Mul(v, sw);
            if (sw.Rank > 1) sw = Ops.Mean(sw, Enumerable.Range(1, sw.Rank - 1).ToArray());
        }
        if (v.Rank > 1) v = Ops.Mean(v, Enumerable.Range(1, v.Rank - 1).ToArray());
        _total += Sum(v);
        _count += sw is not null ? Sum(sw) : v.Rank >= 1 ? v.Shape[0] : 1;
    }

    /// <summary>Adds one value with a weight (the loss tracker adds each batch's loss weighted by its size).</summary>
    public void Update(float value, float weight = 1)
    {
        _total += value * weight;
        _count += weight;
    }

    internal static float Sum(Tensor t)
    {
        float s = 0;
        foreach (var x in t.AsSpan<float>()) s += x;
        return s;
    }

    /// <summary>Treats <paramref name="yPred"/> as the values (<paramref name="yTrue"/> unused), for symmetry with other metrics.</summary>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null) => Update(yPred, sampleWeight);

    /// <inheritdoc/>
    public override float Result() => _count == 0 ? 0 : _total / _count;

    /// <inheritdoc/>
    public override void ResetState() { _total = 0; _count = 0; }
}

/// <summary>The (weighted) sum of the values given to <see cref="Update"/>.</summary>
public sealed class Sum(string name = "sum") : Metric(name)
{
    private float _total;
    /// <inheritdoc/>
    public override string ClassName => "Sum";
    /// <summary>Adds the sum of <paramref name="values"/> (times their weights).</summary>
    public void Update(Tensor values, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        var v = values.DType == DType.Float32 ? values : Ops.Cast(values, DType.Float32);
        if (sampleWeight is not null)
        {
            var sw = sampleWeight.DType == DType.Float32 ? sampleWeight : Ops.Cast(sampleWeight, DType.Float32);
            (v, sw) = Loss.SameRank(v, sw);
            v = Ops.Mul(v, sw);
        }
        _total += Mean.Sum(v);
    }
    /// <summary>Treats <paramref name="yPred"/> as the values.</summary>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null) => Update(yPred, sampleWeight);
    /// <inheritdoc/>
    public override float Result() => _total;
    /// <inheritdoc/>
    public override void ResetState() => _total = 0;
}

/// <summary>A metric that averages a per-sample function of targets and predictions (Keras's <c>MeanMetricWrapper</c>).</summary>
public abstract class MeanMetricWrapper(string name) : Metric(name)
{
    private readonly Mean _mean = new();

    /// <summary>The per-sample values for a batch.</summary>
    protected abstract Tensor Values(Tensor yTrue, Tensor yPred);

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        _mean.Update(Values(yTrue, yPred), sampleWeight);
    }
    /// <inheritdoc/>
    public override float Result() => _mean.Result();
    /// <inheritdoc/>
    public override void ResetState() => _mean.ResetState();

    internal static Tensor F32(Tensor t) => t.DType == DType.Float32 ? t : Ops.Cast(t, DType.Float32);
}

/// <summary>How often predictions equal targets exactly (element by element).</summary>
public sealed class Accuracy(string name = "accuracy") : MeanMetricWrapper(name)
{
    /// <inheritdoc/>
    public override string ClassName => "Accuracy";
    /// <inheritdoc/>
    protected override Tensor Values(Tensor yTrue, Tensor yPred)
    {
        if (yTrue.DType != yPred.DType) yTrue = Ops.Cast(yTrue, yPred.DType);
        return F32(Ops.Equal(yTrue, yPred));
    }
}

/// <summary>How often <c>y_pred &gt; threshold</c> matches the binary target (averaged over the last axis).</summary>
public sealed class BinaryAccuracy(double threshold = 0.5, string name = "binary_accuracy") : MeanMetricWrapper(name)
{
    /// <summary>The decision threshold.</summary>
    public double Threshold { get; } = threshold;
    /// <inheritdoc/>
    public override string ClassName => "BinaryAccuracy";
    /// <inheritdoc/>
    protected override Tensor Values(Tensor yTrue, Tensor yPred)
    {
        var p = F32(Ops.Greater(F32(yPred), Tensor.Scalar((float)Threshold)));
        var t = F32(yTrue);
        if (t.Rank == p.Rank - 1) t = Ops.ExpandDims(t, -1);
        return Ops.Mean(F32(Ops.Equal(t, p)), -1);
    }
    /// <inheritdoc/>
    public override JsonObject GetConfig() { var c = base.GetConfig(); c["threshold"] = Threshold; return c; }
}

/// <summary>How often the predicted class (argmax) equals the one-hot target's class.</summary>
public sealed class CategoricalAccuracy(string name = "categorical_accuracy") : MeanMetricWrapper(name)
{
    /// <inheritdoc/>
    public override string ClassName => "CategoricalAccuracy";
    /// <inheritdoc/>
    protected override Tensor Values(Tensor yTrue, Tensor yPred)
        => F32(Ops.Equal(Ops.ArgMax(yTrue, -1), Ops.ArgMax(yPred, -1)));
}

/// <summary>How often the predicted class (argmax) equals the integer label.</summary>
public sealed class SparseCategoricalAccuracy(string name = "sparse_categorical_accuracy") : MeanMetricWrapper(name)
{
    /// <inheritdoc/>
    public override string ClassName => "SparseCategoricalAccuracy";
    /// <inheritdoc/>
    protected override Tensor Values(Tensor yTrue, Tensor yPred)
    {
        var labels = SparseCategoricalCrossentropy.Labels(yTrue, yPred);
        var predicted = Ops.ArgMax(yPred, -1);
        if (predicted.DType != labels.DType) predicted = Ops.Cast(predicted, labels.DType);
        return F32(Ops.Equal(labels, predicted));
    }
}

/// <summary>How often the target class is among the <c>k</c> highest predictions (one-hot targets).</summary>
public sealed class TopKCategoricalAccuracy(int k = 5, string name = "top_k_categorical_accuracy") : MeanMetricWrapper(name)
{
    /// <summary>How many top predictions count.</summary>
    public int K { get; } = k;
    /// <inheritdoc/>
    public override string ClassName => "TopKCategoricalAccuracy";
    /// <inheritdoc/>
    protected override Tensor Values(Tensor yTrue, Tensor yPred)
    {
        var labels = Ops.ArgMax(yTrue, -1);
        return InTopK(labels, yPred, K);
    }

    internal static Tensor InTopK(Tensor labels, Tensor yPred, int k)
    {
        var p = F32(yPred);
        int classes = p.Shape[^1], rows = p.Size / classes;
        var pv = p.AsSpan<float>();
        var lv = Ops.Cast(labels, DType.Int32).AsSpan<int>();
        var result = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            var row = pv.Slice(r * classes, classes);
            float target = row[lv[r]];
            int greater = 0;
            foreach (var x in row) if (x > target) greater++;
            result[r] = greater < k ? 1 : 0;
        }
        return Tensor.From<float>(result, labels.Shape);
    }
    /// <inheritdoc/>
    public override JsonObject GetConfig() { var c = base.GetConfig(); c["k"] = K; return c; }
}

/// <summary>The mean of <c>mean(square(y_true - y_pred), axis=-1)</c>.</summary>
public sealed class MeanSquaredError(string name = "mean_squared_error") : MeanMetricWrapper(name)
{
    /// <inheritdoc/>
    public override string ClassName => "MeanSquaredError";
    /// <inheritdoc/>
    protected override Tensor Values(Tensor yTrue, Tensor yPred) => new Losses.MeanSquaredError().ComputeLosses(F32(yTrue), F32(yPred));
}

/// <summary>The mean of <c>mean(abs(y_true - y_pred), axis=-1)</c>.</summary>
public sealed class MeanAbsoluteError(string name = "mean_absolute_error") : MeanMetricWrapper(name)
{
    /// <inheritdoc/>
    public override string ClassName => "MeanAbsoluteError";
    /// <inheritdoc/>
    protected override Tensor Values(Tensor yTrue, Tensor yPred) => new Losses.MeanAbsoluteError().ComputeLosses(F32(yTrue), F32(yPred));
}

/// <summary>Counts of true/false positives/negatives at one or more thresholds (<c>y_pred &gt; threshold</c> is positive).</summary>
public abstract class ConfusionMetric : Metric
{
    private protected readonly float[] _thresholds;
    private protected readonly float[] _tp, _fp, _tn, _fn;

    /// <summary>Creates the counters.</summary>
    private protected ConfusionMetric(string name, float[] thresholds) : base(name)
    {
        _thresholds = thresholds;
        _tp = new float[thresholds.Length]; _fp = new float[thresholds.Length];
        _tn = new float[thresholds.Length]; _fn = new float[thresholds.Length];
    }

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        var p = MeanMetricWrapper.F32(yPred);
        var t = MeanMetricWrapper.F32(yTrue);
        if (t.Shape != p.Shape) t = Ops.Reshape(t, p.Shape);
        Tensor? w = null;
        if (sampleWeight is not null)
        {
            w = MeanMetricWrapper.F32(sampleWeight);
            while (w.Rank < p.Rank) w = Ops.ExpandDims(w, w.Rank);
            w = Ops.BroadcastTo(w, p.Shape);
        }
        var pv = p.AsSpan<float>();
        var tv = t.AsSpan<float>();
        ReadOnlySpan<float> wv = w is null ? default : w.AsSpan<float>();
        for (int i = 0; i < pv.Length; i++)
        {
            bool positive = tv[i] > 0.5f;
            float weight = w is null ? 1 : wv[i];
            for (int k = 0; k < _thresholds.Length; k++)
            {
                bool predicted = pv[i] > _thresholds[k];
                if (positive) { if (predicted) _tp[k] += weight; else _fn[k] += weight; }
                else { if (predicted) _fp[k] += weight; else _tn[k] += weight; }
            }
        }
    }

    /// <inheritdoc/>
    public override void ResetState()
    {
        Array.Clear(_tp); Array.Clear(_fp); Array.Clear(_tn); Array.Clear(_fn);
    }

    private protected static float DivideNoNan(float a, float b) => b == 0 ? 0 : a / b;
}

/// <summary>Precision: <c>tp / (tp + fp)</c> at <c>threshold</c> (default 0.5).</summary>
public sealed class Precision(double threshold = 0.5, string name = "precision") : ConfusionMetric(name, [(float)threshold])
{
    /// <inheritdoc/>
    public override string ClassName => "Precision";
    /// <inheritdoc/>
    public override float Result() => DivideNoNan(_tp[0], _tp[0] + _fp[0]);
    /// <inheritdoc/>
    public override JsonObject GetConfig() { var c = base.GetConfig(); c["thresholds"] = (double)_thresholds[0]; c["top_k"] = null; c["class_id"] = null; return c; }
}

/// <summary>Recall: <c>tp / (tp + fn)</c> at <c>threshold</c> (default 0.5).</summary>
public sealed class Recall(double threshold = 0.5, string name = "recall") : ConfusionMetric(name, [(float)threshold])
{
    /// <inheritdoc/>
    public override string ClassName => "Recall";
    /// <inheritdoc/>
    public override float Result() => DivideNoNan(_tp[0], _tp[0] + _fn[0]);
    /// <inheritdoc/>
    public override JsonObject GetConfig() { var c = base.GetConfig(); c["thresholds"] = (double)_thresholds[0]; c["top_k"] = null; c["class_id"] = null; return c; }
}

/// <summary>
/// Area under the ROC curve (Keras's <c>AUC</c>, <c>curve="ROC"</c>, <c>summation_method="interpolation"</c>):
/// confusion counts at <c>numThresholds</c> evenly spaced thresholds (plus -1e-7 and 1 + 1e-7), then the
/// trapezoidal sum of recall over false-positive rate.
/// </summary>
public sealed class AUC(int numThresholds = 200, string name = "auc") : ConfusionMetric(name, Thresholds(numThresholds))
{
    /// <summary>The number of thresholds.</summary>
    public int NumThresholds { get; } = numThresholds;
    /// <inheritdoc/>
    public override string ClassName => "AUC";

    private static float[] Thresholds(int n)
    {
        if (n <= 1) throw new ArgumentOutOfRangeException(nameof(n), n, "Argument `num_thresholds` must be an integer > 1.");
        var t = new float[n];
        t[0] = 0f - Loss.Epsilon;
        for (int i = 0; i < n - 2; i++) t[i + 1] = (float)((i + 1) * 1.0 / (n - 1));
        t[n - 1] = 1f + Loss.Epsilon;
        return t;
    }

    /// <inheritdoc/>
    public override float Result()
    {
        int n = _thresholds.Length;
        float sum = 0;
        for (int i = 0; i < n - 1; i++)
        {
            float y0 = DivideNoNan(_tp[i], _tp[i] + _fn[i]), y1 = DivideNoNan(_tp[i + 1], _tp[i + 1] + _fn[i + 1]);
            float x0 = DivideNoNan(_fp[i], _fp[i] + _tn[i]), x1 = DivideNoNan(_fp[i + 1], _fp[i + 1] + _tn[i + 1]);
            sum += (x0 - x1) * ((y0 + y1) / 2f);
        }
        return sum;
    }
    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["num_thresholds"] = NumThresholds; c["curve"] = "ROC"; c["summation_method"] = "interpolation";
        c["multi_label"] = false; c["label_weights"] = null;
        return c;
    }
}
