using System.Globalization;

namespace LayerGen.Callbacks;

/// <summary>
/// Hooks into <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c> (Keras's <c>Callback</c>). Epoch numbers are
/// 0-based, as in Keras; <c>logs</c> maps metric names (<c>loss</c>, <c>accuracy</c>, <c>val_loss</c>...) to values.
/// </summary>
public abstract class Callback
{
    /// <summary>The model being trained (set by <c>Fit</c>).</summary>
    public Model? Model { get; private set; }

    /// <summary>The run's parameters: <c>epochs</c>, <c>steps</c>, <c>verbose</c>.</summary>
    public IReadOnlyDictionary<string, int> Params { get; private set; } = new Dictionary<string, int>();

    /// <summary>Attaches the callback to a model.</summary>
    public virtual void SetModel(Model model) => Model = model;

    /// <summary>Sets the run's parameters.</summary>
    public virtual void SetParams(IReadOnlyDictionary<string, int> parameters) => Params = parameters;

    /// <summary>The model, which must be set.</summary>
    protected Model RequireModel() => Model ?? throw new InvalidOperationException($"{GetType().Name}: no model is set (the callback runs inside Fit).");

    /// <summary>At the start of <c>Fit</c>.</summary>
    public virtual void OnTrainBegin(IDictionary<string, double> logs) { }
    /// <summary>At the end of <c>Fit</c>.</summary>
    public virtual void OnTrainEnd(IDictionary<string, double> logs) { }
    /// <summary>At the start of an epoch.</summary>
    public virtual void OnEpochBegin(int epoch, IDictionary<string, double> logs) { }
    /// <summary>At the end of an epoch; <paramref name="logs"/> holds the epoch's training and validation results.</summary>
    public virtual void OnEpochEnd(int epoch, IDictionary<string, double> logs) { }
    /// <summary>Before a training batch.</summary>
    public virtual void OnTrainBatchBegin(int batch, IDictionary<string, double> logs) { }
    /// <summary>After a training batch; <paramref name="logs"/> holds the running averages.</summary>
    public virtual void OnTrainBatchEnd(int batch, IDictionary<string, double> logs) { }
    /// <summary>At the start of <c>Evaluate</c> (also validation inside <c>Fit</c>).</summary>
    public virtual void OnTestBegin(IDictionary<string, double> logs) { }
    /// <summary>At the end of <c>Evaluate</c>.</summary>
    public virtual void OnTestEnd(IDictionary<string, double> logs) { }
    /// <summary>Before an evaluation batch.</summary>
    public virtual void OnTestBatchBegin(int batch, IDictionary<string, double> logs) { }
    /// <summary>After an evaluation batch.</summary>
    public virtual void OnTestBatchEnd(int batch, IDictionary<string, double> logs) { }
    /// <summary>At the start of <c>Predict</c>.</summary>
    public virtual void OnPredictBegin(IDictionary<string, double> logs) { }
    /// <summary>At the end of <c>Predict</c>.</summary>
    public virtual void OnPredictEnd(IDictionary<string, double> logs) { }
    /// <summary>Before a prediction batch.</summary>
    public virtual void OnPredictBatchBegin(int batch, IDictionary<string, double> logs) { }
    /// <summary>After a prediction batch.</summary>
    public virtual void OnPredictBatchEnd(int batch, IDictionary<string, double> logs) { }

    /// <summary>Whether a monitored quantity improves upward: <c>mode</c> "max", or "auto" with a name containing acc, auc, precision or recall.</summary>
    internal static bool IsMaxMode(string mode, string monitor) => mode switch
    {
        "min" => false,
        "max" => true,
        "auto" => monitor.Contains("acc", StringComparison.Ordinal) || monitor.Contains("auc", StringComparison.Ordinal)
            || monitor.Contains("precision", StringComparison.Ordinal) || monitor.Contains("recall", StringComparison.Ordinal),
        _ => throw new ArgumentException($"mode must be 'auto', 'min' or 'max'. Received: mode={mode}", nameof(mode)),
    };

    internal static string Format(double v) => v.ToString("0.#####", CultureInfo.InvariantCulture);
}

/// <summary>Several callbacks called in order (Keras's <c>CallbackList</c>).</summary>
public sealed class CallbackList : Callback
{
    private readonly List<Callback> _callbacks;

    /// <summary>Wraps <paramref name="callbacks"/>.</summary>
    public CallbackList(IEnumerable<Callback> callbacks) => _callbacks = [.. callbacks];

    /// <summary>The callbacks.</summary>
    public IReadOnlyList<Callback> Callbacks => _callbacks;

    /// <inheritdoc/>
    public override void SetModel(Model model) { base.SetModel(model); foreach (var c in _callbacks) c.SetModel(model); }
    /// <inheritdoc/>
    public override void SetParams(IReadOnlyDictionary<string, int> parameters) { base.SetParams(parameters); foreach (var c in _callbacks) c.SetParams(parameters); }
    /// <inheritdoc/>
    public override void OnTrainBegin(IDictionary<string, double> logs) { foreach (var c in _callbacks) c.OnTrainBegin(logs); }
    /// <inheritdoc/>
    public override void OnTrainEnd(IDictionary<string, double> logs) { foreach (var c in _callbacks) c.OnTrainEnd(logs); }
    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch, IDictionary<string, double> logs) { foreach (var c in _callbacks) c.OnEpochBegin(epoch, logs); }
    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs) { foreach (var c in _callbacks) c.OnEpochEnd(epoch, logs); }
    /// <inheritdoc/>
    public override void OnTrainBatchBegin(int batch, IDictionary<string, double> logs) { foreach (var c in _callbacks) c.OnTrainBatchBegin(batch, logs); }
    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, IDictionary<string, double> logs) { foreach (var c in _callbacks) c.OnTrainBatchEnd(batch, logs); }
    /// <inheritdoc/>
    public override void OnTestBegin(IDictionary<string, double> logs) { foreach (var c in _callbacks) c.OnTestBegin(logs); }
    /// <inheritdoc/>
    public override void OnTestEnd(IDictionary<string, double> logs) { foreach (var c in _callbacks) c.OnTestEnd(logs); }
    /// <inheritdoc/>
    public override void OnTestBatchBegin(int batch, IDictionary<string, double> logs) { foreach (var c in _callbacks) c.OnTestBatchBegin(batch, logs); }
    /// <inheritdoc/>
    public override void OnTestBatchEnd(int batch, IDictionary<string, double> logs) { foreach (var c in _callbacks) c.OnTestBatchEnd(batch, logs); }
    /// <inheritdoc/>
    public override void OnPredictBegin(IDictionary<string, double> logs) { foreach (var c in _callbacks) c.OnPredictBegin(logs); }
    /// <inheritdoc/>
    public override void OnPredictEnd(IDictionary<string, double> logs) { foreach (var c in _callbacks) c.OnPredictEnd(logs); }
    /// <inheritdoc/>
    public override void OnPredictBatchBegin(int batch, IDictionary<string, double> logs) { foreach (var c in _callbacks) c.OnPredictBatchBegin(batch, logs); }
    /// <inheritdoc/>
    public override void OnPredictBatchEnd(int batch, IDictionary<string, double> logs) { foreach (var c in _callbacks) c.OnPredictBatchEnd(batch, logs); }
}

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

/// <summary>Calls the given delegates (Keras's <c>LambdaCallback</c>).</summary>
public sealed class LambdaCallback(
    Action<int, IDictionary<string, double>>? onEpochBegin = null,
    Action<int, IDictionary<string, double>>? onEpochEnd = null,
    Action<int, IDictionary<string, double>>? onTrainBatchBegin = null,
    Action<int, IDictionary<string, double>>? onTrainBatchEnd = null,
    Action<IDictionary<string, double>>? onTrainBegin = null,
    Action<IDictionary<string, double>>? onTrainEnd = null) : Callback
{
    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch, IDictionary<string, double> logs) => onEpochBegin?.Invoke(epoch, logs);
    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs) => onEpochEnd?.Invoke(epoch, logs);
    /// <inheritdoc/>
    public override void OnTrainBatchBegin(int batch, IDictionary<string, double> logs) => onTrainBatchBegin?.Invoke(batch, logs);
    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, IDictionary<string, double> logs) => onTrainBatchEnd?.Invoke(batch, logs);
    /// <inheritdoc/>
    public override void OnTrainBegin(IDictionary<string, double> logs) => onTrainBegin?.Invoke(logs);
    /// <inheritdoc/>
    public override void OnTrainEnd(IDictionary<string, double> logs) => onTrainEnd?.Invoke(logs);
}

/// <summary>Stops training when the batch loss is NaN or infinite (Keras's <c>TerminateOnNaN</c>).</summary>
public sealed class TerminateOnNaN : Callback
{
    /// <summary>The batch on which training was stopped, or -1.</summary>
    public int StoppedBatch { get; private set; } = -1;

    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, IDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (logs.TryGetValue("loss", out var loss) && !double.IsFinite(loss))
        {
            Console.WriteLine($"Batch {batch}: Invalid loss, terminating training");
            StoppedBatch = batch;
            RequireModel().StopTraining = true;
        }
    }
}

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

/// <summary>Sets the learning rate at the start of each epoch from <c>schedule(epoch, currentLr)</c> (Keras's <c>LearningRateScheduler</c>).</summary>
public sealed class LearningRateScheduler(Func<int, double, double> schedule, int verbose = 0) : Callback
{
    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch, IDictionary<string, double> logs)
    {
        var optimizer = RequireModel().Optimizer ?? throw new InvalidOperationException("LearningRateScheduler: the model is not compiled.");
        double lr = schedule(epoch, (float)optimizer.LearningRate);
        optimizer.LearningRate = lr;
        if (verbose > 0) Console.WriteLine($"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {Format(lr)}.");
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        logs["learning_rate"] = (float)RequireModel().Optimizer!.LearningRate;
    }
}

/// <summary>Streams epoch results to a CSV file: a header <c>epoch,&lt;keys sorted&gt;</c>, then one row per epoch (Keras's <c>CSVLogger</c>).</summary>
public sealed class CSVLogger(string filename, string separator = ",", bool append = false) : Callback
{
    private StreamWriter? _writer;
    private List<string>? _keys;

    /// <summary>The file written.</summary>
    public string Filename { get; } = filename;

    /// <inheritdoc/>
    public override void OnTrainBegin(IDictionary<string, double> logs)
    {
        bool hasHeader = append && File.Exists(Filename) && new FileInfo(Filename).Length > 0;
        _writer = new StreamWriter(Filename, append) { NewLine = "\n" };
        if (hasHeader) _keys = null;
        _appendingToExisting = hasHeader;
    }

    private bool _appendingToExisting;

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (_writer is null) return;
        if (_keys is null)
        {
            _keys = logs.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
            if (!_appendingToExisting) _writer.WriteLine(string.Join(separator, new[] { "epoch" }.Concat(_keys)));
        }
        var row = new List<string> { epoch.ToString(CultureInfo.InvariantCulture) };
        foreach (var k in _keys) row.Add(logs.TryGetValue(k, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : "NA");
        _writer.WriteLine(string.Join(separator, row));
        _writer.Flush();
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(IDictionary<string, double> logs)
    {
        _writer?.Dispose();
        _writer = null;
        _keys = null;
    }
}

/// <summary>
/// Saves a LayerGen checkpoint of the model and its optimizer (<c>{"model", "optimizer"}</c>) after each epoch
/// (Keras's <c>ModelCheckpoint</c>). <c>filepath</c> may hold <c>{epoch}</c>, <c>{epoch:02d}</c> (1-based) and
/// log keys such as <c>{val_loss:.2f}</c>. With <c>saveBestOnly</c> it saves only when <c>monitor</c> improves.
/// </summary>
public sealed class ModelCheckpoint(string filepath, string monitor = "val_loss", int verbose = 0, bool saveBestOnly = false, string mode = "auto",
    double? initialValueThreshold = null) : Callback
{
    private readonly bool _max = IsMaxMode(mode, monitor);
    private double _best = initialValueThreshold ?? (IsMaxMode(mode, monitor) ? double.NegativeInfinity : double.PositiveInfinity);

    /// <summary>The paths written, in order.</summary>
    public List<string> Saved { get; } = [];

    /// <summary>The best monitored value so far.</summary>
    public double Best => _best;

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        var path = FormatPath(filepath, epoch + 1, logs);
        if (saveBestOnly)
        {
            if (!logs.TryGetValue(monitor, out var current))
            {
                Console.WriteLine($"Can save best model only with {monitor} available, skipping.");
                return;
            }
            bool better = _max ? current > _best : current < _best;
            if (!better)
            {
                if (verbose > 0) Console.WriteLine($"\nEpoch {epoch + 1}: {monitor} did not improve from {Format(_best)}");
                return;
            }
            if (verbose > 0) Console.WriteLine($"\nEpoch {epoch + 1}: {monitor} improved from {Format(_best)} to {Format(current)}, saving model to {path}");
            _best = current;
        }
        else if (verbose > 0) Console.WriteLine($"\nEpoch {epoch + 1}: saving model to {path}");
        var model = RequireModel();
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        var checkpoint = new Checkpoint { ["model"] = model };
        if (model.Optimizer is { } opt) checkpoint["optimizer"] = opt;
        checkpoint.Write(path);
        Saved.Add(path);
    }

    internal static string FormatPath(string template, int epoch, IDictionary<string, double> logs)
    {
        var sb = new System.Text.StringBuilder();
        int i = 0;
        while (i < template.Length)
        {
            int open = template.IndexOf('{', i);
            if (open < 0) { sb.Append(template, i, template.Length - i); break; }
            int close = template.IndexOf('}', open);
            if (close < 0) { sb.Append(template, i, template.Length - i); break; }
            sb.Append(template, i, open - i);
            var spec = template[(open + 1)..close];
            int colon = spec.IndexOf(':');
            string key = colon < 0 ? spec : spec[..colon], fmt = colon < 0 ? "" : spec[(colon + 1)..];
            double value = key == "epoch" ? epoch : logs.TryGetValue(key, out var v) ? v : double.NaN;
            sb.Append(FormatPython(value, fmt));
            i = close + 1;
        }
        return sb.ToString();
    }

    private static string FormatPython(double value, string fmt)
    {
        var c = CultureInfo.InvariantCulture;
        if (fmt.Length == 0) return value == Math.Floor(value) && Math.Abs(value) < 1e15 ? ((long)value).ToString(c) : value.ToString("R", c);
        if (fmt.EndsWith('d')) return ((long)value).ToString("D" + (fmt.Length > 1 ? int.Parse(fmt[..^1].TrimStart('0').PadLeft(1, '0'), c) : 0), c);
        if (fmt.EndsWith('f')) return value.ToString("F" + (fmt.StartsWith('.') ? fmt[1..^1] : "6"), c);
        if (fmt.EndsWith('e')) return value.ToString((fmt.StartsWith('.') ? "0." + new string('0', int.Parse(fmt[1..^1], c)) : "0.000000") + "e+00", c);
        return value.ToString(c);
    }
}
