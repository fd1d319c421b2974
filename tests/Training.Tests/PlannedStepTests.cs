using LayerGen.Callbacks;
using LayerGen.Layers;
using LayerGen.Losses;
using LayerGen.Optimizers;

namespace LayerGen.Training.Tests;

/// <summary>
/// Fit/Evaluate/Predict/*OnBatch on traced, planned steps (the default) against <c>runEagerly: true</c>: the same
/// seed and steps leave bit-identical weights, logs and predictions; one trace per input signature; overridden
/// steps and untraceable losses take the eager path.
/// </summary>
public sealed class PlannedStepTests
{

    private static (Tensor X, Tensor Y) Data(int n, int features, int classes, int seed)
    {
        var g = new RandomGenerator(seed);
        var x = g.Normal([n, features]);
        var labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = (i * 7 + seed) % classes;
        return (x, Tensor.From(labels));
    }

    private static Sequential Model(int seed, string variant)
    {
        RandomGenerator.SetGlobalSeed(seed);
        var layers = new List<Layer> { new InputLayer(shape: [12]) };
        layers.Add(new Dense(16, activation: "relu", kernelRegularizer: variant == "l2" ? new L2Regularizer(0.01) : null));
        if (variant == "dropout") layers.Add(new Dropout(0.3, seed: 5));
        if (variant == "batchnorm") layers.Add(new BatchNormalization());
        layers.Add(new Dense(8, activation: "tanh"));
        layers.Add(new Dense(4));
        return new Sequential(layers);
    }

    private static Optimizer MakeOptimizer(string name) => name == "sgd" ? new SGD(learningRate: 0.05, momentum: 0.9) : new Adam(learningRate: 0.01);

    /// <summary>Trains the same model twice from the same seed, planned and eager; returns both (weights, history, predictions).</summary>
    private static void AssertPlannedMatchesEager(string optimizer, string variant)
    {
        var (x, y) = Data(100, 12, 4, 1); // 100 samples in batches of 32: the last batch (4) gets its own plan
        (Tensor[] Weights, History History, float[] Prediction, Dictionary<string, double> Eval, int Traces) Run(bool eager)
        {
            var model = Model(7, variant);
            model.Compile(MakeOptimizer(optimizer), new SparseCategoricalCrossentropy(fromLogits: true), ["accuracy"], runEagerly: eager);
            RandomGenerator.SetGlobalSeed(11); // the shuffles
            var history = model.Fit(x, y, batchSize: 32, epochs: 3, verbose: 0, validationSplit: 0.2);
            var prediction = model.Predict(x, batchSize: 32, verbose: 0).ToFloatArray();
            var eval = model.Evaluate(x, y, batchSize: 32, verbose: 0);
            Assert.Null(model.TraceFailure); // planned for real, not fallen back to the eager step
            return (model.GetWeights(), history, prediction, eval, model.TraceCount);
        }
        var planned = Run(eager: false);
        var eager = Run(eager: true);
        Assert.Equal(0, eager.Traces);
        Assert.True(planned.Traces > 0);
        Assert.Equal(eager.Weights.Length, planned.Weights.Length);
        for (int i = 0; i < eager.Weights.Length; i++)
            Assert.Equal(eager.Weights[i].ToFloatArray(), planned.Weights[i].ToFloatArray());
        foreach (var key in eager.History.Values.Keys)
            Assert.Equal(eager.History[key], planned.History[key]);
        Assert.Equal(eager.History.Values.Keys.Order(), planned.History.Values.Keys.Order());
        Assert.Equal(eager.Prediction, planned.Prediction);
        Assert.Equal(eager.Eval, planned.Eval);
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    public void PlannedFitIsBitIdenticalToEager(string optimizer) => AssertPlannedMatchesEager(optimizer, "plain");

    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    public void WeightRegularizersAreRecomputedInEveryPlannedStep(string optimizer) => AssertPlannedMatchesEager(optimizer, "l2");

    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    public void PlannedFitWithDropoutIsBitIdenticalToEager(string optimizer) => AssertPlannedMatchesEager(optimizer, "dropout");

    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    public void PlannedFitWithBatchNormalizationIsBitIdenticalToEager(string optimizer) => AssertPlannedMatchesEager(optimizer, "batchnorm");

    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    public void PlannedConvNetFitIsBitIdenticalToEager(string optimizer)
    {
        // Conv2D + bias + relu fused into one plan step (epilogue per GEMM block) and MaxPoolGrad + ReluGrad fused into
        // one tiled pass (9×9 → 7×7 → pooled 3×3 leaves a row and a column uncovered): bit for bit the eager ops.
        var g = new RandomGenerator(3);
        var x = g.Normal([40, 9, 9, 1]);
        var y = Tensor.From(Enumerable.Range(0, 40).Select(i => (i * 5 + 1) % 3).ToArray());
        (Tensor[] Weights, History History) Run(bool eager)
        {
            RandomGenerator.SetGlobalSeed(4);
            var model = new Sequential([
                new InputLayer(shape: [9, 9, 1]),
                new Conv2D(16, kernelSize: 3, activation: "relu"),
                new MaxPooling2D(poolSize: [2, 2]),
                new Conv2D(32, kernelSize: 2, activation: "relu"),
                new MaxPooling2D(poolSize: [2, 2]),
                new Flatten(),
                new Dense(3),
            ]);
            model.Compile(MakeOptimizer(optimizer), new SparseCategoricalCrossentropy(fromLogits: true), ["accuracy"], runEagerly: eager);
            RandomGenerator.SetGlobalSeed(11);
            var history = model.Fit(x, y, batchSize: 16, epochs: 2, verbose: 0);
            Assert.Null(model.TraceFailure);
            return (model.GetWeights(), history);
        }
        var planned = Run(eager: false);
        var eagerRun = Run(eager: true);
        for (int i = 0; i < eagerRun.Weights.Length; i++)
            Assert.Equal(eagerRun.Weights[i].ToFloatArray(), planned.Weights[i].ToFloatArray());
        Assert.Equal(eagerRun.History["loss"], planned.History["loss"]);
    }

    [Fact]
    public void OneTracePerInputSignature()
    {
        var (x, y) = Data(100, 12, 4, 2);
        var model = Model(3, "plain");
        model.Compile(new Adam(), new SparseCategoricalCrossentropy(fromLogits: true));
        model.Fit(x, y, batchSize: 32, epochs: 2, verbose: 0);
        Assert.Equal(2, model.TraceCount); // batches of 32 and the last one of 4
        model.Fit(x, y, batchSize: 32, epochs: 1, verbose: 0);
        Assert.Equal(2, model.TraceCount);
        model.Evaluate(x, y, batchSize: 50, verbose: 0);
        Assert.Equal(3, model.TraceCount);
        model.Predict(x, batchSize: 50, verbose: 0);
        model.PredictOnBatch(x[0..50]);
        Assert.Equal(4, model.TraceCount);
        Assert.Null(model.TraceFailure);
        model.Compile(new Adam(), new SparseCategoricalCrossentropy(fromLogits: true)); // a new compile traces again
        Assert.Equal(0, model.TraceCount);
        model.TrainOnBatch(x[0..32], y[0..32]);
        Assert.Equal(1, model.TraceCount);
    }

    [Fact]
    public void RunEagerlyTracesNothing()
    {
        var (x, y) = Data(64, 12, 4, 3);
        var model = Model(3, "plain");
        model.Compile(new SGD(), new SparseCategoricalCrossentropy(fromLogits: true), runEagerly: true);
        Assert.True(model.RunEagerly);
        model.Fit(x, y, batchSize: 16, epochs: 1, verbose: 0);
        model.Evaluate(x, y, verbose: 0);
        model.Predict(x, verbose: 0);
        Assert.Equal(0, model.TraceCount);
        model.RunEagerly = false; // as Keras's model.run_eagerly = False
        model.TrainOnBatch(x[0..16], y[0..16]);
        Assert.Equal(1, model.TraceCount);
    }

    [Fact]
    public void OnBatchMethodsMatchEager()
    {
        var (x, y) = Data(32, 12, 4, 4);
        (Dictionary<string, double> Train, Dictionary<string, double> Test, float[] Pred) Run(bool eager)
        {
            var model = Model(9, "plain");
            model.Compile(new Adam(learningRate: 0.01), new SparseCategoricalCrossentropy(fromLogits: true), ["accuracy"], runEagerly: eager);
            Dictionary<string, double> train = [];
            for (int i = 0; i < 3; i++) train = model.TrainOnBatch(x, y, resetMetrics: false);
            return (train, model.TestOnBatch(x, y), model.PredictOnBatch(x).ToFloatArray());
        }
        var planned = Run(false);
        var eager = Run(true);
        Assert.Equal(eager.Train, planned.Train);
        Assert.Equal(eager.Test, planned.Test);
        Assert.Equal(eager.Pred, planned.Pred);
    }

    [Fact]
    public void PredictOnBatchResultIsNotOverwrittenByTheNextRun()
    {
        var (x, _) = Data(8, 12, 4, 5);
        var model = Model(3, "plain");
        var first = model.PredictOnBatch(x);
        var copy = first.ToFloatArray();
        _ = model.PredictOnBatch(Ops.Mul(x, Tensor.Scalar(2f)));
        Assert.Equal(copy, first.ToFloatArray());
    }

    [Fact]
    public void WhatALayerComputesFromItsWeightsAloneIsRecomputedAtEveryRun()
    {
        // SeparableConv1D reshapes its kernels before using them: traced, those reads must stay graph nodes, or the
        // plan would keep the kernels it saw at trace time (here zeros).
        var x = new RandomGenerator(3).Normal([2, 6, 3]);
        var model = new Sequential([new InputLayer(shape: [6, 3]), new SeparableConv1D(4, 3, depthMultiplier: 2), new Dense(2)]);
        var weights = model.GetWeights();
        model.SetWeights([.. weights.Select(w => Tensor.Zeros(w.Shape))]);
        _ = model.Predict(x, verbose: 0);
        model.SetWeights(weights);
        var planned = model.Predict(x, verbose: 0).ToFloatArray();
        Assert.Equal(model.CallWithTraining(x, training: false).ToFloatArray(), planned);
        Assert.Null(model.TraceFailure);
    }

    [Fact]
    public void OverriddenTrainStepIsHonoured()
    {
        var (x, y) = Data(40, 12, 4, 6);
        var model = new StepCountingModel();
        model.Compile(new SGD(), new SparseCategoricalCrossentropy(fromLogits: true));
        model.Fit(x, y, batchSize: 10, epochs: 2, verbose: 0);
        Assert.Equal(8, model.Steps);
    }

    [Fact]
    public void AnUntraceableComputeLossFallsBackToTheEagerStep()
    {
        var (x, y) = Data(40, 12, 4, 7);
        (float[] Weights, double Loss) Run(bool eager)
        {
            RandomGenerator.SetGlobalSeed(4);
            var model = new ValueReadingLossModel();
            model.Compile(new SGD(learningRate: 0.1), new SparseCategoricalCrossentropy(fromLogits: true), runEagerly: eager);
            var history = model.Fit(x, y, batchSize: 10, epochs: 1, verbose: 0, shuffle: false);
            if (!eager) Assert.Contains("symbolic", model.TraceFailure, StringComparison.Ordinal);
            return (model.GetWeights()[0].ToFloatArray(), history["loss"][^1]);
        }
        var planned = Run(false);
        var eager = Run(true);
        Assert.Equal(eager.Weights, planned.Weights);
        Assert.Equal(eager.Loss, planned.Loss);
    }

    [Fact]
    public void CallbacksSeeTheSameLogsAndEarlyStoppingStopsAtTheSameEpoch()
    {
        var (x, y) = Data(64, 12, 4, 8);
        (List<string> Events, int Epochs) Run(bool eager)
        {
            var model = Model(3, "plain");
            model.Compile(new SGD(learningRate: 0.0), new SparseCategoricalCrossentropy(fromLogits: true), runEagerly: eager);
            var recorder = new Recorder();
            var history = model.Fit(x, y, batchSize: 16, epochs: 20, verbose: 0, shuffle: false,
                callbacks: [recorder, new EarlyStopping(monitor: "loss", patience: 2)]);
            return (recorder.Events, history.Epoch.Count);
        }
        var planned = Run(false);
        var eager = Run(true);
        Assert.Equal(3, planned.Epochs); // the loss never improves after the first epoch
        Assert.Equal(eager.Epochs, planned.Epochs);
        Assert.Equal(eager.Events, planned.Events);
    }

    [Fact]
    public void SparseCategoricalAccuracyCountsInPlaceAsArgMaxDoes()
    {
        // Ties (first maximum wins), labels as (n) and (n, 1): the in-place count against the tensor path (float labels).
        var logits = Tensor.From(new float[,] { { 1, 3, 3 }, { 2, 2, 2 }, { 0, -1, 5 }, { 4, 4, 1 }, { -2, -1, -3 } });
        int[] labels = [1, 0, 2, 1, 1];
        var fast = new Metrics.SparseCategoricalAccuracy();
        fast.UpdateState(Tensor.From(labels), logits);
        fast.UpdateState(Ops.Reshape(Tensor.From(labels), [5, 1]), logits);
        var general = new Metrics.SparseCategoricalAccuracy();
        var floatLabels = Tensor.From(labels.Select(l => (float)l).ToArray());
        general.UpdateState(floatLabels, logits);
        general.UpdateState(floatLabels, logits);
        Assert.Equal(0.8f, fast.Result());
        Assert.Equal(general.Result(), fast.Result());
    }

    [Fact]
    public void SeveralInputsAndOutputsArePlannedBitIdenticallyToEager()
    {
        var g = new RandomGenerator(5);
        Tensor[] x = [g.Normal([30, 4]), g.Normal([30, 3])];
        var labels = new float[30 * 3];
        for (int i = 0; i < 30; i++) labels[i * 3 + i % 3] = 1;
        Tensor[] y = [g.Normal([30, 2]), Tensor.From<float>(labels, [30, 3])];
        Tensor?[] sampleWeight = [null, g.Uniform([30])];
        (Tensor[] Weights, History History, float[] Prediction, Dictionary<string, double> Eval, int Traces, string? Failure) Run(bool eager)
        {
            RandomGenerator.SetGlobalSeed(21);
            Keras.ClearSession();
            var a = Keras.Input([4], name: "in_a");
            var b = Keras.Input([3], name: "in_b");
            var ha = new Dense(6, activation: "relu").Invoke(a);
            var hb = new Dense(6, activation: "tanh").Invoke(b);
            var reg = new Dense(2).Invoke(new Concatenate().Invoke([ha, hb]));
            var cls = new Dense(3, activation: "softmax").Invoke(new Add().Invoke([ha, hb]));
            var model = new Model([a, b], [reg, cls]);
            model.Compile(new Adam(learningRate: 0.01), loss: ["mse", "categorical_crossentropy"], lossWeights: [1.0, 0.5],
                metrics: [["mae"], ["accuracy"]]);
            model.RunEagerly = eager;
            RandomGenerator.SetGlobalSeed(12);
            var history = model.Fit(x, y, batchSize: 8, epochs: 3, verbose: 0, sampleWeight: sampleWeight, validationData: (x, y));
            var prediction = model.Predict(x, batchSize: 8, verbose: 0)[1].ToFloatArray();
            var eval = model.Evaluate(x, y, batchSize: 8, verbose: 0);
            return (model.GetWeights(), history, prediction, eval, model.TraceCount, model.TraceFailure);
        }
        var planned = Run(eager: false);
        var eager = Run(eager: true);
        Assert.Null(planned.Failure);
        Assert.True(planned.Traces >= 4, $"traces {planned.Traces}"); // train 8 and 6, test 8 and 6, predict
        Assert.Equal(0, eager.Traces);
        for (int i = 0; i < eager.Weights.Length; i++)
            Assert.Equal(eager.Weights[i].ToFloatArray(), planned.Weights[i].ToFloatArray());
        Assert.Equal(eager.History.Values.Keys.Order(), planned.History.Values.Keys.Order());
        foreach (var key in eager.History.Values.Keys)
            Assert.Equal(eager.History[key], planned.History[key]);
        Assert.Equal(eager.Prediction, planned.Prediction);
        Assert.Equal(eager.Eval, planned.Eval);
    }

    private sealed class Recorder : Callback
    {
        public List<string> Events { get; } = [];
        public override void OnTrainBatchEnd(int batch, IDictionary<string, double> logs)
            => Events.Add($"batch {batch} " + string.Join(",", logs.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value:R}")));
        public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
            => Events.Add($"epoch {epoch} " + string.Join(",", logs.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value:R}")));
    }

    private sealed class StepCountingModel : Sequential
    {
        public StepCountingModel() : base([new InputLayer(shape: [12]), new Dense(4)]) { }
        public int Steps { get; private set; }
        public override Dictionary<string, double> TrainStep(Tensor x, Tensor? y, Tensor? sampleWeight)
        {
            Steps++;
            return base.TrainStep(x, y, sampleWeight);
        }
    }

    /// <summary>A ComputeLoss that reads a value (as some user code does): it cannot be traced.</summary>
    private sealed class ValueReadingLossModel : Sequential
    {
        public ValueReadingLossModel() : base([new InputLayer(shape: [12]), new Dense(4)]) { }
        public override Tensor ComputeLoss(Tensor x, Tensor? y, Tensor yPred, Tensor? sampleWeight)
        {
            var loss = base.ComputeLoss(x, y, yPred, sampleWeight);
            return loss.ToScalar<float>() > 1e6f ? Ops.Mul(loss, Tensor.Scalar(0f)) : loss;
        }
    }
}
