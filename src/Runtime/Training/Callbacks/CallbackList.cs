namespace LayerGen.Callbacks;

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
