namespace LayerGen.Callbacks;

/// <summary>
/// Multiplies the learning rate by <c>factor</c> when a monitored quantity has not improved (by more than
/// <c>minDelta</c>) for <c>patience</c> epochs, then waits <c>cooldown</c> epochs (Keras's <c>ReduceLROnPlateau</c>).
/// Adds <c>learning_rate</c> to the epoch logs.
/// </summary>
public sealed class ReduceLROnPlateau(string monitor = "val_loss", double factor = 0.1, int patience = 10, int verbose = 0, string mode = "auto",
    double minDelta = 1e-4, int cooldown = 0, double minLr = 0.0) : Callback
{
    private readonly bool _max = factor < 1.0 ? IsMaxMode(mode, monitor) : throw new ArgumentException("ReduceLROnPlateau does not support a factor >= 1.0.", nameof(factor));
    private int _wait, _cooldownCounter;
    private double _best;

    /// <inheritdoc/>
    public override void OnTrainBegin(IDictionary<string, double> logs)
    {
        _wait = 0; _cooldownCounter = 0;
        _best = _max ? double.NegativeInfinity : double.PositiveInfinity;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        var optimizer = RequireModel().Optimizer ?? throw new InvalidOperationException("ReduceLROnPlateau: the model is not compiled.");
        logs["learning_rate"] = (float)optimizer.LearningRate;
        if (!logs.TryGetValue(monitor, out var current)) return;
        bool inCooldown = _cooldownCounter > 0;
        if (inCooldown) { _cooldownCounter--; _wait = 0; }
        bool better = _max ? current > _best + minDelta : current < _best - minDelta;
        if (better) { _best = current; _wait = 0; }
        else if (!inCooldown)
        {
            _wait++;
            if (_wait >= patience)
            {
                double old = (float)optimizer.LearningRate;
                if (old > (float)minLr)
                {
                    double lr = Math.Max(old * factor, minLr);
                    optimizer.LearningRate = lr;
                    if (verbose > 0) Console.WriteLine($"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {Format((float)lr)}.");
                    _cooldownCounter = cooldown;
                    _wait = 0;
                }
            }
        }
    }
}
