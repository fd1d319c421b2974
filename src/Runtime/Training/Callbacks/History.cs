namespace LayerGen.Callbacks;

/// <summary>Records every epoch's logs; <c>Fit</c> returns it (Keras's <c>History</c>).</summary>
public sealed class History : Callback
{
    /// <summary>The epochs run (0-based).</summary>
    public List<int> Epoch { get; } = [];

    /// <summary>Each log key's values, one per epoch (Keras's <c>history.history</c>).</summary>
    public Dictionary<string, List<double>> Values { get; } = new(StringComparer.Ordinal);

    /// <summary>The values of one log key, one per epoch: <c>history["loss"]</c>.</summary>
    public IReadOnlyList<double> this[string key] => Values.TryGetValue(key, out var list) ? list
        : throw new KeyNotFoundException($"History has no '{key}'. Keys: {string.Join(", ", Values.Keys)}.");

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        Epoch.Add(epoch);
        foreach (var (k, v) in logs)
        {
            if (!Values.TryGetValue(k, out var list)) Values[k] = list = [];
            list.Add(v);
        }
    }
}
