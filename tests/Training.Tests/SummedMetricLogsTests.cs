using LayerGen.Callbacks;
using LayerGen.Metrics;
using LayerGen.Optimizers;

namespace LayerGen.Training.Tests;

/// <summary>
/// What <c>Fit</c>/<c>Evaluate</c> hand a distribution for its log reduction: the reported ratio metrics (precision,
/// recall, AUC), keyed as in the logs, so that it sums their states over the ranks; mean-like metrics are not among them.
/// </summary>
public class SummedMetricLogsTests
{
    /// <summary>One rank that records what each log reduction was given (reductions are identities).</summary>
    private sealed class Recording : ITrainingDistribution
    {
        public readonly List<(Dictionary<string, double> Logs, Dictionary<string, double> Summed)> Calls = [];
        public int Rank => 0;
        public int WorldSize => 1;
        public bool IsChief => true;
        public void Synchronize(Model model, Optimizer? optimizer) { }
        public long AgreeOnSeed(long seed) => seed;
        public DataBatch? Shard(DataBatch b) => b;
        public IReadOnlyList<Tensor?> ReduceGradients(IReadOnlyList<Tensor?> gradients, IReadOnlyList<Variable> variables) => gradients;
        public Dictionary<string, double> ReduceLogs(Dictionary<string, double> logs) => throw new InvalidOperationException("the trainer hands the summed metrics");
        public Dictionary<string, double> ReduceLogs(Dictionary<string, double> logs, IReadOnlyList<KeyValuePair<string, Metric>> summedMetrics)
        {
            Calls.Add((new(logs), summedMetrics.ToDictionary(e => e.Key, e => (double)e.Value.Result())));
            return logs;
        }
        public List<Callback> SelectCallbacks(List<Callback> callbacks) => callbacks;
        public void Barrier() { }
        public Tensor Predict(Tensor x, Func<Tensor, Tensor> predictStep) => predictStep(x);
    }

    [Fact]
    public void OneOutputHandsPrecisionRecallAndAucByTheirLogKeys()
    {
        Keras.ClearSession();
        var model = new Sequential([new Layers.InputLayer(shape: [3]), new Layers.Dense(1, activation: "sigmoid")]);
        var recording = new Recording();
        model.Compile(new SGD(learningRate: 0.1), loss: "binary_crossentropy", metrics: ["accuracy", "mae", new Precision(), new Recall(name: "r"), new AUC()]);
        model.UseDistribution(recording);
        var g = new RandomGenerator(3);
        var x = Tensor.RandomNormal([16, 3], generator: g);
        var y = Tensor.From<float>([.. Enumerable.Range(0, 16).Select(i => (float)(i % 3 == 0 ? 1 : 0))], [16, 1]);
        model.Fit(x, y, batchSize: 4, epochs: 1, verbose: 0);
        model.Evaluate(x, y, batchSize: 8, verbose: 0);
        Assert.Equal(4 + 2, recording.Calls.Count);
        foreach (var (logs, summed) in recording.Calls)
        {
            Assert.Equal(["auc", "precision", "r"], summed.Keys.Order(StringComparer.Ordinal));
            foreach (var (k, v) in summed) Assert.Equal(logs[k], v); // the key names the metric whose value it is
        }
    }

    [Fact]
    public void SeveralOutputsHandTheirRatioMetricsByPrefixedKeys()
    {
        var (inputs, outputs) = TwoInTwoOutFixture.Graph();
        var model = new Model(inputs, outputs);
        model.Compile(new SGD(learningRate: 0.05), loss: ["mse", "categorical_crossentropy"], metrics: [["mae"], ["accuracy", new Precision()]]);
        var recording = new Recording();
        model.UseDistribution(recording);
        var (x, y) = TwoInTwoOutFixture.Data(8, seed: 5);
        model.Fit(Dataset.FromTensors(x, y).Batch(4), epochs: 1, verbose: 0); // a Dataset: the path a distribution takes
        Assert.Equal(2, recording.Calls.Count);
        foreach (var (logs, summed) in recording.Calls)
        {
            Assert.Equal(["dense_3_precision"], summed.Keys);
            Assert.Equal(logs["dense_3_precision"], summed["dense_3_precision"]);
            Assert.Contains("dense_3_accuracy", logs.Keys);
        }
    }
}
