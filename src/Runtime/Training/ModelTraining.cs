using LayerGen.Callbacks;
using LayerGen.Losses;
using LayerGen.Metrics;
using LayerGen.Optimizers;

namespace LayerGen.Training;

/// <summary>
/// Training entry points of <see cref="Model"/> (<c>model.Compile(...)</c>, <c>model.Fit(...)</c>,
/// <c>model.Evaluate(...)</c>, <c>model.Predict(...)</c>) as extension members: they live in the training
/// layer and forward to the model's <see cref="Trainer"/>, so the model layer never names training types.
/// </summary>
public static class ModelTraining
{
    extension(Model model)
    {
        /// <inheritdoc cref="Trainer.Optimizer"/>
        public Optimizer? Optimizer => Trainer.Of(model).Optimizer;

        /// <inheritdoc cref="Trainer.Loss"/>
        public Loss? Loss => Trainer.Of(model).Loss;

        /// <inheritdoc cref="Trainer.CompiledMetrics"/>
        public IReadOnlyList<Metric> CompiledMetrics => Trainer.Of(model).CompiledMetrics;

        /// <inheritdoc cref="Trainer.LossTracker"/>
        public Mean LossTracker => Trainer.Of(model).LossTracker;

        /// <inheritdoc cref="Trainer.IsCompiled"/>
        public bool IsCompiled => Trainer.Of(model).IsCompiled;

        /// <inheritdoc cref="Trainer.History"/>
        public History? History => Trainer.Of(model).History;

        /// <inheritdoc cref="Trainer.Compile(Optimizer?, Loss?, IEnumerable{Metric}?, bool)"/>
        public void Compile(Optimizer? optimizer = null, Loss? loss = null, IEnumerable<Metric>? metrics = null, bool runEagerly = false)
            => Trainer.Of(model).Compile(optimizer, loss, metrics, runEagerly);

        /// <inheritdoc cref="Trainer.RunEagerly"/>
        public bool RunEagerly
        {
            get => Trainer.Of(model).RunEagerly;
            set => Trainer.Of(model).RunEagerly = value;
        }

        /// <inheritdoc cref="Trainer.TraceCount"/>
        public int TraceCount => Trainer.Of(model).TraceCount;

        /// <inheritdoc cref="Trainer.TraceFailure"/>
        public string? TraceFailure => Trainer.Of(model).TraceFailure;

        /// <inheritdoc cref="Trainer.Compile(Optimizer?, IReadOnlyList{Loss?}, IReadOnlyList{double}?, IReadOnlyList{IReadOnlyList{Metric}?}?, IReadOnlyList{IReadOnlyList{Metric}?}?)"/>
        public void Compile(Optimizer? optimizer, IReadOnlyList<Loss?> loss, IReadOnlyList<double>? lossWeights = null,
            IReadOnlyList<IReadOnlyList<Metric>?>? metrics = null, IReadOnlyList<IReadOnlyList<Metric>?>? weightedMetrics = null)
            => Trainer.Of(model).Compile(optimizer, loss, lossWeights, metrics, weightedMetrics);

        /// <inheritdoc cref="Trainer.Compile(Optimizer?, IReadOnlyDictionary{string, Loss}, IReadOnlyDictionary{string, double}?, IReadOnlyDictionary{string, IReadOnlyList{Metric}}?, IReadOnlyDictionary{string, IReadOnlyList{Metric}}?)"/>
        public void Compile(Optimizer? optimizer, IReadOnlyDictionary<string, Loss> loss, IReadOnlyDictionary<string, double>? lossWeights = null,
            IReadOnlyDictionary<string, IReadOnlyList<Metric>>? metrics = null, IReadOnlyDictionary<string, IReadOnlyList<Metric>>? weightedMetrics = null)
            => Trainer.Of(model).Compile(optimizer, loss, lossWeights, metrics, weightedMetrics);

        /// <inheritdoc cref="Trainer.OutputLosses"/>
        public IReadOnlyList<Loss?>? OutputLosses => Trainer.Of(model).OutputLosses;

        /// <inheritdoc cref="Trainer.LossWeights"/>
        public IReadOnlyList<double>? LossWeights => Trainer.Of(model).LossWeights;

        /// <inheritdoc cref="Trainer.OutputMetrics"/>
        public IReadOnlyList<IReadOnlyList<Metric>>? OutputMetrics => Trainer.Of(model).OutputMetrics;

        /// <inheritdoc cref="Trainer.OutputWeightedMetrics"/>
        public IReadOnlyList<IReadOnlyList<Metric>>? OutputWeightedMetrics => Trainer.Of(model).OutputWeightedMetrics;

        /// <inheritdoc cref="Trainer.TrainOnBatch(Tensor[], Tensor[], Tensor?[], IReadOnlyDictionary{int, double}?, bool)"/>
        public Dictionary<string, double> TrainOnBatch(Tensor[] x, Tensor[] y, Tensor?[]? sampleWeight = null, IReadOnlyDictionary<int, double>? classWeight = null, bool resetMetrics = true)
            => Trainer.Of(model).TrainOnBatch(x, y, sampleWeight, classWeight, resetMetrics);

        /// <summary>One training step on inputs and targets keyed by input and output name (Keras's dictionaries); see the array overload.</summary>
        public Dictionary<string, double> TrainOnBatch(IReadOnlyDictionary<string, Tensor> x, IReadOnlyDictionary<string, Tensor> y, bool resetMetrics = true)
        {
            var t = Trainer.Of(model);
            return t.TrainOnBatch(t.FromDictionary(x, t.InputNames, "input"), t.FromDictionary(y, t.OutputNames, "output"), null, null, resetMetrics);
        }

        /// <inheritdoc cref="Trainer.TestOnBatch(Tensor[], Tensor[], Tensor?[], bool)"/>
        public Dictionary<string, double> TestOnBatch(Tensor[] x, Tensor[] y, Tensor?[]? sampleWeight = null, bool resetMetrics = true)
            => Trainer.Of(model).TestOnBatch(x, y, sampleWeight, resetMetrics);

        /// <inheritdoc cref="Trainer.PredictOnBatch(Tensor[])"/>
        public Tensor[] PredictOnBatch(Tensor[] x) => Trainer.Of(model).PredictOnBatch(x);

        /// <inheritdoc cref="Trainer.Fit(Tensor[], Tensor[], int?, int, int, IEnumerable{Callback}?, double, ValueTuple{Tensor[], Tensor[]}?, bool, IReadOnlyDictionary{int, double}?, Tensor?[], int, int?, int, int?)"/>
        public History Fit(Tensor[] x, Tensor[] y, int? batchSize = null, int epochs = 1, int verbose = 1,
            IEnumerable<Callback>? callbacks = null, double validationSplit = 0, (Tensor[] X, Tensor[] Y)? validationData = null,
            bool shuffle = true, IReadOnlyDictionary<int, double>? classWeight = null, Tensor?[]? sampleWeight = null,
            int initialEpoch = 0, int? stepsPerEpoch = null, int validationFreq = 1, int? validationBatchSize = null)
            => Trainer.Of(model).Fit(x, y, batchSize, epochs, verbose, callbacks, validationSplit, validationData, shuffle, classWeight, sampleWeight, initialEpoch, stepsPerEpoch, validationFreq, validationBatchSize);

        /// <summary>
        /// Trains on inputs and targets keyed by input and output name (Keras's dictionaries; a missing or unknown name is an
        /// error listing the model's names); <paramref name="sampleWeight"/> keyed by output name; <paramref name="validationData"/>
        /// dictionaries too, evaluated every <paramref name="validationFreq"/> epochs. <paramref name="classWeight"/> is refused as
        /// Keras 3.15 refuses it for targets given as a structure ("`class_weight` is only supported for Models with a single
        /// output."): give per-output sample weights instead. See the array overload.
        /// </summary>
        public History Fit(IReadOnlyDictionary<string, Tensor> x, IReadOnlyDictionary<string, Tensor> y, int? batchSize = null, int epochs = 1, int verbose = 1,
            IEnumerable<Callback>? callbacks = null, double validationSplit = 0, bool shuffle = true,
            IReadOnlyDictionary<string, Tensor>? sampleWeight = null, int initialEpoch = 0, int? stepsPerEpoch = null,
            (IReadOnlyDictionary<string, Tensor> X, IReadOnlyDictionary<string, Tensor> Y)? validationData = null,
            IReadOnlyDictionary<int, double>? classWeight = null, int validationFreq = 1, int? validationBatchSize = null)
        {
            var t = Trainer.Of(model);
            if (classWeight is not null)
                throw new ArgumentException($"`class_weight` is only supported for Models with a single output. Model \"{model.Name}\" was given its targets as a dictionary {Trainer.PythonList(y.Keys)}; give per-output sample weights instead.", nameof(classWeight));
            Tensor?[]? sw = sampleWeight is null ? null : t.SampleWeightsFromDictionary(sampleWeight);
            (Tensor[] X, Tensor[] Y)? validation = validationData is { } vd
                ? (t.FromDictionary(vd.X, t.InputNames, "input"), t.FromDictionary(vd.Y, t.OutputNames, "output")) : null;
            return t.Fit(t.FromDictionary(x, t.InputNames, "input"), t.FromDictionary(y, t.OutputNames, "output"), batchSize, epochs, verbose, callbacks,
                validationSplit, validation, shuffle, null, sw, initialEpoch, stepsPerEpoch, validationFreq, validationBatchSize);
        }

        /// <inheritdoc cref="Trainer.Evaluate(Tensor[], Tensor[], int?, int, Tensor?[], IEnumerable{Callback}?)"/>
        public Dictionary<string, double> Evaluate(Tensor[] x, Tensor[] y, int? batchSize = null, int verbose = 1, Tensor?[]? sampleWeight = null, IEnumerable<Callback>? callbacks = null)
            => Trainer.Of(model).Evaluate(x, y, batchSize, verbose, sampleWeight, callbacks);

        /// <summary>Evaluates on inputs and targets keyed by input and output name; see the array overload.</summary>
        public Dictionary<string, double> Evaluate(IReadOnlyDictionary<string, Tensor> x, IReadOnlyDictionary<string, Tensor> y, int? batchSize = null, int verbose = 1)
        {
            var t = Trainer.Of(model);
            return t.Evaluate(t.FromDictionary(x, t.InputNames, "input"), t.FromDictionary(y, t.OutputNames, "output"), batchSize, verbose);
        }

        /// <inheritdoc cref="Trainer.Predict(Tensor[], int?, int, IEnumerable{Callback}?)"/>
        public Tensor[] Predict(Tensor[] x, int? batchSize = null, int verbose = 1, IEnumerable<Callback>? callbacks = null)
            => Trainer.Of(model).Predict(x, batchSize, verbose, callbacks);

        /// <summary>Predicts on inputs keyed by input name; one array per output, in the order of <c>OutputNames</c>.</summary>
        public Tensor[] Predict(IReadOnlyDictionary<string, Tensor> x, int? batchSize = null, int verbose = 1)
        {
            var t = Trainer.Of(model);
            return t.Predict(t.FromDictionary(x, t.InputNames, "input"), batchSize, verbose);
        }

        /// <inheritdoc cref="Trainer.MetricsResult"/>
        public Dictionary<string, double> MetricsResult() => Trainer.Of(model).MetricsResult();

        /// <inheritdoc cref="Trainer.ResetMetrics"/>
        public void ResetMetrics() => Trainer.Of(model).ResetMetrics();

        /// <inheritdoc cref="Trainer.TrainOnBatch(Tensor, Tensor?, Tensor?, IReadOnlyDictionary{int, double}?, bool)"/>
        public Dictionary<string, double> TrainOnBatch(Tensor x, Tensor? y = null, Tensor? sampleWeight = null, IReadOnlyDictionary<int, double>? classWeight = null, bool resetMetrics = true)
            => Trainer.Of(model).TrainOnBatch(x, y, sampleWeight, classWeight, resetMetrics);

        /// <inheritdoc cref="Trainer.TestOnBatch(Tensor, Tensor?, Tensor?, bool)"/>
        public Dictionary<string, double> TestOnBatch(Tensor x, Tensor? y = null, Tensor? sampleWeight = null, bool resetMetrics = true)
            => Trainer.Of(model).TestOnBatch(x, y, sampleWeight, resetMetrics);

        /// <inheritdoc cref="Trainer.PredictOnBatch(Tensor)"/>
        public Tensor PredictOnBatch(Tensor x) => Trainer.Of(model).PredictOnBatch(x);

        /// <inheritdoc cref="Trainer.Fit(Tensor, Tensor?, int?, int, int, IEnumerable{Callback}?, double, ValueTuple{Tensor, Tensor}?, bool, IReadOnlyDictionary{int, double}?, Tensor?, int, int, int?)"/>
        public History Fit(Tensor x, Tensor? y = null, int? batchSize = null, int epochs = 1, int verbose = 1,
            IEnumerable<Callback>? callbacks = null, double validationSplit = 0, (Tensor X, Tensor Y)? validationData = null,
            bool shuffle = true, IReadOnlyDictionary<int, double>? classWeight = null, Tensor? sampleWeight = null,
            int initialEpoch = 0, int validationFreq = 1, int? validationBatchSize = null)
            => Trainer.Of(model).Fit(x, y, batchSize, epochs, verbose, callbacks, validationSplit, validationData, shuffle, classWeight, sampleWeight, initialEpoch, validationFreq, validationBatchSize);

        /// <inheritdoc cref="Trainer.Fit(Array, Array, int?, int, int, IEnumerable{Callback}?, double, bool, IReadOnlyDictionary{int, double}?, int)"/>
        public History Fit(Array x, Array y, int? batchSize = null, int epochs = 1, int verbose = 1, IEnumerable<Callback>? callbacks = null,
            double validationSplit = 0, bool shuffle = true, IReadOnlyDictionary<int, double>? classWeight = null, int initialEpoch = 0)
            => Trainer.Of(model).Fit(x, y, batchSize, epochs, verbose, callbacks, validationSplit, shuffle, classWeight, initialEpoch);

        /// <inheritdoc cref="Trainer.Fit(Dataset, int, int, IEnumerable{Callback}?, Dataset?, IReadOnlyDictionary{int, double}?, int, int, int?, int?)"/>
        public History Fit(Dataset dataset, int epochs = 1, int verbose = 1, IEnumerable<Callback>? callbacks = null, Dataset? validationData = null,
            IReadOnlyDictionary<int, double>? classWeight = null, int initialEpoch = 0, int validationFreq = 1, int? stepsPerEpoch = null, int? validationSteps = null)
            => Trainer.Of(model).Fit(dataset, epochs, verbose, callbacks, validationData, classWeight, initialEpoch, validationFreq, stepsPerEpoch, validationSteps);

        /// <inheritdoc cref="Trainer.Evaluate(Tensor, Tensor?, int?, int, Tensor?, IEnumerable{Callback}?)"/>
        public Dictionary<string, double> Evaluate(Tensor x, Tensor? y = null, int? batchSize = null, int verbose = 1, Tensor? sampleWeight = null, IEnumerable<Callback>? callbacks = null)
            => Trainer.Of(model).Evaluate(x, y, batchSize, verbose, sampleWeight, callbacks);

        /// <inheritdoc cref="Trainer.Evaluate(Array, Array, int?, int, IEnumerable{Callback}?)"/>
        public Dictionary<string, double> Evaluate(Array x, Array y, int? batchSize = null, int verbose = 1, IEnumerable<Callback>? callbacks = null)
            => Trainer.Of(model).Evaluate(x, y, batchSize, verbose, callbacks);

        /// <inheritdoc cref="Trainer.Evaluate(Dataset, int, IEnumerable{Callback}?, int?)"/>
        public Dictionary<string, double> Evaluate(Dataset dataset, int verbose = 1, IEnumerable<Callback>? callbacks = null, int? steps = null)
            => Trainer.Of(model).Evaluate(dataset, verbose, callbacks, steps);

        /// <inheritdoc cref="Trainer.Predict(Tensor, int?, int, IEnumerable{Callback}?)"/>
        public Tensor Predict(Tensor x, int? batchSize = null, int verbose = 1, IEnumerable<Callback>? callbacks = null)
            => Trainer.Of(model).Predict(x, batchSize, verbose, callbacks);

        /// <inheritdoc cref="Trainer.Predict(Array, int?, int, IEnumerable{Callback}?)"/>
        public Tensor Predict(Array x, int? batchSize = null, int verbose = 1, IEnumerable<Callback>? callbacks = null)
            => Trainer.Of(model).Predict(x, batchSize, verbose, callbacks);

        /// <inheritdoc cref="Trainer.Predict(Dataset, int, IEnumerable{Callback}?, int?)"/>
        public Tensor Predict(Dataset dataset, int verbose = 1, IEnumerable<Callback>? callbacks = null, int? steps = null)
            => Trainer.Of(model).Predict(dataset, verbose, callbacks, steps);

        /// <inheritdoc cref="Trainer.PredictOutputs(Dataset, int, IEnumerable{Callback}?, int?)"/>
        public Tensor[] PredictOutputs(Dataset dataset, int verbose = 1, IEnumerable<Callback>? callbacks = null, int? steps = null)
            => Trainer.Of(model).PredictOutputs(dataset, verbose, callbacks, steps);
    }
}
