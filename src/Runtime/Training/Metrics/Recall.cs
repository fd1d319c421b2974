using System.Text.Json.Nodes;

namespace LayerGen.Metrics;

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
