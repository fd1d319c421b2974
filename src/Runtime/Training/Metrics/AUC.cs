using System.Text.Json.Nodes;
using LayerGen.Losses;

namespace LayerGen.Metrics;

/// <summary>
/// Area under the ROC curve (Keras's <c>AUC</c>, <c>curve="ROC"</c>, <c>summation_method="interpolation"</c>):
/// confusion counts at <c>numThresholds</c> evenly spaced thresholds (plus -1e-7 and 1 + 1e-7), then the
/// trapezoidal sum of recall over false-positive rate.
/// </summary>
[KerasSerializable("auc", Package = "keras.metrics")]
public sealed partial class AUC(int numThresholds = 200, string name = "auc") : ConfusionMetric(name, Thresholds(numThresholds))
{
    /// <summary>The number of thresholds.</summary>
    public int NumThresholds { get; } = numThresholds;

    private static float[] Thresholds(int n)
    {
        if (n <= 1) throw new ArgumentOutOfRangeException(nameof(n), n, "Argument `num_thresholds` must be an integer > 1.");
        var t = new float[n];
        t[0] = (float)-Loss.Epsilon;
        for (int i = 0; i < n - 2; i++) t[i + 1] = (float)((i + 1) * 1.0 / (n - 1));
        t[n - 1] = 1f + (float)Loss.Epsilon;
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

    /// <summary>Reads the config <see cref="GetConfig"/> writes; refuses the settings LayerGen's AUC does not have.</summary>
    public static AUC FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (Config.ReadStringOrNull(config, "curve", "AUC") is { } curve && curve != "ROC")
            throw new ConfigException($"AUC with curve={curve} is not supported by LayerGen (ROC only).");
        if (Config.ReadStringOrNull(config, "summation_method", "AUC") is { } sm && sm != "interpolation")
            throw new ConfigException($"AUC with summation_method={sm} is not supported by LayerGen (interpolation only).");
        if (Config.ReadBooleanOrNull(config, "multi_label", "AUC") is true)
            throw new ConfigException("AUC with multi_label=True is not supported by LayerGen.");
        if (Config.ReadBooleanOrNull(config, "from_logits", "AUC") is true)
            throw new ConfigException("AUC with from_logits=True is not supported by LayerGen.");
        if (config["thresholds"] is not null)
            throw new ConfigException("AUC with explicit thresholds is not supported by LayerGen (num_thresholds only).");
        if (config["label_weights"] is not null)
            throw new ConfigException("AUC with label_weights is not supported by LayerGen.");
        return new AUC(Config.ReadInt32(config, "num_thresholds", "AUC", 200), Config.ReadString(config, "name", "AUC", "auc") ?? "auc");
    }
}
