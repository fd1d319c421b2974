using LayerGen.Callbacks;
using LayerGen.Losses;
using LayerGen.Metrics;
using LayerGen.Optimizers;

namespace LayerGen;

// Training: Compile, Fit, Evaluate, Predict, the *OnBatch methods and the overridable steps (Keras 3's Trainer).
public partial class Model
{
    private readonly List<Metric> _compiledMetrics = [];
    private readonly Mean _lossTracker = new("loss");
    private bool _metricsResolved;
    private IReadOnlyList<Variable>? _trainVariables;
    private Constraint?[]? _trainConstraints;

    /// <summary>The optimizer given to <see cref="Compile"/>, or null before.</summary>
    public Optimizer? Optimizer { get; private set; }

    /// <summary>The loss given to <see cref="Compile"/> (null: the model's own <see cref="Layer.Losses"/> only).</summary>
    public Loss? Loss { get; private set; }

    /// <summary>The compiled metrics, in order (<c>"accuracy"</c> is resolved to a concrete accuracy on the first batch).</summary>
    public IReadOnlyList<Metric> CompiledMetrics => _compiledMetrics;

    /// <summary>The running mean of the loss over the batches of the current epoch or evaluation (<c>loss</c> in the logs).</summary>
    public Mean LossTracker => _lossTracker;

    /// <summary>Whether <see cref="Compile"/> has run.</summary>
    public bool IsCompiled => Optimizer is not null;

    /// <summary>Set by callbacks (<see cref="EarlyStopping"/>, <see cref="TerminateOnNaN"/>) to end <c>Fit</c> after the current batch.</summary>
    public bool StopTraining { get; set; }

    /// <summary>The <see cref="Callbacks.History"/> of the last <c>Fit</c>.</summary>
    public History? History { get; private set; }

    /// <summary>
    /// Configures the model for training: <c>model.Compile(optimizer: "adam", loss: "mse", metrics: ["accuracy"])</c>
    /// or with objects (<c>new Adam(learningRate: 1e-3)</c>, <c>new BinaryCrossentropy(fromLogits: true)</c>).
    /// A model already built gets its optimizer built too (so a checkpoint can be restored into it before training).
    /// </summary>
    public void Compile(Optimizer? optimizer = null, Loss? loss = null, IEnumerable<Metric>? metrics = null)
    {
        Optimizer = optimizer ?? new RMSprop();
        Loss = loss;
        _compiledMetrics.Clear();
        if (metrics is not null) _compiledMetrics.AddRange(metrics);
        _metricsResolved = false;
        _trainVariables = null;
        if (IsBuilt && TrainableVariables.Count > 0) Optimizer.Build(this);
    }

    private Optimizer RequireCompiled() => Optimizer ?? throw new InvalidOperationException(
        $"You must call `Compile()` before using the model \"{Name}\" for training or evaluation.");

    // ------------------------------------------------------------------ the steps

    /// <summary>
    /// Calls the model on <paramref name="x"/> with <paramref name="training"/> set for every layer beneath it
    /// (also in subclassed models whose <c>Call</c> takes no training flag); the losses of the last call are cleared first.
    /// </summary>
    public Tensor CallWithTraining(Tensor x, bool training)
    {
        ArgumentNullException.ThrowIfNull(x);
        Tensor[] outputs;
        if (CallContext.Current is not null)
            outputs = Invoke(new CallArguments([x], null, training));
        else
        {
            var context = CallContext.Begin();
            context.Training = training;
            ClearLosses();
            try { outputs = Invoke(new CallArguments([x], null, training)); }
            finally { CallContext.End(); }
        }
        if (outputs.Length != 1) throw new NotSupportedException($"Model \"{Name}\" has {outputs.Length} outputs; training supports single-output models.");
        return outputs[0];
    }

    /// <summary>
    /// The total loss of a batch (Keras's <c>compute_loss</c>): the compiled loss of <paramref name="y"/> and
    /// <paramref name="yPred"/> weighted by <paramref name="sampleWeight"/>, plus the sum of the layers'
    /// <see cref="Layer.Losses"/> (<c>AddLoss</c>, weight regularizers, activity regularizers).
    /// </summary>
    public virtual Tensor ComputeLoss(Tensor x, Tensor? y, Tensor yPred, Tensor? sampleWeight)
    {
        ArgumentNullException.ThrowIfNull(yPred);
        Tensor? total = null;
        if (Loss is { } loss)
        {
            if (y is null) throw new ArgumentException($"Model \"{Name}\" was compiled with a loss but no targets were given.", nameof(y));
            total = loss.Call(y, yPred, sampleWeight);
        }
        foreach (var l in Losses)
        {
            var s = l.Rank == 0 ? l : Ops.Sum(l);
            if (s.DType != yPred.DType) s = Ops.Cast(s, yPred.DType);
            total = total is null ? s : Ops.Add(total, s);
        }
        return total ?? throw new InvalidOperationException($"Model \"{Name}\" has no loss to minimize: compile it with a loss or add losses in its layers.");
    }

    /// <summary>
    /// Updates the loss tracker (weighted by the batch size, as Keras does) and the compiled metrics (unweighted),
    /// and returns the running results: <c>loss</c>, then each metric by name.
    /// </summary>
    public virtual Dictionary<string, double> ComputeMetrics(Tensor x, Tensor? y, Tensor yPred, Tensor loss, Tensor? sampleWeight)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(yPred);
        ArgumentNullException.ThrowIfNull(loss);
        _lossTracker.Update(loss.DType == DType.Float32 ? loss.ToScalar<float>() : Ops.Cast(loss, DType.Float32).ToScalar<float>(), x.Rank > 0 ? x.Shape[0] : 1);
        if (y is not null)
        {
            ResolveMetrics(y, yPred);
            foreach (var m in _compiledMetrics) m.UpdateState(y, yPred);
        }
        return MetricsResult();
    }

    /// <summary>The current results of the loss tracker and the compiled metrics.</summary>
    public Dictionary<string, double> MetricsResult()
    {
        var logs = new Dictionary<string, double>(StringComparer.Ordinal) { ["loss"] = _lossTracker.Result() };
        foreach (var m in _compiledMetrics) logs[m.Name] = m.Result();
        return logs;
    }

    /// <summary>Clears the loss tracker and every compiled metric.</summary>
    public void ResetMetrics()
    {
        _lossTracker.ResetState();
        foreach (var m in _compiledMetrics) m.ResetState();
    }

    private void ResolveMetrics(Tensor y, Tensor yPred)
    {
        if (_metricsResolved) return;
        _metricsResolved = true;
        for (int i = 0; i < _compiledMetrics.Count; i++)
        {
            var m = _compiledMetrics[i];
            if (!m.FromIdentifier || m is not Accuracy) continue;
            bool binaryLoss = Loss is BinaryCrossentropy;
            bool sparse = Loss is SparseCategoricalCrossentropy;
            bool predLastDim1 = yPred.Rank > 0 && yPred.Shape[^1] == 1;
            bool trueRank1 = y.Rank == 1;
            Metric resolved = predLastDim1 || binaryLoss ? new BinaryAccuracy(name: m.Name)
                : sparse || trueRank1 || (y.Rank == yPred.Rank && y.Shape[^1] == 1) ? new SparseCategoricalAccuracy(name: m.Name)
                : new CategoricalAccuracy(name: m.Name);
            resolved.FromIdentifier = true; // still the user's "accuracy": saved as that string, resolved again on load
            _compiledMetrics[i] = resolved;
        }
    }

    private void PrepareTrainVariables()
    {
        if (_trainVariables is not null) return;
        var optimizer = RequireCompiled();
        if (!optimizer.IsBuilt) optimizer.Build(this);
        _trainVariables = TrainableVariables;
        var layers = new List<Layer> { this };
        layers.AddRange(SubLayers());
        _trainConstraints = new Constraint?[_trainVariables.Count];
        for (int i = 0; i < _trainVariables.Count; i++)
            foreach (var l in layers)
                if (l.GetConstraint(_trainVariables[i]) is { } c) { _trainConstraints[i] = c; break; }
    }

    /// <summary>
    /// One training step (Keras's <c>train_step</c>): forward pass with <c>training: true</c> under a
    /// <see cref="GradientTape"/>, <see cref="ComputeLoss"/>, gradients, the optimizer's update (constraints
    /// applied after it), then <see cref="ComputeMetrics"/>. Override it for a custom training loop.
    /// </summary>
    public virtual Dictionary<string, double> TrainStep(Tensor x, Tensor? y, Tensor? sampleWeight)
    {
        ArgumentNullException.ThrowIfNull(x);
        var optimizer = RequireCompiled();
        if (!IsBuilt || _trainVariables is null)
        {
            // Build on a first call if needed, so the optimizer sees every variable.
            if (!IsBuilt || TrainableVariables.Count == 0) CallWithTraining(x, training: false);
            PrepareTrainVariables();
        }
        var variables = _trainVariables!;
        Tensor yPred, loss;
        Tensor?[] grads;
        using (var tape = new GradientTape())
        {
            yPred = CallWithTraining(x, training: true);
            loss = ComputeLoss(x, y, yPred, sampleWeight);
            grads = tape.Gradient(loss, [.. variables]);
        }
        optimizer.Apply(grads, variables, _trainConstraints);
        return ComputeMetrics(x, y, yPred, loss, sampleWeight);
    }

    /// <summary>One evaluation step (Keras's <c>test_step</c>): forward pass with <c>training: false</c>, loss, metrics.</summary>
    public virtual Dictionary<string, double> TestStep(Tensor x, Tensor? y, Tensor? sampleWeight)
    {
        ArgumentNullException.ThrowIfNull(x);
        RequireCompiled();
        var yPred = CallWithTraining(x, training: false);
        var loss = ComputeLoss(x, y, yPred, sampleWeight);
        return ComputeMetrics(x, y, yPred, loss, sampleWeight);
    }

    /// <summary>One prediction step (Keras's <c>predict_step</c>): the model called with <c>training: false</c>.</summary>
    public virtual Tensor PredictStep(Tensor x) => CallWithTraining(x, training: false);

    // ------------------------------------------------------------------ batch methods

    /// <summary>Runs one training step on one batch (metrics reset first unless <paramref name="resetMetrics"/> is false); returns the logs.</summary>
    public Dictionary<string, double> TrainOnBatch(Tensor x, Tensor? y = null, Tensor? sampleWeight = null, IReadOnlyDictionary<int, double>? classWeight = null, bool resetMetrics = true)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (resetMetrics) ResetMetrics();
        return TrainStep(x, y, WithClassWeights(y, sampleWeight, classWeight));
    }

    /// <summary>Evaluates one batch (metrics reset first unless <paramref name="resetMetrics"/> is false); returns the logs.</summary>
    public Dictionary<string, double> TestOnBatch(Tensor x, Tensor? y = null, Tensor? sampleWeight = null, bool resetMetrics = true)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (resetMetrics) ResetMetrics();
        return TestStep(x, y, sampleWeight);
    }

    /// <summary>Predicts one batch.</summary>
    public Tensor PredictOnBatch(Tensor x) => PredictStep(x);

    // ------------------------------------------------------------------ fit / evaluate / predict

    /// <summary>
    /// Trains the model (Keras's <c>fit</c>) on tensors: <paramref name="epochs"/> passes over <paramref name="x"/>
    /// and <paramref name="y"/> in batches of <paramref name="batchSize"/> (default 32), shuffled each epoch
    /// (from the global seed) unless <paramref name="shuffle"/> is false. Validation on
    /// <paramref name="validationData"/> or on the last <paramref name="validationSplit"/> fraction of the samples
    /// (taken before shuffling) adds <c>val_</c> entries to the logs. <paramref name="verbose"/>: 0 silent,
    /// 1 progress bar, 2 one line per epoch. Returns the <see cref="Callbacks.History"/>.
    /// </summary>
    public History Fit(Tensor x, Tensor? y = null, int? batchSize = null, int epochs = 1, int verbose = 1,
        IEnumerable<Callback>? callbacks = null, double validationSplit = 0, (Tensor X, Tensor Y)? validationData = null,
        bool shuffle = true, IReadOnlyDictionary<int, double>? classWeight = null, Tensor? sampleWeight = null,
        int initialEpoch = 0, int validationFreq = 1, int? validationBatchSize = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (validationSplit is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(validationSplit), validationSplit, "validation_split must be in [0, 1).");
        int bs = batchSize ?? 32;
        Dataset? validation = null;
        if (validationData is { } vd) validation = Dataset.FromTensors(vd.X, vd.Y).Batch(validationBatchSize ?? bs);
        else if (validationSplit > 0)
        {
            int n = x.Shape[0];
            int split = (int)Math.Floor(n * (1 - validationSplit));
            if (split <= 0 || split >= n) throw new ArgumentException($"validation_split={validationSplit} leaves no training or no validation samples out of {n}.", nameof(validationSplit));
            validation = Dataset.FromTensors(x[split..n], y?[split..n], sampleWeight?[split..n]).Batch(validationBatchSize ?? bs);
            x = x[0..split];
            y = y?[0..split];
            sampleWeight = sampleWeight?[0..split];
        }
        var train = Dataset.FromTensors(x, y, WithClassWeights(y, sampleWeight, classWeight)).Batch(bs);
        if (shuffle) train = train.Shuffle(RandomGenerator.Global.NextInt(int.MaxValue));
        return FitBatches(train, epochs, verbose, callbacks, validation, null, initialEpoch, validationFreq);
    }

    /// <summary>Trains on .NET arrays (converted with <see cref="Dataset.ToTensor"/>); see the tensor overload.</summary>
    public History Fit(Array x, Array y, int? batchSize = null, int epochs = 1, int verbose = 1, IEnumerable<Callback>? callbacks = null,
        double validationSplit = 0, bool shuffle = true, IReadOnlyDictionary<int, double>? classWeight = null, int initialEpoch = 0)
        => Fit(Dataset.ToTensor(x), Dataset.ToTensor(y), batchSize, epochs, verbose, callbacks, validationSplit, null, shuffle, classWeight, null, initialEpoch);

    /// <summary>Trains on a <see cref="Dataset"/> of batches (its own batching and shuffling apply); validation on another dataset.</summary>
    public History Fit(Dataset dataset, int epochs = 1, int verbose = 1, IEnumerable<Callback>? callbacks = null, Dataset? validationData = null,
        IReadOnlyDictionary<int, double>? classWeight = null, int initialEpoch = 0, int validationFreq = 1)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return FitBatches(dataset, epochs, verbose, callbacks, validationData, classWeight, initialEpoch, validationFreq);
    }

    private History FitBatches(Dataset train, int epochs, int verbose, IEnumerable<Callback>? callbacks, Dataset? validation,
        IReadOnlyDictionary<int, double>? classWeight, int initialEpoch, int validationFreq)
    {
        RequireCompiled();
        var history = new History();
        var list = new List<Callback>();
        if (callbacks is not null) list.AddRange(callbacks);
        list.Add(history);
        if (verbose != 0 && !list.Any(c => c is ProgbarLogger)) list.Add(new ProgbarLogger());
        var cbs = new CallbackList(list);
        cbs.SetModel(this);
        cbs.SetParams(new Dictionary<string, int> { ["epochs"] = epochs, ["steps"] = train.Cardinality, ["verbose"] = verbose });
        StopTraining = false;
        History = history;
        var empty = new Dictionary<string, double>(StringComparer.Ordinal);
        cbs.OnTrainBegin(empty);
        Dictionary<string, double>? lastEpochLogs = null;
        for (int epoch = initialEpoch; epoch < epochs; epoch++)
        {
            ResetMetrics();
            cbs.OnEpochBegin(epoch, new Dictionary<string, double>(StringComparer.Ordinal));
            Dictionary<string, double> logs = MetricsResult();
            int step = 0;
            foreach (var batch in train)
            {
                cbs.OnTrainBatchBegin(step, new Dictionary<string, double>(StringComparer.Ordinal));
                var sw = classWeight is null ? batch.SampleWeight : WithClassWeights(batch.Y, batch.SampleWeight, classWeight);
                logs = TrainStep(batch.X, batch.Y, sw);
                cbs.OnTrainBatchEnd(step, new Dictionary<string, double>(logs, StringComparer.Ordinal));
                step++;
                if (StopTraining) break;
            }
            var epochLogs = new Dictionary<string, double>(logs, StringComparer.Ordinal);
            if (validation is not null && (epoch + 1) % Math.Max(1, validationFreq) == 0)
            {
                var valLogs = EvaluateBatches(validation, cbs, inFit: true);
                foreach (var (k, v) in valLogs) epochLogs["val_" + k] = v;
            }
            cbs.OnEpochEnd(epoch, epochLogs);
            lastEpochLogs = epochLogs;
            if (StopTraining) break;
        }
        cbs.OnTrainEnd(lastEpochLogs ?? empty);
        return history;
    }

    /// <summary>
    /// Returns the loss and metrics on <paramref name="x"/>, <paramref name="y"/> in batches of
    /// <paramref name="batchSize"/> (default 32), with <c>training: false</c> (Keras's <c>evaluate(return_dict=True)</c>).
    /// </summary>
    public Dictionary<string, double> Evaluate(Tensor x, Tensor? y = null, int? batchSize = null, int verbose = 1, Tensor? sampleWeight = null, IEnumerable<Callback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Evaluate(Dataset.FromTensors(x, y, sampleWeight).Batch(batchSize ?? 32), verbose, callbacks);
    }

    /// <summary>Evaluates on a <see cref="Dataset"/> of batches.</summary>
    public Dictionary<string, double> Evaluate(Dataset dataset, int verbose = 1, IEnumerable<Callback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        RequireCompiled();
        var list = callbacks?.ToList() ?? [];
        if (verbose != 0 && !list.Any(c => c is ProgbarLogger)) list.Add(new ProgbarLogger());
        var cbs = new CallbackList(list);
        cbs.SetModel(this);
        cbs.SetParams(new Dictionary<string, int> { ["steps"] = dataset.Cardinality, ["verbose"] = verbose });
        return EvaluateBatches(dataset, cbs, inFit: false);
    }

    private Dictionary<string, double> EvaluateBatches(Dataset data, Callback cbs, bool inFit)
    {
        ResetMetrics();
        cbs.OnTestBegin(new Dictionary<string, double>(StringComparer.Ordinal));
        Dictionary<string, double> logs = MetricsResult();
        int step = 0;
        foreach (var batch in data)
        {
            cbs.OnTestBatchBegin(step, new Dictionary<string, double>(StringComparer.Ordinal));
            logs = TestStep(batch.X, batch.Y, batch.SampleWeight);
            cbs.OnTestBatchEnd(step, new Dictionary<string, double>(logs, StringComparer.Ordinal));
            step++;
        }
        cbs.OnTestEnd(new Dictionary<string, double>(logs, StringComparer.Ordinal));
        if (inFit) ResetMetricsAfterValidation();
        return logs;
    }

    private void ResetMetricsAfterValidation() { /* the next epoch resets them */ }

    /// <summary>
    /// The model's inference (<see cref="PredictStep"/>, <c>training: false</c>) traced for inputs of exactly
    /// <paramref name="input"/> and prepared as an <see cref="ExecutionPlan"/>, as Keras traces its
    /// <c>predict_function</c>: planned buffers, dense layers fused with their bias and activation, nothing
    /// allocated per run once warm. The plan reads the model's variables at each run (training later is seen);
    /// its outputs are overwritten by the next run. The model must be built or buildable from <paramref name="input"/>.
    /// </summary>
    public ExecutionPlan Plan(TensorSpec input)
    {
        if (!input.Shape.IsFullyDefined)
            throw new ArgumentException($"{Name}.Plan: the input spec {input} needs a fully defined shape (fix the batch size the plan runs at).", nameof(input));
        // Variables are created by a first concrete call; tracing then captures them.
        if (!IsBuilt) PredictStep(Tensor.Zeros(input.Shape, input.DType));
        return TensorFunction.Trace(PredictStep, Name + "_predict").Plan(input);
    }

    /// <summary>The model's outputs for <paramref name="x"/>, computed in batches of <paramref name="batchSize"/> (default 32) with <c>training: false</c>.</summary>
    public Tensor Predict(Tensor x, int? batchSize = null, int verbose = 1, IEnumerable<Callback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Predict(Dataset.FromTensors(x).Batch(batchSize ?? 32), verbose, callbacks);
    }

    /// <summary>Predicts every batch of a <see cref="Dataset"/> (targets ignored) and concatenates the outputs.</summary>
    public Tensor Predict(Dataset dataset, int verbose = 1, IEnumerable<Callback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var list = callbacks?.ToList() ?? [];
        if (verbose != 0 && !list.Any(c => c is ProgbarLogger)) list.Add(new ProgbarLogger());
        var cbs = new CallbackList(list);
        cbs.SetModel(this);
        cbs.SetParams(new Dictionary<string, int> { ["steps"] = dataset.Cardinality, ["verbose"] = verbose });
        var empty = new Dictionary<string, double>(StringComparer.Ordinal);
        cbs.OnPredictBegin(empty);
        var outputs = new List<Tensor>();
        int step = 0;
        foreach (var batch in dataset)
        {
            cbs.OnPredictBatchBegin(step, empty);
            outputs.Add(PredictStep(batch.X));
            cbs.OnPredictBatchEnd(step, empty);
            step++;
        }
        cbs.OnPredictEnd(empty);
        return outputs.Count == 1 ? outputs[0] : Ops.Concat(outputs, 0);
    }

    /// <summary>Per-sample weights from <paramref name="classWeight"/> (class index to weight), read from integer labels or one-hot rows.</summary>
    private static Tensor? WithClassWeights(Tensor? y, Tensor? sampleWeight, IReadOnlyDictionary<int, double>? classWeight)
    {
        if (classWeight is null) return sampleWeight;
        if (y is null) throw new ArgumentException("class_weight needs targets.", nameof(y));
        if (sampleWeight is not null) throw new ArgumentException("You cannot use `class_weight` and `sample_weight` at the same time.", nameof(classWeight));
        Tensor labels = y.Rank >= 2 && y.Shape[^1] > 1 ? Ops.ArgMax(y, -1) : y;
        var values = Ops.Cast(Ops.Reshape(labels, [labels.Shape.Size]), DType.Float64).AsSpan<double>();
        var w = new float[values.Length];
        for (int i = 0; i < w.Length; i++)
        {
            int cls = (int)Math.Round(values[i]);
            w[i] = classWeight.TryGetValue(cls, out var cw) ? (float)cw : 1f;
        }
        return Tensor.From<float>(w, [w.Length]);
    }

    // ------------------------------------------------------------------ weights

    /// <summary>Copies of the values of every variable (trainable first), as Keras's <c>get_weights()</c>.</summary>
    public Tensor[] GetWeights() => Variables.Select(v => v.Value()).ToArray();

    /// <summary>Assigns values to every variable, in the order of <see cref="GetWeights"/>.</summary>
    public void SetWeights(IReadOnlyList<Tensor> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var vars = Variables;
        if (weights.Count != vars.Count)
            throw new ArgumentException($"You called `SetWeights(weights)` on model \"{Name}\" with a weight list of length {weights.Count}, but the model has {vars.Count} weights.", nameof(weights));
        for (int i = 0; i < vars.Count; i++) vars[i].Assign(weights[i]);
    }
}
