using LayerGen.Callbacks;
using LayerGen.Losses;
using LayerGen.Metrics;
using LayerGen.Optimizers;

namespace LayerGen.Training;

/// <summary>
/// A model's training state and loops (Keras 3's <c>Trainer</c>): Compile, Fit, Evaluate, Predict, the
/// *OnBatch methods and the default bodies of the model's overridable steps. Users reach it through the
/// <see cref="ModelTraining"/> extension members (<c>model.Compile(...)</c>, <c>model.Fit(...)</c>); the
/// model reaches it through <see cref="IModelTrainer"/>, so the model layer never names this one.
/// </summary>
internal sealed partial class Trainer(Model model) : IModelTrainer
{
#pragma warning disable CA2255 // plugging the training layer into Model is what module initializers are for
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void RegisterWithModel() => Model.TrainerFactory = static model => new Trainer(model);
#pragma warning restore CA2255

    /// <summary>The trainer of <paramref name="model"/> (its compiled state).</summary>
    public static Trainer Of(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return (Trainer)model.Trainer;
    }

    private readonly List<Metric> _compiledMetrics = [];
    private readonly Mean _lossTracker = new("loss");
    private bool _metricsResolved;
    private IReadOnlyList<Variable>? _trainVariables;
    private Constraint?[]? _trainConstraints;

    private ITrainingDistribution? _distribution;
    private bool _synchronized;

    /// <summary>
    /// The data-parallel strategy the loops and the default <see cref="TrainStep(Tensor, Tensor?, Tensor?)"/> go through (null: one process).
    /// Setting it makes the next training step copy the chief's variables and optimizer state to every rank.
    /// </summary>
    public ITrainingDistribution? Distribution
    {
        get => _distribution;
        set { _distribution = value; _synchronized = false; }
    }

    /// <summary>The optimizer given to <see cref="Compile(Optimizer?, Loss?, IEnumerable{Metric}?, bool)"/>, or null before.</summary>
    public Optimizer? Optimizer { get; private set; }

    /// <summary>The loss given to <see cref="Compile(Optimizer?, Loss?, IEnumerable{Metric}?, bool)"/> (null: the model's own <see cref="Layer.Losses"/> only).</summary>
    public Loss? Loss { get; private set; }

    /// <summary>The compiled metrics, in order (<c>"accuracy"</c> is resolved to a concrete accuracy on the first batch).</summary>
    public IReadOnlyList<Metric> CompiledMetrics => _compiledMetrics;

    /// <summary>The running mean of the loss over the batches of the current epoch or evaluation (<c>loss</c> in the logs).</summary>
    public Mean LossTracker => _lossTracker;

    /// <summary>Whether <see cref="Compile(Optimizer?, Loss?, IEnumerable{Metric}?, bool)"/> has run.</summary>
    public bool IsCompiled => Optimizer is not null;

    /// <summary>The <see cref="Callbacks.History"/> of the last <c>Fit</c>.</summary>
    public History? History { get; private set; }

    /// <summary>
    /// Configures the model for training: <c>model.Compile(optimizer: "adam", loss: "mse", metrics: ["accuracy"])</c>
    /// or with objects (<c>new Adam(learningRate: 1e-3)</c>, <c>new BinaryCrossentropy(fromLogits: true)</c>).
    /// A model already built gets its optimizer built too (so a checkpoint can be restored into it before training).
    /// The steps of <c>Fit</c>, <c>Evaluate</c>, <c>Predict</c> and the *OnBatch methods are traced and planned per input
    /// signature (Keras's compiled <c>train_function</c>) unless <paramref name="runEagerly"/> is true (Keras's <c>run_eagerly</c>).
    /// </summary>
    public void Compile(Optimizer? optimizer = null, Loss? loss = null, IEnumerable<Metric>? metrics = null, bool runEagerly = false)
    {
        Optimizer = optimizer ?? new RMSprop();
        RunEagerly = runEagerly; // also drops the plans traced for the previous compile
        TraceCount = 0;
        Loss = loss;
        ClearOutputs();
        _compiledMetrics.Clear();
        if (metrics is not null) _compiledMetrics.AddRange(metrics);
        _metricsResolved = false;
        _trainVariables = null;
        _synchronized = false;
        if (model.IsBuilt && model.TrainableVariables.Count > 0) Optimizer.Build(model);
    }

    private Optimizer RequireCompiled() => Optimizer ?? throw new InvalidOperationException(
        $"You must call `Compile()` before using the model \"{model.Name}\" for training or evaluation.");

    // ------------------------------------------------------------------ the steps

    /// <summary>
    /// The total loss of a batch (Keras's <c>compute_loss</c>): the compiled loss of <paramref name="y"/> and
    /// <paramref name="yPred"/> weighted by <paramref name="sampleWeight"/>, plus the sum of the layers'
    /// <see cref="Layer.Losses"/> (<c>AddLoss</c>, weight regularizers, activity regularizers).
    /// </summary>
    public Tensor ComputeLoss(Tensor x, Tensor? y, Tensor yPred, Tensor? sampleWeight)
    {
        ArgumentNullException.ThrowIfNull(yPred);
        Tensor? total = null;
        if (Loss is { } loss)
        {
            if (y is null) throw new ArgumentException($"Model \"{model.Name}\" was compiled with a loss but no targets were given.", nameof(y));
            total = loss.Call(y, yPred, sampleWeight);
        }
        foreach (var l in model.Losses)
        {
            var s = l.Rank == 0 ? l : Ops.Sum(l);
            if (s.DType != yPred.DType) s = Ops.Cast(s, yPred.DType);
            total = total is null ? s : Ops.Add(total, s);
        }
        return total ?? throw new InvalidOperationException($"Model \"{model.Name}\" has no loss to minimize: compile it with a loss or add losses in its layers.");
    }

    /// <summary>
    /// Updates the loss tracker (weighted by the batch size, as Keras does) and the compiled metrics (unweighted),
    /// and returns the running results: <c>loss</c>, then each metric by name.
    /// </summary>
    public Dictionary<string, double> ComputeMetrics(Tensor x, Tensor? y, Tensor yPred, Tensor loss, Tensor? sampleWeight)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(yPred);
        ArgumentNullException.ThrowIfNull(loss);
        _metricUpdates++;
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
        if (_outputLosses is not null) return MultiMetricsResult(_outputLosses.Length);
        var logs = new Dictionary<string, double>(StringComparer.Ordinal) { ["loss"] = _lossTracker.Result() };
        foreach (var m in _compiledMetrics) logs[m.Name] = m.Result();
        return logs;
    }

    /// <summary>
    /// The reported metrics whose result is not a mean over rows (precision, recall, AUC: a distribution sums their
    /// states over the ranks), with their log keys.
    /// </summary>
    private List<KeyValuePair<string, Metric>> SummedMetrics()
    {
        var list = new List<KeyValuePair<string, Metric>>();
        if (_outputLosses is not null) MultiMetricsResult(_outputLosses.Length, list);
        else foreach (var m in _compiledMetrics) list.Add(new(m.Name, m));
        list.RemoveAll(e => e.Value.SummableStateLength == 0);
        return list;
    }

    /// <summary>Clears the loss tracker and every compiled metric.</summary>
    public void ResetMetrics()
    {
        ResetMultiMetrics();
        _distribution?.OnMetricsReset(); // its row counts weight the ranks' running metrics
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
        if (!optimizer.IsBuilt) optimizer.Build(model);
        _trainVariables = model.TrainableVariables;
        var layers = new List<Layer> { model };
        layers.AddRange(model.SubLayers());
        _trainConstraints = new Constraint?[_trainVariables.Count];
        for (int i = 0; i < _trainVariables.Count; i++)
            foreach (var l in layers)
                if (l.GetConstraint(_trainVariables[i]) is { } c) { _trainConstraints[i] = c; break; }
    }

    /// <summary>
    /// One training step (Keras's <c>train_step</c>): forward pass with <c>training: true</c> under a
    /// <see cref="GradientTape"/>, <see cref="ComputeLoss(Tensor, Tensor?, Tensor, Tensor?)"/>, gradients, the optimizer's update (constraints
    /// applied after it), then <see cref="ComputeMetrics(Tensor, Tensor?, Tensor, Tensor, Tensor?)"/>. Override it for a custom training loop.
    /// </summary>
    public Dictionary<string, double> TrainStep(Tensor x, Tensor? y, Tensor? sampleWeight)
    {
        ArgumentNullException.ThrowIfNull(x);
        var optimizer = RequireCompiled();
        if (!model.IsBuilt || _trainVariables is null)
        {
            // Build on a first call if needed, so the optimizer sees every variable.
            if (!model.IsBuilt || model.TrainableVariables.Count == 0) model.CallWithTraining(x, training: false);
            PrepareTrainVariables();
        }
        if (_distribution is { } distribution && !_synchronized) { distribution.Synchronize(model, optimizer); _synchronized = true; }
        if (PlannedTrainStep(optimizer, x, y, sampleWeight) is { } plannedLogs) return plannedLogs;
        var variables = _trainVariables!;
        Tensor yPred, loss;
        Tensor?[] grads;
        bool overlapped = false;
        using (var tape = new GradientTape())
        {
            yPred = model.CallWithTraining(x, training: true);
            loss = model.ComputeLoss(x, y, yPred, sampleWeight);
            var overlap = _distribution?.BeginGradientReduction(variables); // all-reduces started during the backward pass
            grads = tape.Gradient(loss, [.. variables], null, overlap is null ? null : overlap.GradientReady);
            if (overlap is not null) { grads = [.. overlap.Finish(grads)]; overlapped = true; }
        }
        if (_distribution is not null && !overlapped) grads = [.. _distribution.ReduceGradients(grads, variables)];
        optimizer.Apply(grads, variables, _trainConstraints);
        return model.ComputeMetrics(x, y, yPred, loss, sampleWeight);
    }

    /// <summary>One evaluation step (Keras's <c>test_step</c>): forward pass with <c>training: false</c>, loss, metrics.</summary>
    public Dictionary<string, double> TestStep(Tensor x, Tensor? y, Tensor? sampleWeight)
    {
        ArgumentNullException.ThrowIfNull(x);
        RequireCompiled();
        if (model.IsBuilt && PlannedTestStep(x, y, sampleWeight) is { } plannedLogs) return plannedLogs;
        var yPred = model.CallWithTraining(x, training: false);
        var loss = model.ComputeLoss(x, y, yPred, sampleWeight);
        return model.ComputeMetrics(x, y, yPred, loss, sampleWeight);
    }

    // ------------------------------------------------------------------ batch methods

    /// <summary>Runs one training step on one batch (metrics reset first unless <paramref name="resetMetrics"/> is false); returns the logs.</summary>
    public Dictionary<string, double> TrainOnBatch(Tensor x, Tensor? y = null, Tensor? sampleWeight = null, IReadOnlyDictionary<int, double>? classWeight = null, bool resetMetrics = true)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (resetMetrics) ResetMetrics();
        return model.TrainStep(x, y, WithClassWeights(y, sampleWeight, classWeight));
    }

    /// <summary>Evaluates one batch (metrics reset first unless <paramref name="resetMetrics"/> is false); returns the logs.</summary>
    public Dictionary<string, double> TestOnBatch(Tensor x, Tensor? y = null, Tensor? sampleWeight = null, bool resetMetrics = true)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (resetMetrics) ResetMetrics();
        return model.TestStep(x, y, sampleWeight);
    }

    /// <summary>Predicts one batch.</summary>
    public Tensor PredictOnBatch(Tensor x) => model.PredictStep(x);

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
        var buffers = new BatchBuffers();
        var train = Dataset.FromTensors(x, y, WithClassWeights(y, sampleWeight, classWeight)).WithBatchBuffers(buffers);
        if (shuffle)
        {
            long seed = RandomGenerator.Global.NextInt(int.MaxValue);
            train = train.Shuffle(_distribution?.AgreeOnSeed(seed) ?? seed); // the samples, before batching
        }
        return FitBatches(train.Batch(bs), epochs, verbose, callbacks, validation, null, initialEpoch, validationFreq, buffers: buffers);
    }

    /// <summary>Trains on .NET arrays (converted with <see cref="Dataset.ToTensor"/>); see the tensor overload.</summary>
    public History Fit(Array x, Array y, int? batchSize = null, int epochs = 1, int verbose = 1, IEnumerable<Callback>? callbacks = null,
        double validationSplit = 0, bool shuffle = true, IReadOnlyDictionary<int, double>? classWeight = null, int initialEpoch = 0)
        => Fit(Dataset.ToTensor(x), Dataset.ToTensor(y), batchSize, epochs, verbose, callbacks, validationSplit, null, shuffle, classWeight, null, initialEpoch);

    /// <summary>
    /// Trains on a batched <see cref="Dataset"/> (its own batching, shuffling and prefetching apply); validation on
    /// another dataset. Without <paramref name="stepsPerEpoch"/> an epoch is one pass; with it, an epoch is that many
    /// batches from an iterator kept across epochs (Keras's <c>steps_per_epoch</c>; needed for a dataset repeated
    /// forever, and a dataset that runs out first is a <see cref="DatasetExhaustedException"/>).
    /// <paramref name="validationSteps"/> does the same for the validation data.
    /// </summary>
    public History Fit(Dataset dataset, int epochs = 1, int verbose = 1, IEnumerable<Callback>? callbacks = null, Dataset? validationData = null,
        IReadOnlyDictionary<int, double>? classWeight = null, int initialEpoch = 0, int validationFreq = 1, int? stepsPerEpoch = null, int? validationSteps = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return FitBatches(dataset, epochs, verbose, callbacks, validationData, classWeight, initialEpoch, validationFreq, stepsPerEpoch, validationSteps);
    }

    private History FitBatches(Dataset trainData, int epochs, int verbose, IEnumerable<Callback>? callbacks, Dataset? validationData,
        IReadOnlyDictionary<int, double>? classWeight, int initialEpoch, int validationFreq, int? stepsPerEpoch = null, int? validationSteps = null,
        BatchBuffers? buffers = null)
    {
        RequireCompiled();
        var (trainRankData, trainLocal) = ForThisRank(trainData);
        var (validationRankData, validationLocal) = validationData is null ? (null, false) : ForThisRank(validationData);
        using var train = new EpochFeed(trainRankData, stepsPerEpoch, epochs, "Fit");
        using var validation = validationRankData is null ? null : new EpochFeed(validationRankData, validationSteps, epochs, "validation");
        var history = new History();
        var list = new List<Callback>();
        if (callbacks is not null) list.AddRange(callbacks);
        list.Add(history);
        if (_distribution is { } distribution)
        {
            list = distribution.SelectCallbacks(list);
            if (!distribution.IsChief) verbose = 0;
            _synchronized = false; // a checkpoint may have been restored since the last step
        }
        if (verbose != 0 && !list.Any(c => c is ProgbarLogger)) list.Add(new ProgbarLogger());
        var cbs = new CallbackList(list);
        cbs.SetModel(model);
        cbs.SetParams(new Dictionary<string, int> { ["epochs"] = epochs, ["steps"] = train.Steps ?? 0, ["verbose"] = verbose });
        model.StopTraining = false;
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
            foreach (var globalBatch in Agreed(train.Epoch(epoch), trainLocal))
            {
                if (ShardOf(globalBatch, trainLocal) is not { } batch) continue;
                cbs.OnTrainBatchBegin(step, new Dictionary<string, double>(StringComparer.Ordinal));
                if (batch.HasParts)
                {
                    var ys = PartTargets(batch, "Fit");
                    logs = model.TrainStep(PartInputs(batch), ys, WithClassWeights(ys, PartSampleWeights(batch), classWeight));
                }
                else
                {
                    var sw = classWeight is null ? batch.SampleWeight : WithClassWeights(batch.Y, batch.SampleWeight, classWeight);
                    long planned = _plannedTrainSteps, metricUpdates = _metricUpdates;
                    logs = model.TrainStep(batch.X, batch.Y, sw);
                    // Reused batch tensors only while the steps are the default planned ones (they keep nothing of x).
                    if (buffers is not null) buffers.Enabled = _plannedTrainSteps == planned + 1 && _metricUpdates == metricUpdates + 1;
                }
                if (_distribution is not null) logs = _distribution.ReduceLogs(logs, SummedMetrics());
                cbs.OnTrainBatchEnd(step, new Dictionary<string, double>(logs, StringComparer.Ordinal));
                step++;
                if (model.StopTraining) break;
            }
            var epochLogs = new Dictionary<string, double>(logs, StringComparer.Ordinal);
            if (validation is not null && (epoch + 1) % Math.Max(1, validationFreq) == 0)
            {
                var valLogs = EvaluateBatches(validation, epoch, cbs, inFit: true, local: validationLocal);
                foreach (var (k, v) in valLogs) epochLogs["val_" + k] = v;
            }
            cbs.OnEpochEnd(epoch, epochLogs);
            _distribution?.Barrier(); // the chief has written its checkpoints and logs
            lastEpochLogs = epochLogs;
            if (model.StopTraining) break;
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
        var buffers = new BatchBuffers();
        return Evaluate(Dataset.FromTensors(x, y, sampleWeight).WithBatchBuffers(buffers).Batch(batchSize ?? 32), verbose, callbacks, null, buffers);
    }

    /// <summary>Evaluates on .NET arrays (converted with <see cref="Dataset.ToTensor"/>), as <see cref="Fit(Array, Array, int?, int, int, IEnumerable{Callback}?, double, bool, IReadOnlyDictionary{int, double}?, int)"/> takes them; see the tensor overload.</summary>
    public Dictionary<string, double> Evaluate(Array x, Array y, int? batchSize = null, int verbose = 1, IEnumerable<Callback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return Evaluate(Dataset.ToTensor(x), Dataset.ToTensor(y), batchSize, verbose, null, callbacks);
    }

    /// <summary>Evaluates on a batched <see cref="Dataset"/>: one pass, or <paramref name="steps"/> batches (needed for a dataset repeated forever).</summary>
    public Dictionary<string, double> Evaluate(Dataset dataset, int verbose = 1, IEnumerable<Callback>? callbacks = null, int? steps = null)
        => Evaluate(dataset, verbose, callbacks, steps, null);

    private Dictionary<string, double> Evaluate(Dataset dataset, int verbose, IEnumerable<Callback>? callbacks, int? steps, BatchBuffers? buffers)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        RequireCompiled();
        var (rankData, local) = ForThisRank(dataset);
        using var feed = new EpochFeed(rankData, steps, 1, "Evaluate");
        var list = callbacks?.ToList() ?? [];
        if (_distribution is { } distribution)
        {
            list = distribution.SelectCallbacks(list);
            if (!distribution.IsChief) verbose = 0;
        }
        if (verbose != 0 && !list.Any(c => c is ProgbarLogger)) list.Add(new ProgbarLogger());
        var cbs = new CallbackList(list);
        cbs.SetModel(model);
        cbs.SetParams(new Dictionary<string, int> { ["steps"] = feed.Steps ?? 0, ["verbose"] = verbose });
        SynchronizeForInference();
        return EvaluateBatches(feed, 0, cbs, inFit: false, buffers, local);
    }

    private Dictionary<string, double> EvaluateBatches(EpochFeed data, int epoch, Callback cbs, bool inFit, BatchBuffers? buffers = null, bool local = false)
    {
        ResetMetrics();
        cbs.OnTestBegin(new Dictionary<string, double>(StringComparer.Ordinal));
        Dictionary<string, double> logs = MetricsResult();
        int step = 0;
        foreach (var globalBatch in Agreed(data.Epoch(epoch), local))
        {
            if (ShardOf(globalBatch, local) is not { } batch) continue;
            cbs.OnTestBatchBegin(step, new Dictionary<string, double>(StringComparer.Ordinal));
            if (batch.HasParts) logs = model.TestStep(PartInputs(batch), PartTargets(batch, inFit ? "validation" : "Evaluate"), PartSampleWeights(batch));
            else
            {
                long planned = _plannedTestSteps, metricUpdates = _metricUpdates;
                logs = model.TestStep(batch.X, batch.Y, batch.SampleWeight);
                if (buffers is not null) buffers.Enabled = _plannedTestSteps == planned + 1 && _metricUpdates == metricUpdates + 1;
            }
            if (_distribution is not null) logs = _distribution.ReduceLogs(logs, SummedMetrics());
            cbs.OnTestBatchEnd(step, new Dictionary<string, double>(logs, StringComparer.Ordinal));
            step++;
        }
        cbs.OnTestEnd(new Dictionary<string, double>(logs, StringComparer.Ordinal));
        if (inFit) ResetMetricsAfterValidation();
        return logs;
    }

    /// <summary>Under a distribution, copies the chief's weights to every rank before Evaluate or Predict (a model loaded or restored on the chief alone).</summary>
    private void SynchronizeForInference()
    {
        if (_distribution is { } distribution && model.IsBuilt) distribution.Synchronize(model, null); // weights only: Fit syncs the optimizer
    }

    /// <summary>This rank's part of a global batch (the whole batch without a distribution or when <paramref name="local"/>: it is the rank's own; null: skip it).</summary>
    private DataBatch? ShardOf(DataBatch globalBatch, bool local) => _distribution is null || local ? globalBatch : _distribution.Shard(globalBatch);

    /// <summary>
    /// Under a distribution, this rank's part of <paramref name="dataset"/> (<see cref="Dataset.Distribute"/>: the shuffles
    /// agree across ranks, the split is made at the source where the pipeline allows it) and whether its batches are the
    /// rank's own (else the trainer splits each global batch by rows).
    /// </summary>
    private (Dataset Data, bool Local) ForThisRank(Dataset dataset)
    {
        if (_distribution is not { } distribution) return (dataset, false);
        var rankData = dataset.Distribute(distribution.Rank, distribution.WorldSize, distribution.AgreeOnSeed);
        return (rankData.Data, rankData.LocalBatches);
    }

    /// <summary>The batches of a rank's own data, each step agreed with the other ranks (<see cref="ITrainingDistribution.AgreeOnBatch"/>); <paramref name="batches"/> as they are otherwise.</summary>
    private IEnumerable<DataBatch> Agreed(IEnumerable<DataBatch> batches, bool local)
    {
        if (!local || _distribution is not { } distribution)
        {
            foreach (var b in batches) yield return b;
            yield break;
        }
        using var e = batches.GetEnumerator();
        while (true)
        {
            bool has = e.MoveNext();
            if (!distribution.AgreeOnBatch(has ? e.Current : null)) yield break;
            yield return e.Current;
        }
    }

    private void ResetMetricsAfterValidation() { /* the next epoch resets them */ }

    /// <summary>The model's outputs for <paramref name="x"/>, computed in batches of <paramref name="batchSize"/> (default 32) with <c>training: false</c>.</summary>
    public Tensor Predict(Tensor x, int? batchSize = null, int verbose = 1, IEnumerable<Callback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (PredictStacked(x, batchSize ?? 32, verbose, callbacks) is { } stacked) return stacked;
        var buffers = new BatchBuffers();
        return Predict(Dataset.FromTensors(x).WithBatchBuffers(buffers).Batch(batchSize ?? 32), verbose, callbacks, null, buffers);
    }

    /// <summary>Predicts on a .NET array (converted with <see cref="Dataset.ToTensor"/>), as <see cref="Fit(Array, Array, int?, int, int, IEnumerable{Callback}?, double, bool, IReadOnlyDictionary{int, double}?, int)"/> takes it; see the tensor overload.</summary>
    public Tensor Predict(Array x, int? batchSize = null, int verbose = 1, IEnumerable<Callback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Predict(Dataset.ToTensor(x), batchSize, verbose, callbacks);
    }

    /// <summary>
    /// Predicts every batch of a batched <see cref="Dataset"/> (targets ignored; one pass, or <paramref name="steps"/>
    /// batches) and concatenates the outputs. Under a distribution each rank predicts its part of every batch and every
    /// rank returns all the outputs, in order.
    /// </summary>
    public Tensor Predict(Dataset dataset, int verbose = 1, IEnumerable<Callback>? callbacks = null, int? steps = null)
        => Predict(dataset, verbose, callbacks, steps, null);

    /// <summary>
    /// The callbacks of a predict loop over <paramref name="steps"/> batches: a progress bar added when
    /// <paramref name="verbose"/> asks for one and none was given, the model and params set, OnPredictBegin called.
    /// </summary>
    private CallbackList BeginPredict(List<Callback> list, int verbose, int steps, Dictionary<string, double> empty)
    {
        if (verbose != 0 && !list.Any(c => c is ProgbarLogger)) list.Add(new ProgbarLogger());
        var cbs = new CallbackList(list);
        cbs.SetModel(model);
        cbs.SetParams(new Dictionary<string, int> { ["steps"] = steps, ["verbose"] = verbose });
        cbs.OnPredictBegin(empty);
        return cbs;
    }

    /// <summary>
    /// <see cref="BeginPredict"/> for a predict loop over a dataset: under a strategy, ranks other than the chief keep
    /// only the callbacks that neither print nor write and show no progress bar; the variables are synchronised first.
    /// </summary>
    private CallbackList BeginDatasetPredict(IEnumerable<Callback>? callbacks, int verbose, int steps, Dictionary<string, double> empty)
    {
        var list = callbacks?.ToList() ?? [];
        if (_distribution is { IsChief: false } other) { list = other.SelectCallbacks(list); verbose = 0; }
        SynchronizeForInference();
        return BeginPredict(list, verbose, steps, empty);
    }

    private Tensor Predict(Dataset dataset, int verbose, IEnumerable<Callback>? callbacks, int? steps, BatchBuffers? buffers)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        using var feed = new EpochFeed(dataset, steps, 1, "Predict");
        var empty = new Dictionary<string, double>(StringComparer.Ordinal);
        var cbs = BeginDatasetPredict(callbacks, verbose, feed.Steps ?? 0, empty);
        var outputs = new List<Tensor>();
        int step = 0;
        foreach (var batch in feed.Epoch(0))
        {
            cbs.OnPredictBatchBegin(step, empty);
            if (batch.HasParts)
            {
                var predicted = _distribution is null ? model.PredictStep(PartInputs(batch)) : _distribution.PredictParts(PartInputs(batch), model.PredictStep);
                outputs.Add(predicted.Length == 1 ? predicted[0]
                    : throw new InvalidOperationException($"Predict: model \"{model.Name}\" has {predicted.Length} outputs; call PredictOutputs(dataset) for one array per output."));
                cbs.OnPredictBatchEnd(step, empty);
                step++;
                continue;
            }
            long planned = _plannedPredictSteps;
            outputs.Add(_distribution is null ? model.PredictStep(batch.X) : _distribution.Predict(batch.X, model.PredictStep));
            if (buffers is not null) buffers.Enabled = _distribution is null && _plannedPredictSteps == planned + 1;
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
}
