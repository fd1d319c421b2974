using LayerGen.Callbacks;
using LayerGen.Layers;
using LayerGen.Losses;
using LayerGen.Optimizers;

namespace LayerGen.Training.Tests;

/// <summary>
/// Fit, Evaluate and Predict on tensors copy each full batch of x into reused tensors once a default planned step has
/// run (it keeps nothing of x). Steps that are not the default ones may keep their inputs, and must get intact batches.
/// </summary>
public sealed class BatchReuseTests
{
    private static Tensor Values(int n) => Tensor.From(Enumerable.Range(0, n).Select(i => (float)i).ToArray(), [n, 1]);

    /// <summary>Keeps every x it is given (the tensor, not a copy) and trains nothing.</summary>
    private sealed class KeepingModel : Sequential
    {
        public KeepingModel() : base([new InputLayer(shape: [1]), new Dense(1)]) { }
        public List<Tensor> Kept { get; } = [];

        public override Dictionary<string, double> TrainStep(Tensor x, Tensor? y, Tensor? sampleWeight)
        {
            Kept.Add(x);
            return new() { ["loss"] = 0 };
        }

        public override Dictionary<string, double> TestStep(Tensor x, Tensor? y, Tensor? sampleWeight)
        {
            Kept.Add(x);
            return new() { ["loss"] = 0 };
        }

        public override Tensor PredictStep(Tensor x)
        {
            Kept.Add(x);
            return x;
        }
    }

    private static void AssertEachPassIsEveryRowOnce(List<Tensor> kept, int batchesPerPass, int n)
    {
        for (int pass = 0; pass < kept.Count / batchesPerPass; pass++)
        {
            var values = kept.Skip(pass * batchesPerPass).Take(batchesPerPass).SelectMany(t => t.ToFloatArray()).Order();
            Assert.Equal(Enumerable.Range(0, n).Select(i => (float)i), values);
        }
    }

    [Fact]
    public void CustomStepsThatKeepTheirBatchesGetNewTensors()
    {
        var x = Values(64);
        var model = new KeepingModel();
        model.Compile(new SGD(learningRate: 0.01), new MeanSquaredError());
        model.Fit(x, x, batchSize: 8, epochs: 3, verbose: 0);
        Assert.Equal(24, model.Kept.Count);
        AssertEachPassIsEveryRowOnce(model.Kept, 8, 64); // a reused tensor would hold only the last batch written to it
        Assert.Equal(24, model.Kept.Distinct(ReferenceEqualityComparer.Instance).Count());

        model.Kept.Clear();
        model.Evaluate(x, x, batchSize: 8, verbose: 0);
        _ = model.Predict(x, batchSize: 8, verbose: 0);
        Assert.Equal(16, model.Kept.Count);
        AssertEachPassIsEveryRowOnce(model.Kept, 8, 64);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (float)i), model.Kept[8].ToFloatArray()); // in order
    }

    [Fact]
    public void DefaultPlannedStepsOnReusedBatchesMatchEagerSteps()
    {
        // Planned (batches reused after the first step) against runEagerly (every batch a new tensor): same bits.
        var g = new RandomGenerator(3);
        var x = g.Normal([200, 6]);
        var y = Tensor.From(Enumerable.Range(0, 200).Select(i => i % 3).ToArray());
        (float[][] Weights, float[] Prediction, double Loss) Run(bool eager)
        {
            RandomGenerator.SetGlobalSeed(5);
            var model = new Sequential([new InputLayer(shape: [6]), new Dense(8, activation: "relu"), new Dense(3)]);
            model.Compile(new Adam(learningRate: 0.01), new SparseCategoricalCrossentropy(fromLogits: true), ["accuracy"], runEagerly: eager);
            model.Fit(x, y, batchSize: 16, epochs: 2, verbose: 0);
            var loss = model.Evaluate(x, y, batchSize: 16, verbose: 0)["loss"];
            return ([.. model.GetWeights().Select(w => w.ToFloatArray())], model.Predict(x, batchSize: 16, verbose: 0).ToFloatArray(), loss);
        }
        var planned = Run(eager: false);
        var eager = Run(eager: true);
        Assert.Equal(eager.Weights, planned.Weights);
        Assert.Equal(eager.Prediction, planned.Prediction);
        Assert.Equal(eager.Loss, planned.Loss);
    }
    /// <summary>Stops training at a given batch of a given epoch (a pass left mid-way).</summary>
    private sealed class StopAt(int epoch, int batch) : Callback
    {
        private int _epoch;
        public override void OnEpochBegin(int epoch, IDictionary<string, double> logs) => _epoch = epoch;
        public override void OnTrainBatchEnd(int batch1, IDictionary<string, double> logs)
        {
            if (_epoch == epoch && batch1 == batch) Model!.StopTraining = true;
        }
    }

    [Fact]
    public void ReusedShuffledBatchesAreTheBatchesEagerStepsSee()
    {
        // Planned Fit gathers the shuffled batches into reused tensors (on both cores); eager Fit gathers every batch
        // into a new tensor. Same batches, so the same weights bit for bit, over several epochs, a last smaller batch,
        // and a second Fit after one stopped mid-epoch.
        var g = new RandomGenerator(4);
        var x = g.Normal([1000, 20]);
        var y = Tensor.From(Enumerable.Range(0, 1000).Select(i => i % 5).ToArray());
        float[][] Run(bool eager)
        {
            RandomGenerator.SetGlobalSeed(6);
            var model = new Sequential([new InputLayer(shape: [20]), new Dense(32, activation: "relu"), new Dense(5)]);
            model.Compile(new Adam(learningRate: 0.01), new SparseCategoricalCrossentropy(fromLogits: true), ["accuracy"], runEagerly: eager);
            model.Fit(x, y, batchSize: 64, epochs: 3, verbose: 0, callbacks: [new StopAt(1, 5)]);
            model.Fit(x, y, batchSize: 64, epochs: 3, verbose: 0);
            return [.. model.GetWeights().Select(w => w.ToFloatArray())];
        }
        Assert.Equal(Run(eager: true), Run(eager: false));
    }
}
