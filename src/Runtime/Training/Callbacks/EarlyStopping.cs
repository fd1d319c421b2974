namespace LayerGen.Callbacks;

/// <summary>
/// Stops training when a monitored quantity has stopped improving (Keras's <c>EarlyStopping</c>): an epoch
/// improves when it beats the best by more than <c>minDelta</c>; after <c>patience</c> epochs without
/// improvement training stops, optionally restoring the best epoch's weights.
/// </summary>
public sealed class EarlyStopping(string monitor = "val_loss", double minDelta = 0, int patience = 0, int verbose = 0, string mode = "auto",
    double? baseline = null, bool restoreBestWeights = false, int startFromEpoch = 0) : Callback
{
    private readonly bool _max = IsMaxMode(mode, monitor);
    private int _wait;
    private double _best;
    private Tensor[]? _bestWeights;

    /// <summary>The monitored log key.</summary>
    public string Monitor { get; } = monitor;
    /// <summary>The epoch training stopped on (0 when it did not stop early).</summary>
    public int StoppedEpoch { get; private set; }
    /// <summary>The epoch with the best monitored value.</summary>
    public int BestEpoch { get; private set; }
    /// <summary>The best monitored value.</summary>
    public double Best => _best;

    /// <inheritdoc/>
    public override void OnTrainBegin(IDictionary<string, double> logs)
    {
        _wait = 0; StoppedEpoch = 0; BestEpoch = 0; _bestWeights = null;
        _best = _max ? double.NegativeInfinity : double.PositiveInfinity;
    }

    private bool IsImprovement(double value, double reference)
        => _max ? value - Math.Abs(minDelta) > reference : value + Math.Abs(minDelta) < reference;

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (!logs.TryGetValue(Monitor, out var current) || epoch < startFromEpoch) return;
        var model = RequireModel();
        if (restoreBestWeights && _bestWeights is null) _bestWeights = model.GetWeights();
        _wait++;
        if (IsImprovement(current, _best))
        {
            _best = current;
            BestEpoch = epoch;
            if (restoreBestWeights) _bestWeights = model.GetWeights();
            if (baseline is null || IsImprovement(current, baseline.Value)) { _wait = 0; return; }
        }
        if (_wait >= patience && epoch > 0)
        {
            StoppedEpoch = epoch;
            model.StopTraining = true;
        }
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(IDictionary<string, double> logs)
    {
        if (StoppedEpoch > 0 && verbose > 0) Console.WriteLine($"Epoch {StoppedEpoch + 1}: early stopping");
        if (restoreBestWeights && _bestWeights is not null)
        {
            if (verbose > 0) Console.WriteLine($"Restoring model weights from the end of the best epoch: {BestEpoch + 1}.");
            RequireModel().SetWeights(_bestWeights);
        }
    }
}
