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
