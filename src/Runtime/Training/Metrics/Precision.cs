using System.Text.Json.Nodes;

namespace LayerGen.Metrics;

/// <summary>Precision: <c>tp / (tp + fp)</c> at <c>threshold</c> (default 0.5).</summary>
[KerasSerializable("precision", Package = "keras.metrics")]
public sealed partial class Precision(double threshold = 0.5, string name = "precision") : ConfusionMetric(name, [(float)threshold])
{
    /// <inheritdoc/>
    public override float Result() => DivideNoNan(_tp[0], _tp[0] + _fp[0]);
    /// <inheritdoc/>
    public override JsonObject GetConfig() { var c = base.GetConfig(); c["thresholds"] = (double)_thresholds[0]; c["top_k"] = null; c["class_id"] = null; return c; }

    /// <summary>Reads the config <see cref="GetConfig"/> writes (one threshold, no <c>top_k</c> or <c>class_id</c>).</summary>
    public static Precision FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new Precision(ReadSingleThreshold(config, "Precision"), Config.ReadString(config, "name", "Precision", "precision") ?? "precision");
    }
}
