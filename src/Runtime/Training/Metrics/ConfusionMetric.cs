using System.Text.Json.Nodes;

namespace LayerGen.Metrics;

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

    /// <inheritdoc/>
    internal override int SummableStateLength => 4 * _thresholds.Length;

    /// <inheritdoc/>
    internal override void ReadSummableState(Span<double> into)
    {
        int n = _thresholds.Length;
        for (int k = 0; k < n; k++)
        {
            into[k] = _tp[k]; into[n + k] = _fp[k]; into[2 * n + k] = _tn[k]; into[3 * n + k] = _fn[k];
        }
    }

    /// <inheritdoc/>
    internal override float ResultOfSummedState(ReadOnlySpan<double> summed)
    {
        // The subclasses' Result reads the counters: put the summed counts in them for the call, then restore this
        // replica's own (its running state for the next batches).
        int n = _thresholds.Length;
        var own = new double[4 * n];
        ReadSummableState(own);
        WriteState(summed);
        try { return Result(); }
        finally { WriteState(own); }
    }

    private void WriteState(ReadOnlySpan<double> state)
    {
        int n = _thresholds.Length;
        for (int k = 0; k < n; k++)
        {
            _tp[k] = (float)state[k]; _fp[k] = (float)state[n + k]; _tn[k] = (float)state[2 * n + k]; _fn[k] = (float)state[3 * n + k];
        }
    }

    private protected static float DivideNoNan(float a, float b) => b == 0 ? 0 : a / b;

    /// <summary>The one threshold of a Precision or Recall config (a number or a one-element list; 0.5 when absent).</summary>
    private protected static double ReadSingleThreshold(JsonObject config, string className)
    {
        if (config["top_k"] is not null || config["class_id"] is not null)
            throw new ConfigException($"{className} with top_k or class_id is not supported by LayerGen.");
        return config["thresholds"] switch
        {
            null => 0.5,
            JsonArray { Count: 1 } one => Config.ReadDouble(new JsonObject { ["thresholds"] = one[0]?.DeepClone() }, "thresholds", className),
            JsonArray => throw new ConfigException($"{className} with several thresholds is not supported by LayerGen."),
            _ => Config.ReadDouble(config, "thresholds", className),
        };
    }
}
