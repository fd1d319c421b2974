using LayerGen.Callbacks;
using LayerGen.Losses;
using LayerGen.Metrics;
using LayerGen.Optimizers;

namespace LayerGen.Training;

// Models with several inputs and outputs (Keras's structured x, y, losses, metrics): one loss per output weighted by
// loss_weights, per-output metrics and weighted metrics, per-output logs named after the output layers
// (dense_1_loss, dense_1_mae), targets and inputs given as arrays or as dictionaries keyed by name.
internal sealed partial class Trainer
{
    private Loss?[]? _outputLosses;
    private double[]? _lossWeights;
    private List<Metric>[]? _outputMetrics;
    private List<Metric>[]? _outputWeightedMetrics;
    private Mean[]? _outputLossTrackers;
    private bool _outputMetricsResolved;
    private bool _perOutputCompile;
    private bool _perOutputMetricsGiven;
    /// <summary>
    /// For each per-output compile argument given as a dictionary (Keras writes it back as one), the output names it held,
    /// in the caller's order; null where a list (or nothing) was given.
    /// </summary>
    internal readonly record struct CompileKeys(string[]? Loss, string[]? LossWeights, string[]? Metrics, string[]? WeightedMetrics);

    /// <summary>Which per-output compile arguments were dictionaries (compile_config writes them as dictionaries, as Keras does).</summary>
    internal CompileKeys PerOutputKeys { get; set; }

    /// <summary>The loss of each output, when compiled per output (a list or a dictionary of losses); else null.</summary>
    public IReadOnlyList<Loss?>? OutputLosses => _perOutputCompile ? _outputLosses : null;

    /// <summary>The weight of each output's loss in the total (Keras's <c>loss_weights</c>), or null (all 1).</summary>
    public IReadOnlyList<double>? LossWeights => _lossWeights;

    /// <summary>The metrics of each output, when compiled per output with metrics; else null (Keras's <c>metrics=None</c>).</summary>
    public IReadOnlyList<IReadOnlyList<Metric>>? OutputMetrics => _perOutputCompile && _perOutputMetricsGiven && _outputMetrics is { } m ? m : null;

    /// <summary>The weighted metrics of each output (they receive the sample weights), or null.</summary>
    public IReadOnlyList<IReadOnlyList<Metric>>? OutputWeightedMetrics => _outputWeightedMetrics;

    private void ClearOutputs()
    {
        _outputLosses = null;
        _lossWeights = null;
        _outputMetrics = null;
        _outputWeightedMetrics = null;
        _outputLossTrackers = null;
        _outputMetricsResolved = false;
        _perOutputCompile = false;
        PerOutputKeys = default;
    }

    private string[] OutputNamesOrIndices(int count)
    {
        var names = model.OutputNames;
        var result = new string[count];
        for (int i = 0; i < count; i++) result[i] = i < names.Count && names[i].Length > 0 ? names[i] : "output_" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return result;
    }

    private int OutputCount => model.Outputs.Count > 0 ? model.Outputs.Count
        : _outputLosses?.Length ?? throw new InvalidOperationException($"Model \"{model.Name}\" is not functional: its number of outputs is known once it has been called.");

    /// <summary>
    /// Configures a model with several outputs (Keras's <c>compile</c> with a list of losses): one loss per output (null
    /// for none), <paramref name="lossWeights"/> (default 1 each; the total loss is their weighted sum plus the layers'
    /// losses), <paramref name="metrics"/> and <paramref name="weightedMetrics"/> per output (the weighted ones receive the
    /// sample weights). Logs are named after the output layers: <c>dense_1_loss</c>, <c>dense_1_mae</c>, and <c>loss</c>.
    /// </summary>
    public void Compile(Optimizer? optimizer, IReadOnlyList<Loss?> loss, IReadOnlyList<double>? lossWeights = null,
        IReadOnlyList<IReadOnlyList<Metric>?>? metrics = null, IReadOnlyList<IReadOnlyList<Metric>?>? weightedMetrics = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        int n = model.Outputs.Count > 0 ? model.Outputs.Count : loss.Count;
        var names = OutputNamesOrIndices(n);
        CheckCount("losses", loss.Count, names);
        if (lossWeights is not null) CheckCount("loss weights", lossWeights.Count, names);
        if (metrics is not null) CheckCount("metric lists", metrics.Count, names);
        if (weightedMetrics is not null) CheckCount("weighted metric lists", weightedMetrics.Count, names);
        Compile(optimizer, (Loss?)null, null);
        _perOutputCompile = true;
        _perOutputMetricsGiven = metrics is not null;
        _outputLosses = [.. loss];
        _lossWeights = lossWeights is null ? null : [.. lossWeights];
        _outputMetrics = [.. Enumerable.Range(0, n).Select(i => metrics?[i] is { } l ? new List<Metric>(l) : new List<Metric>())];
        _outputWeightedMetrics = weightedMetrics is null ? null
            : [.. Enumerable.Range(0, n).Select(i => weightedMetrics[i] is { } l ? new List<Metric>(l) : new List<Metric>())];
    }

    /// <summary>
    /// <see cref="Compile(Optimizer?, IReadOnlyList{Loss?}, IReadOnlyList{double}?, IReadOnlyList{IReadOnlyList{Metric}?}?, IReadOnlyList{IReadOnlyList{Metric}?}?)"/>
    /// with dictionaries keyed by output name (outputs left out get no loss, weight 1, no metrics); an unknown name is an error listing the output names.
    /// </summary>
    public void Compile(Optimizer? optimizer, IReadOnlyDictionary<string, Loss> loss, IReadOnlyDictionary<string, double>? lossWeights = null,
        IReadOnlyDictionary<string, IReadOnlyList<Metric>>? metrics = null, IReadOnlyDictionary<string, IReadOnlyList<Metric>>? weightedMetrics = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        var names = model.OutputNames;
        if (names.Count == 0) throw new InvalidOperationException($"Model \"{model.Name}\" is not functional: compile it with a list of losses, one per output.");
        Compile(optimizer,
            ByOutputName(loss, names, "loss", l => (Loss?)l, null),
            lossWeights is null ? null : ByOutputName(lossWeights, names, "loss_weights", w => w, 1.0),
            metrics is null ? null : ByOutputName(metrics, names, "metrics", m => (IReadOnlyList<Metric>?)m, null),
            weightedMetrics is null ? null : ByOutputName(weightedMetrics, names, "weighted_metrics", m => (IReadOnlyList<Metric>?)m, null));
        PerOutputKeys = new CompileKeys([.. loss.Keys], lossWeights is null ? null : [.. lossWeights.Keys],
            metrics is null ? null : [.. metrics.Keys], weightedMetrics is null ? null : [.. weightedMetrics.Keys]);
    }

    private static TOut[] ByOutputName<TIn, TOut>(IReadOnlyDictionary<string, TIn> values, IReadOnlyList<string> names, string what, Func<TIn, TOut> convert, TOut missing)
    {
        foreach (var key in values.Keys)
            if (!names.Contains(key))
                throw new ArgumentException($"In the dictionary of {what}, \"{key}\" is not an output of the model. The model's outputs are {PythonList(names)}.", what);
        return [.. names.Select(n => values.TryGetValue(n, out var v) ? convert(v) : missing)];
    }

    private void CheckCount(string what, int count, IReadOnlyList<string> names)
    {
        if (count != names.Count)
            throw new ArgumentException($"Model \"{model.Name}\" has {names.Count} output(s) {PythonList(names)}, but {count} {what} were given: give one per output (null for none) or a dictionary keyed by output name.");
    }

    internal static string PythonList(IEnumerable<string> names) => "[" + string.Join(", ", names.Select(n => "'" + n + "'")) + "]";

    /// <summary>A single compiled loss (and flat metric list) applied to every output, as Keras does for a multi-output model.</summary>
    private void EnsureOutputs(int outputCount)
    {
        if (_outputLosses is not null) return;
        _outputLosses = [.. Enumerable.Range(0, outputCount).Select(_ => Loss)];
        _outputMetrics = [.. Enumerable.Range(0, outputCount).Select(i => i == 0 || outputCount == 1
            ? new List<Metric>(_compiledMetrics)
            : _compiledMetrics.Select(m => m.FromIdentifier ? Metric.Get(m.Name) : Metric.Deserialize(m.Serialize())).ToList())];
    }

    // ------------------------------------------------------------------ data

    /// <summary>The tensors of <paramref name="data"/> in the order of <paramref name="names"/> (Keras's dictionary inputs and targets).</summary>
    internal Tensor[] FromDictionary(IReadOnlyDictionary<string, Tensor> data, IReadOnlyList<string> names, string kind)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (names.Count == 0) throw new InvalidOperationException($"Model \"{model.Name}\" is not functional: give its {kind}s as an array.");
        foreach (var key in data.Keys)
            if (!names.Contains(key))
                throw new ArgumentException($"Unknown {kind} name \"{key}\" in the data dictionary. The model's {kind}s are {PythonList(names)}.", kind == "input" ? "x" : "y");
        var result = new Tensor[names.Count];
        for (int i = 0; i < names.Count; i++)
            result[i] = data.TryGetValue(names[i], out var t) ? t
                : throw new ArgumentException($"Missing data for {kind} \"{names[i]}\". You passed a data dictionary with keys {PythonList(data.Keys)}. Expected the following keys: {PythonList(names)}.", kind == "input" ? "x" : "y");
        return result;
    }

    /// <summary>Sample weights keyed by output name, one per output in order (null for an output left out); an unknown name is an error listing the outputs.</summary>
    internal Tensor?[] SampleWeightsFromDictionary(IReadOnlyDictionary<string, Tensor> sampleWeight)
    {
        ArgumentNullException.ThrowIfNull(sampleWeight);
        var names = OutputNames;
        foreach (var key in sampleWeight.Keys)
            if (!names.Contains(key))
                throw new ArgumentException($"Unknown output name \"{key}\" in the sample_weight dictionary. The model's outputs are {PythonList(names)}.", nameof(sampleWeight));
        return [.. names.Select(n => sampleWeight.TryGetValue(n, out var w) ? w : null)];
    }

    /// <summary>The input names (for dictionaries of inputs).</summary>
    internal IReadOnlyList<string> InputNames => model.InputNames;

    /// <summary>The output names (for dictionaries of targets and sample weights).</summary>
    internal IReadOnlyList<string> OutputNames => model.OutputNames;

    private void CheckInputs(Tensor[] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (model.Inputs.Count > 0 && x.Length != model.Inputs.Count)
            throw new ArgumentException($"Model \"{model.Name}\" expects {model.Inputs.Count} input(s) {PythonList(model.InputNames)}, but it received {x.Length} input arrays.", nameof(x));
        int n = -1;
        foreach (var t in x)
        {
            ArgumentNullException.ThrowIfNull(t, nameof(x));
            if (n < 0) n = t.Shape[0];
            else if (t.Shape[0] != n)
                throw new ArgumentException($"Data cardinality is ambiguous: the input arrays hold {string.Join(", ", x.Select(a => a.Shape[0]))} samples. Make sure all arrays contain the same number of samples.", nameof(x));
        }
    }

    private void CheckTargets(Tensor[]? y, int outputs, string what = "targets")
    {
        if (y is null) return;
        if (y.Length != outputs)
        {
            var names = OutputNamesOrIndices(outputs);
            throw new ArgumentException($"Model \"{model.Name}\" has {outputs} output(s) {PythonList(names)}, but {y.Length} {what} were given: give one per output, or a dictionary keyed by output name.", nameof(y));
        }
    }

    // ------------------------------------------------------------------ steps

    /// <summary>The total loss, each output's unweighted loss, for one batch.</summary>
    private (Tensor Total, Tensor?[] PerOutput) ComputeLosses(Tensor[] y, Tensor[] yPred, Tensor?[]? sampleWeight)
    {
        Tensor? total = null;
        var perOutput = new Tensor?[yPred.Length];
        for (int i = 0; i < yPred.Length; i++)
        {
            if (_outputLosses![i] is not { } loss) continue;
            var value = loss.Call(y[i], yPred[i], sampleWeight?[i]);
            perOutput[i] = value;
            double w = _lossWeights?[i] ?? 1.0;
            var weighted = w == 1.0 ? value : Ops.Mul(value, Tensor.Scalar(w, value.DType));
            total = total is null ? weighted : Ops.Add(total, weighted);
        }
        foreach (var l in model.Losses)
        {
            var s = l.Rank == 0 ? l : Ops.Sum(l);
            if (total is not null && s.DType != total.DType) s = Ops.Cast(s, total.DType);
            total = total is null ? s : Ops.Add(total, s);
        }
        return (total ?? throw new InvalidOperationException($"Model \"{model.Name}\" has no loss to minimize: compile it with a loss for at least one output or add losses in its layers."), perOutput);
    }

    private Dictionary<string, double> UpdateMetrics(int batchSize, Tensor total, Tensor?[] perOutput, Tensor[] y, Tensor[] yPred, Tensor?[]? sampleWeight)
    {
        _lossTracker.Update(ToFloat(total), batchSize);
        var names = OutputNamesOrIndices(yPred.Length);
        _outputLossTrackers ??= [.. names.Select(n => new Mean(n + "_loss"))];
        ResolveOutputMetrics(y, yPred);
        for (int i = 0; i < yPred.Length; i++)
        {
            if (perOutput[i] is { } l) _outputLossTrackers[i].Update(ToFloat(l), batchSize);
            foreach (var m in _outputMetrics![i]) m.UpdateState(y[i], yPred[i]);
            if (_outputWeightedMetrics is { } wm) foreach (var m in wm[i]) m.UpdateState(y[i], yPred[i], sampleWeight?[i]);
        }
        return MultiMetricsResult(yPred.Length);
    }

    private static float ToFloat(Tensor t) => t.DType == DType.Float32 ? t.ToScalar<float>() : Ops.Cast(t, DType.Float32).ToScalar<float>();

    private Dictionary<string, double> MultiMetricsResult(int outputs, List<KeyValuePair<string, Metric>>? reported = null)
    {
        var logs = new Dictionary<string, double>(StringComparer.Ordinal) { ["loss"] = _lossTracker.Result() };
        if (_outputLosses is null) return logs;
        var names = OutputNamesOrIndices(outputs);
        // One output: Keras logs "loss" and the bare metric names; several: "<output>_loss" and "<output>_<metric>".
        bool prefix = outputs > 1;
        for (int i = 0; i < outputs; i++)
        {
            if (prefix && _outputLosses[i] is not null && _outputLossTrackers is { } trackers) logs[names[i] + "_loss"] = trackers[i].Result();
            foreach (var m in _outputMetrics![i])
            {
                string key = (prefix ? names[i] + "_" : "") + m.Name;
                logs[key] = m.Result();
                reported?.Add(new(key, m));
            }
            if (_outputWeightedMetrics is { } wm)
                foreach (var m in wm[i])
                {
                    string key = (prefix ? names[i] + "_" : "") + m.Name;
                    string logKey = logs.ContainsKey(key) ? (prefix ? names[i] + "_weighted_" : "weighted_") + m.Name : key;
                    logs[logKey] = m.Result();
                    reported?.Add(new(logKey, m));
                }
        }
        return logs;
    }

    private void ResetMultiMetrics()
    {
        _lossTracker.ResetState();
        if (_outputLossTrackers is { } t) foreach (var m in t) m.ResetState();
        if (_outputMetrics is { } om) foreach (var l in om) foreach (var m in l) m.ResetState();
        if (_outputWeightedMetrics is { } wm) foreach (var l in wm) foreach (var m in l) m.ResetState();
    }

    private void ResolveOutputMetrics(Tensor[] y, Tensor[] yPred)
    {
        if (_outputMetricsResolved) return;
        _outputMetricsResolved = true;
        foreach (var lists in new[] { _outputMetrics, _outputWeightedMetrics })
        {
            if (lists is null) continue;
            for (int o = 0; o < lists.Length; o++)
                for (int i = 0; i < lists[o].Count; i++)
                {
                    var m = lists[o][i];
                    if (!m.FromIdentifier || m is not Accuracy) continue;
                    var loss = _outputLosses![o];
                    bool predLastDim1 = yPred[o].Rank > 0 && yPred[o].Shape[^1] == 1;
                    Metric resolved = predLastDim1 || loss is BinaryCrossentropy ? new BinaryAccuracy(name: m.Name)
                        : loss is SparseCategoricalCrossentropy || y[o].Rank == 1 || (y[o].Rank == yPred[o].Rank && y[o].Shape[^1] == 1) ? new SparseCategoricalAccuracy(name: m.Name)
                        : new CategoricalAccuracy(name: m.Name);
                    resolved.FromIdentifier = true;
                    lists[o][i] = resolved;
                }
        }
    }

    /// <summary>
    /// The default <see cref="Model.ComputeLoss(Tensor[], Tensor[], Tensor[], Tensor?[])"/>: the weighted sum of the outputs'
    /// losses plus the layers' losses; each output's loss is kept for the next <see cref="ComputeMetrics(Tensor[], Tensor[], Tensor[], Tensor, Tensor?[])"/>.
    /// </summary>
    public Tensor ComputeLoss(Tensor[] x, Tensor[] y, Tensor[] yPred, Tensor?[]? sampleWeight)
    {
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(yPred);
        RequireCompiled();
        EnsureOutputs(yPred.Length);
        CheckTargets(y, yPred.Length);
        var (total, perOutput) = ComputeLosses(y, yPred, sampleWeight);
        _lastOutputLosses = perOutput;
        return total;
    }

    /// <summary>
    /// The default <see cref="Model.ComputeMetrics(Tensor[], Tensor[], Tensor[], Tensor, Tensor?[])"/>: the total loss and the
    /// outputs' losses of the last <see cref="ComputeLoss(Tensor[], Tensor[], Tensor[], Tensor?[])"/> (none when it was not
    /// called) into the loss trackers, the per-output metrics updated; the running logs.
    /// </summary>
    public Dictionary<string, double> ComputeMetrics(Tensor[] x, Tensor[] y, Tensor[] yPred, Tensor loss, Tensor?[]? sampleWeight)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(yPred);
        ArgumentNullException.ThrowIfNull(loss);
        EnsureOutputs(yPred.Length);
        var perOutput = _lastOutputLosses is { } last && last.Length == yPred.Length ? last : new Tensor?[yPred.Length];
        _lastOutputLosses = null;
        return UpdateMetrics(x.Length > 0 && x[0].Rank > 0 ? x[0].Shape[0] : 1, loss, perOutput, y, yPred, sampleWeight);
    }

    /// <summary>The last default ComputeLoss's loss per output (eager tensors, or graph tensors inside a trace), or null.</summary>
    private Tensor?[]? _lastOutputLosses;

    /// <summary>The outputs' losses the last ComputeLoss kept (and forgets them); all null when an override did not call the default.</summary>
    private Tensor?[] TakeOutputLosses(int outputs)
    {
        var result = _lastOutputLosses is { } last && last.Length == outputs ? last : new Tensor?[outputs];
        _lastOutputLosses = null;
        return result;
    }

    /// <summary>One training step on several inputs and targets (Keras's <c>train_step</c> with structured data).</summary>
    public Dictionary<string, double> TrainStep(Tensor[] x, Tensor[] y, Tensor?[]? sampleWeight)
    {
        CheckInputs(x);
        var optimizer = RequireCompiled();
        if (!model.IsBuilt || _trainVariables is null)
        {
            if (!model.IsBuilt || model.TrainableVariables.Count == 0) model.CallWithTraining(x, training: false);
            PrepareTrainVariables();
        }
        EnsureOutputs(OutputCount);
        CheckTargets(y, _outputLosses!.Length);
        CheckTargets(sampleWeight as Tensor[], _outputLosses.Length, "sample weight arrays");
        if (_distribution is { } distribution && !_synchronized) { distribution.Synchronize(model, optimizer); _synchronized = true; }
        if (PlannedMultiTrainStep(optimizer, x, y, sampleWeight) is { } plannedLogs) return plannedLogs;
        var variables = _trainVariables!;
        Tensor[] yPred;
        Tensor total;
        Tensor?[] grads;
        using (var tape = new GradientTape())
        {
            yPred = model.CallWithTraining(x, training: true);
            _lastOutputLosses = null;
            total = model.ComputeLoss(x, y, yPred, sampleWeight);
            grads = tape.Gradient(total, [.. variables]);
        }
        if (_distribution is not null) grads = [.. _distribution.ReduceGradients(grads, variables)]; // averaged over the ranks
        optimizer.Apply(grads, variables, _trainConstraints);
        return model.ComputeMetrics(x, y, yPred, total, sampleWeight);
    }

    /// <summary>One evaluation step on several inputs and targets.</summary>
    public Dictionary<string, double> TestStep(Tensor[] x, Tensor[] y, Tensor?[]? sampleWeight)
    {
        CheckInputs(x);
        RequireCompiled();
        if (model.Outputs.Count > 0) CheckTargets(y, model.Outputs.Count);
        if (PlannedMultiTestStep(x, y, sampleWeight) is { } plannedLogs) return plannedLogs;
        var yPred = model.CallWithTraining(x, training: false);
        EnsureOutputs(yPred.Length);
        CheckTargets(y, yPred.Length);
        _lastOutputLosses = null;
        var total = model.ComputeLoss(x, y, yPred, sampleWeight);
        return model.ComputeMetrics(x, y, yPred, total, sampleWeight);
    }

    // ------------------------------------------------------------------ batch methods

    /// <summary>One training step on one batch of several inputs and targets (metrics reset first unless <paramref name="resetMetrics"/> is false).</summary>
    public Dictionary<string, double> TrainOnBatch(Tensor[] x, Tensor[] y, Tensor?[]? sampleWeight = null, IReadOnlyDictionary<int, double>? classWeight = null, bool resetMetrics = true)
    {
        ArgumentNullException.ThrowIfNull(y);
        if (resetMetrics) ResetMultiMetrics();
        return model.TrainStep(x, y, WithClassWeights(y, sampleWeight, classWeight));
    }

    /// <summary>Evaluates one batch of several inputs and targets.</summary>
    public Dictionary<string, double> TestOnBatch(Tensor[] x, Tensor[] y, Tensor?[]? sampleWeight = null, bool resetMetrics = true)
    {
        ArgumentNullException.ThrowIfNull(y);
        if (resetMetrics) ResetMultiMetrics();
        return model.TestStep(x, y, sampleWeight);
    }

    /// <summary>The outputs for one batch of several inputs.</summary>
    public Tensor[] PredictOnBatch(Tensor[] x) => model.PredictStep(x);

    /// <summary>The default <see cref="Model.PredictStep(Tensor[])"/>: every output for one batch, planned per input signature unless run eagerly.</summary>
    public Tensor[] PredictStep(Tensor[] x)
    {
        CheckInputs(x);
        return PlannedMultiPredict(x) ?? model.CallWithTraining(x, training: false);
    }

    private Tensor?[]? WithClassWeights(Tensor[] y, Tensor?[]? sampleWeight, IReadOnlyDictionary<int, double>? classWeight)
    {
        if (classWeight is null) return sampleWeight;
        if (y.Length != 1)
            throw new ArgumentException($"`class_weight` is only supported for Models with a single output. Model \"{model.Name}\" was given {y.Length} target arrays; give sample_weight per output instead.", nameof(classWeight));
        return [WithClassWeights(y[0], sampleWeight?[0], classWeight)];
    }

    // ------------------------------------------------------------------ fit / evaluate / predict

    /// <summary>
    /// Trains a model with several inputs and outputs (Keras's <c>fit</c> with lists of arrays): <paramref name="x"/> one
    /// array per input, <paramref name="y"/> one per output, <paramref name="sampleWeight"/> one per output (null entries
    /// for none), shuffled batches each epoch; <paramref name="stepsPerEpoch"/> caps the batches of an epoch;
    /// <paramref name="validationData"/> several arrays too. Logs: <c>loss</c>, <c>&lt;output&gt;_loss</c>,
    /// <c>&lt;output&gt;_&lt;metric&gt;</c>, and <c>val_</c> versions.
    /// </summary>
    public History Fit(Tensor[] x, Tensor[] y, int? batchSize = null, int epochs = 1, int verbose = 1,
        IEnumerable<Callback>? callbacks = null, double validationSplit = 0, (Tensor[] X, Tensor[] Y)? validationData = null,
        bool shuffle = true, IReadOnlyDictionary<int, double>? classWeight = null, Tensor?[]? sampleWeight = null,
        int initialEpoch = 0, int? stepsPerEpoch = null, int validationFreq = 1, int? validationBatchSize = null)
    {
        CheckInputs(x);
        ArgumentNullException.ThrowIfNull(y);
        RequireCompiled();
        if (validationSplit is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(validationSplit), validationSplit, "validation_split must be in [0, 1).");
        if (stepsPerEpoch is <= 0) throw new ArgumentOutOfRangeException(nameof(stepsPerEpoch), stepsPerEpoch, "steps_per_epoch must be positive.");
        int bs = batchSize ?? 32;
        int n = x[0].Shape[0];
        sampleWeight = WithClassWeights(y, sampleWeight, classWeight);
        (Tensor[] X, Tensor[] Y, Tensor?[]? W)? validation = null;
        if (validationData is { } vd) validation = (vd.X, vd.Y, null);
        else if (validationSplit > 0)
        {
            int split = (int)Math.Floor(n * (1 - validationSplit));
            if (split <= 0 || split >= n) throw new ArgumentException($"validation_split={validationSplit} leaves no training or no validation samples out of {n}.", nameof(validationSplit));
            validation = (Slice(x, split, n)!, Slice(y, split, n)!, Slice(sampleWeight, split, n));
            x = Slice(x, 0, split)!;
            y = Slice(y, 0, split)!;
            sampleWeight = Slice(sampleWeight, 0, split);
            n = split;
        }
        int batches = (n + bs - 1) / bs;
        int steps = Math.Min(stepsPerEpoch ?? batches, batches);
        if (_distribution is not null)
        {
            // Under a strategy the arrays take the dataset path: each rank trains on its part of every global batch and
            // the logs are reduced over the ranks (the shuffle order agreed from rank 0's seed).
            var trainSet = Dataset.FromTensors(x, y, sampleWeight);
            if (shuffle)
            {
                long seed = RandomGenerator.Global.NextInt(int.MaxValue);
                trainSet = trainSet.Shuffle(_distribution.AgreeOnSeed(seed));
            }
            var validationSet = validation is { } vs ? Dataset.FromTensors(vs.X, vs.Y, vs.W).Batch(validationBatchSize ?? bs) : null;
            return FitBatches(trainSet.Batch(bs), epochs, verbose, callbacks, validationSet, null, initialEpoch, validationFreq,
                stepsPerEpoch is null ? null : steps);
        }

        var history = new History();
        var list = new List<Callback>();
        if (callbacks is not null) list.AddRange(callbacks);
        list.Add(history);
        if (verbose != 0 && !list.Any(c => c is ProgbarLogger)) list.Add(new ProgbarLogger());
        var cbs = new CallbackList(list);
        cbs.SetModel(model);
        cbs.SetParams(new Dictionary<string, int> { ["epochs"] = epochs, ["steps"] = steps, ["verbose"] = verbose });
        model.StopTraining = false;
        History = history;
        var empty = new Dictionary<string, double>(StringComparer.Ordinal);
        cbs.OnTrainBegin(empty);
        Dictionary<string, double>? lastEpochLogs = null;
        for (int epoch = initialEpoch; epoch < epochs; epoch++)
        {
            ResetMultiMetrics();
            cbs.OnEpochBegin(epoch, new Dictionary<string, double>(StringComparer.Ordinal));
            var logs = new Dictionary<string, double>(StringComparer.Ordinal);
            Tensor? order = shuffle ? Permutation(n) : null;
            for (int step = 0; step < steps; step++)
            {
                cbs.OnTrainBatchBegin(step, new Dictionary<string, double>(StringComparer.Ordinal));
                int start = step * bs, end = Math.Min(n, start + bs);
                logs = model.TrainStep(Take(x, order, start, end)!, Take(y, order, start, end)!, Take(sampleWeight, order, start, end));
                cbs.OnTrainBatchEnd(step, new Dictionary<string, double>(logs, StringComparer.Ordinal));
                if (model.StopTraining) break;
            }
            var epochLogs = new Dictionary<string, double>(logs, StringComparer.Ordinal);
            if (validation is { } v && (epoch + 1) % Math.Max(1, validationFreq) == 0)
            {
                var valLogs = EvaluateArrays(v.X, v.Y, v.W, validationBatchSize ?? bs, cbs);
                foreach (var (k, val) in valLogs) epochLogs["val_" + k] = val;
            }
            cbs.OnEpochEnd(epoch, epochLogs);
            lastEpochLogs = epochLogs;
            if (model.StopTraining) break;
        }
        cbs.OnTrainEnd(lastEpochLogs ?? empty);
        return history;
    }

    /// <summary>Returns the loss and metrics of a model with several inputs and outputs, in batches (default 32).</summary>
    public Dictionary<string, double> Evaluate(Tensor[] x, Tensor[] y, int? batchSize = null, int verbose = 1, Tensor?[]? sampleWeight = null, IEnumerable<Callback>? callbacks = null)
    {
        CheckInputs(x);
        ArgumentNullException.ThrowIfNull(y);
        RequireCompiled();
        if (_distribution is not null)
            return Evaluate(Dataset.FromTensors(x, y, sampleWeight).Batch(batchSize ?? 32), verbose, callbacks); // split by rank, logs reduced
        var list = callbacks?.ToList() ?? [];
        if (verbose != 0 && !list.Any(c => c is ProgbarLogger)) list.Add(new ProgbarLogger());
        var cbs = new CallbackList(list);
        cbs.SetModel(model);
        int bs = batchSize ?? 32;
        cbs.SetParams(new Dictionary<string, int> { ["steps"] = (x[0].Shape[0] + bs - 1) / bs, ["verbose"] = verbose });
        return EvaluateArrays(x, y, sampleWeight, bs, cbs);
    }

    private Dictionary<string, double> EvaluateArrays(Tensor[] x, Tensor[] y, Tensor?[]? sampleWeight, int batchSize, Callback cbs)
    {
        CheckInputs(x);
        ResetMultiMetrics();
        cbs.OnTestBegin(new Dictionary<string, double>(StringComparer.Ordinal));
        int n = x[0].Shape[0];
        var logs = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int step = 0, start = 0; start < n; step++, start += batchSize)
        {
            cbs.OnTestBatchBegin(step, new Dictionary<string, double>(StringComparer.Ordinal));
            int end = Math.Min(n, start + batchSize);
            logs = model.TestStep(Take(x, null, start, end)!, Take(y, null, start, end)!, Take(sampleWeight, null, start, end));
            cbs.OnTestBatchEnd(step, new Dictionary<string, double>(logs, StringComparer.Ordinal));
        }
        cbs.OnTestEnd(new Dictionary<string, double>(logs, StringComparer.Ordinal));
        return logs;
    }

    /// <summary>The outputs of a model with several inputs, computed in batches (default 32); one array per output.</summary>
    public Tensor[] Predict(Tensor[] x, int? batchSize = null, int verbose = 1, IEnumerable<Callback>? callbacks = null)
    {
        CheckInputs(x);
        int bs = batchSize ?? 32;
        int n = x[0].Shape[0];
        var list = callbacks?.ToList() ?? [];
        var empty = new Dictionary<string, double>(StringComparer.Ordinal);
        var cbs = BeginPredict(list, verbose, (n + bs - 1) / bs, empty);
        var parts = new List<Tensor[]>();
        for (int step = 0, start = 0; start < n; step++, start += bs)
        {
            cbs.OnPredictBatchBegin(step, empty);
            var batch = Take(x, null, start, Math.Min(n, start + bs))!;
            parts.Add(model.PredictStep(batch));
            cbs.OnPredictBatchEnd(step, empty);
        }
        cbs.OnPredictEnd(empty);
        if (parts.Count == 1) return parts[0];
        return [.. Enumerable.Range(0, parts[0].Length).Select(o => Ops.Concat([.. parts.Select(p => p[o])], 0))];
    }

    private static Tensor Permutation(int n)
    {
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var rng = new Random(RandomGenerator.Global.NextInt(int.MaxValue));
        rng.Shuffle(order);
        return Tensor.From<int>(order, [n]);
    }

    private static T[]? Slice<T>(T[]? arrays, int start, int end) where T : Tensor?
        => arrays is null ? null : [.. arrays.Select(a => a is null ? a : (T)a[start..end])];

    private static T[]? Take<T>(T[]? arrays, Tensor? order, int start, int end) where T : Tensor?
    {
        if (arrays is null) return null;
        if (order is null) return Slice(arrays, start, end);
        var indices = order[start..end];
        return [.. arrays.Select(a => a is null ? a : (T)Ops.Gather(a, indices, 0))];
    }
}
