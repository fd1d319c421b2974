using LayerGen.Callbacks;
using LayerGen.Layers;
using LayerGen.Losses;
using LayerGen.Optimizers;

namespace LayerGen.Training.Tests;

/// <summary>
/// <c>Fit</c>/<c>Evaluate</c>/<c>Predict</c> on streaming datasets: parallel Map and Prefetch, steps per epoch on a
/// repeated dataset (Keras's iterator kept across epochs), validation steps, and the typed errors of bad input (a Map
/// that throws surfaces from Fit with the element index and stops the threads; an empty dataset; more steps than data
/// without Repeat; a dataset repeated forever without steps; unbatched elements).
/// </summary>
public class DatasetFitTests
{
    private static (Tensor X, Tensor Y) Linear(int n)
    {
        var random = new RandomGenerator(3);
        var x = random.Normal([n, 4]);
        var y = Ops.Sum(x * Tensor.From(new float[] { 1, -2, 0.5f, 3 }), 1, keepDims: true);
        return (x, y);
    }

    private static Sequential Model()
    {
        RandomGenerator.SetGlobalSeed(11);
        var model = new Sequential([new InputLayer(shape: [4]), new Dense(8, activation: "tanh"), new Dense(1)]);
        model.Compile(new Adam(learningRate: 0.02), new MeanSquaredError());
        return model;
    }

    private sealed class CountBatches : Callback
    {
        public int Count;
        public override void OnTrainBatchEnd(int batch, IDictionary<string, double> logs) => Count++;
    }

    [Fact]
    public void FitOnAStreamingPipelineLearnsAndMatchesTheSameBatchesInMemory()
    {
        var (x, y) = Linear(256);
        var streamed = Model();
        var h1 = streamed.Fit(Dataset.FromTensors(x, y).Map(e => e with { X = e.X * 1f }, numParallelCalls: 3).Batch(32).Prefetch(2), epochs: 15, verbose: 0,
            validationData: Dataset.FromTensors(x, y).Batch(64).Prefetch());
        var inMemory = Model();
        var h2 = inMemory.Fit(Dataset.FromTensors(x, y).Batch(32), epochs: 15, verbose: 0, validationData: Dataset.FromTensors(x, y).Batch(64));
        Assert.True(h1["loss"][^1] < h1["loss"][0] / 5, $"loss {h1["loss"][0]} -> {h1["loss"][^1]}");
        Assert.Equal(h2["loss"], h1["loss"]);        // same batches, same order: the same run
        Assert.Equal(h2["val_loss"], h1["val_loss"]);
        var evalStreamed = streamed.Evaluate(Dataset.FromTensors(x, y).Map(e => e, 2).Batch(50).Prefetch(), verbose: 0);
        Assert.Equal(h1["val_loss"][^1], evalStreamed["loss"], 5);
        Assert.Equal(new Shape(256, 1), streamed.Predict(Dataset.FromTensors(x).Batch(100).Prefetch(), verbose: 0).Shape);
        Assert.Equal(new Shape(30, 1), streamed.Predict(Dataset.FromTensors(x).Batch(10).Repeat(), verbose: 0, steps: 3).Shape);
    }

    [Fact]
    public void StepsPerEpochOnARepeatedDatasetKeepsItsIteratorAcrossEpochs()
    {
        var (x, y) = Linear(40);
        var model = Model();
        var count = new CountBatches();
        var seen = new List<float>();
        var ds = Dataset.FromTensors(x, y).Map(e => { lock (seen) seen.Add(e.Y!.ToScalar<float>()); return e; }).Batch(10).Repeat();
        var history = model.Fit(ds, epochs: 3, stepsPerEpoch: 6, verbose: 0, callbacks: [count],
            validationData: Dataset.FromTensors(x, y).Batch(10).Repeat(), validationSteps: 2);
        Assert.Equal(18, count.Count);
        Assert.Equal(3, history["loss"].Count);
        Assert.Equal(3, history["val_loss"].Count);
        Assert.InRange(seen.Count, 180, 180 + 10); // 18 batches of 10 (plus at most one batch read ahead)

        // Keras: a finite dataset of 4 batches with 2 steps per epoch gives 2 epochs per pass, and starts again.
        var finite = new CountBatches();
        model.Fit(Dataset.FromTensors(x, y).Batch(10), epochs: 5, stepsPerEpoch: 2, verbose: 0, callbacks: [finite]);
        Assert.Equal(10, finite.Count);
    }

    [Fact]
    public void StepsPerEpochLargerThanTheDataWithoutRepeatRunsOutWithKerasMessage()
    {
        var (x, y) = Linear(40);
        var model = Model();
        var e = Assert.Throws<DatasetExhaustedException>(() => model.Fit(Dataset.FromTensors(x, y).Batch(10).Prefetch(), epochs: 2, stepsPerEpoch: 6, verbose: 0));
        Assert.StartsWith("Your input ran out of data; interrupting training.", e.Message, StringComparison.Ordinal);
        Assert.Contains(".repeat()", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, e.Epoch);
        Assert.Equal(4, e.Step);

        var infinite = Assert.Throws<ArgumentException>(() => model.Fit(Dataset.FromTensors(x, y).Batch(10).Repeat(), epochs: 1, verbose: 0));
        Assert.Contains("stepsPerEpoch", infinite.Message, StringComparison.Ordinal);
        var unbatched = Assert.Throws<ArgumentException>(() => model.Fit(Dataset.FromTensors(x, y), verbose: 0));
        Assert.Contains(".Batch(batchSize)", unbatched.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptyDatasetIsATypedErrorInFitEvaluateAndPredict()
    {
        var (x, y) = Linear(8);
        var model = Model();
        var empty = Dataset.FromTensors(x, y).Take(0).Batch(4);
        Assert.Throws<DatasetEmptyException>(() => model.Fit(empty, verbose: 0));
        Assert.Throws<DatasetEmptyException>(() => model.Evaluate(empty, verbose: 0));
        Assert.Throws<DatasetEmptyException>(() => model.Predict(empty, verbose: 0));
        Assert.Throws<DatasetEmptyException>(() => model.Fit(Dataset.FromTensors(x, y).Batch(16, dropRemainder: true).Prefetch(), stepsPerEpoch: 2, verbose: 0));
        Assert.Throws<DatasetEmptyException>(() => model.Fit(Dataset.FromTensors(x, y).Batch(4), verbose: 0, validationData: empty));
    }

    [Fact]
    public void AMapThatThrowsSurfacesFromFitWithTheElementIndexAndStopsTheThreads()
    {
        var (x, y) = Linear(200);
        var model = Model();
        int started = 0;
        bool sourceClosed = false;
        var ds = Dataset.FromGenerator(() => Rows(x, y, () => sourceClosed = true), 200)
            .Map(e =>
            {
                int i = Interlocked.Increment(ref started) - 1;
                if (i == 123) throw new FormatException("corrupt record");
                return e;
            }, numParallelCalls: 3)
            .Batch(16)
            .Prefetch(2);
        var error = Assert.Throws<DatasetMapException>(() => model.Fit(ds, epochs: 2, verbose: 0));
        Assert.Equal(123, error.ElementIndex);
        Assert.IsType<FormatException>(error.InnerException);
        Assert.True(sourceClosed); // the prefetch thread left the pipeline before Fit threw
        int after = Volatile.Read(ref started);
        Thread.Sleep(50);
        Assert.Equal(after, Volatile.Read(ref started));
        Assert.DoesNotContain("loss", model.History!.Values.Keys); // no epoch completed
    }

    private static IEnumerable<DataBatch> Rows(Tensor x, Tensor y, Action closed)
    {
        try
        {
            for (int i = 0; i < x.Shape[0]; i++) yield return new DataBatch(x[i], y[i], null);
        }
        finally { closed(); }
    }

    private sealed class RecordingModel : Sequential
    {
        public RecordingModel() : base([new InputLayer(shape: [1]), new Dense(1)]) { }
        public List<float[]> Batches { get; } = [];
        public override Dictionary<string, double> TrainStep(Tensor x, Tensor? y, Tensor? sampleWeight)
        {
            Batches.Add(x.ToFloatArray());
            return base.TrainStep(x, y, sampleWeight);
        }
    }

    [Fact]
    public void FitOnTensorsShufflesSamplesNotBatches()
    {
        var x = Tensor.From(Enumerable.Range(0, 64).Select(i => (float)i).ToArray(), [64, 1]);
        var model = new RecordingModel();
        model.Compile(new SGD(learningRate: 0.001), new MeanSquaredError());
        model.Fit(x, x, batchSize: 8, epochs: 2, verbose: 0);
        Assert.Equal(16, model.Batches.Count);
        Assert.Equal(Enumerable.Range(0, 64).Select(i => (float)i), model.Batches.Take(8).SelectMany(b => b).Order());
        // Batches mix samples from all over the data (a batch-order shuffle would keep runs of 8 consecutive values).
        Assert.Contains(model.Batches, b => b.Max() - b.Min() > 8);
        Assert.NotEqual(model.Batches[0], model.Batches[8]);
    }

    /// <summary>Rank 1 of 2 without MPI: takes the second half of each global batch, reductions are identities.</summary>
    private sealed class SecondHalf : ITrainingDistribution
    {
        public int Rank => 1;
        public int WorldSize => 2;
        public bool IsChief => false;
        public void Synchronize(Model model, Optimizer? optimizer) { }
        public long AgreeOnSeed(long seed) => seed;
        public DataBatch? Shard(DataBatch b)
        {
            int n = b.X.Shape[0];
            return n < 2 ? null : new DataBatch(b.X[(n / 2)..n], b.Y?[(n / 2)..n], b.SampleWeight?[(n / 2)..n]);
        }
        public IReadOnlyList<Tensor?> ReduceGradients(IReadOnlyList<Tensor?> gradients, IReadOnlyList<Variable> variables) => gradients;
        public Dictionary<string, double> ReduceLogs(Dictionary<string, double> logs) => logs;
        public List<Callback> SelectCallbacks(List<Callback> callbacks) => callbacks;
        public void Barrier() { }
        public Tensor Predict(Tensor x, Func<Tensor, Tensor> predictStep) => predictStep(x);
    }

    [Fact]
    public void FitWithADistributionGivesThisRankItsRowsOfEveryStreamedGlobalBatch()
    {
        var x = Tensor.From(Enumerable.Range(0, 48).Select(i => (float)i).ToArray(), [48, 1]);
        var model = new RecordingModel();
        LayerGen.Distributed.ModelDistribution.Compile(model, new SecondHalf(), new SGD(learningRate: 0.001), new MeanSquaredError());
        Dataset Make() => Dataset.FromTensors(x, x).Map(e => e, numParallelCalls: 2).Shuffle(16, seed: 4).Batch(8).Prefetch(2);
        var global = Make().Select(b => b.X.ToFloatArray()).ToList(); // the first pass: what every rank's first epoch sees
        model.Fit(Make(), epochs: 1, verbose: 0);
        Assert.Equal(6, model.Batches.Count);
        for (int i = 0; i < 6; i++) Assert.Equal(global[i][4..], model.Batches[i]);
    }

    [Fact]
    public void NormalizationAdaptsOverAnUnbatchedStreamingDataset()
    {
        var (x, _) = Linear(64);
        var a = new Normalization();
        a.Adapt(Dataset.FromGenerator(() => Enumerable.Range(0, 64).Select(i => new DataBatch(x[i], null, null)), 64));
        var b = new Normalization();
        b.Adapt(x);
        Assert.Equal(b.AdaptMean!.ToFloatArray(), a.AdaptMean!.ToFloatArray(), new FloatTolerance(1e-5f));
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(float v) => 0;
    }
}
