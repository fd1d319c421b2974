using System.Text.Json.Nodes;

namespace LayerGen.Metrics;

/// <summary>Recall: <c>tp / (tp + fn)</c> at <c>threshold</c> (default 0.5).</summary>
[KerasSerializable("recall", Package = "keras.metrics")]
public sealed partial class Recall(double threshold = 0.5, string name = "recall") : ConfusionMetric(name, [(float)threshold])
{
    /// <inheritdoc/>
    public override float Result() => DivideNoNan(_tp[0], _tp[0] + _fn[0]);
    /// <inheritdoc/>
    public override JsonObject GetConfig() { var c = base.GetConfig(); c["thresholds"] = (double)_thresholds[0]; c["top_k"] = null; c["class_id"] = null; return c; }

    /// <summary>Reads the config <see cref="GetConfig"/> writes (one threshold, no <c>top_k</c> or <c>class_id</c>).</summary>
    public static Recall FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new Recall(ReadSingleThreshold(config, "Recall"), Config.ReadString(config, "name", "Recall", "recall") ?? "recall");
    }
}
