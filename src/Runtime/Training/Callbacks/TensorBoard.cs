using LayerGen.Formats;

namespace LayerGen.Callbacks;

/// <summary>
/// Writes the epoch logs as TensorBoard scalars (Keras's <c>TensorBoard</c> callback): <c>logDir/train</c> gets
/// <c>epoch_loss</c>, <c>epoch_accuracy</c>... and <c>epoch_learning_rate</c>; <c>logDir/validation</c> gets the
/// <c>val_</c> values under the same tags. Run <c>tensorboard --logdir logDir</c> to see them.
/// </summary>
public sealed class TensorBoard(string logDir = "logs") : Callback
{
    private EventFileWriter? _train, _validation;

    /// <summary>The log directory.</summary>
    public string LogDir { get; } = logDir;

    /// <summary>The training run's event file (after training starts).</summary>
    public string? TrainFile => _train?.FilePath;

    /// <summary>The validation run's event file (after the first validation).</summary>
    public string? ValidationFile => _validation?.FilePath;

    /// <inheritdoc/>
    public override void OnTrainBegin(IDictionary<string, double> logs)
    {
        _train = new EventFileWriter(Path.Combine(LogDir, "train"));
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        _train ??= new EventFileWriter(Path.Combine(LogDir, "train"));
        var train = new List<(string, float)>();
        var val = new List<(string, float)>();
        foreach (var (k, v) in logs.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (k.StartsWith("val_", StringComparison.Ordinal)) val.Add(("epoch_" + k[4..], (float)v));
            else if (k != "learning_rate") train.Add(("epoch_" + k, (float)v));
        }
        if (RequireModel().Optimizer is { } opt) train.Add(("epoch_learning_rate", (float)opt.LearningRate));
        foreach (var (tag, v) in train) _train.AddScalar(tag, v, epoch);
        _train.Flush();
        if (val.Count > 0)
        {
            _validation ??= new EventFileWriter(Path.Combine(LogDir, "validation"));
            foreach (var (tag, v) in val) _validation.AddScalar(tag, v, epoch);
            _validation.Flush();
        }
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(IDictionary<string, double> logs)
    {
        _train?.Dispose();
        _validation?.Dispose();
    }
}
