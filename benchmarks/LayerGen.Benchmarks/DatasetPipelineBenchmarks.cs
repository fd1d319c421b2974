using BenchmarkDotNet.Attributes;
using LayerGen;
using LayerGen.Datasets;
using LayerGen.Layers;
using LayerGen.Losses;
using LayerGen.Optimizers;
using LayerGen.Training;

namespace LayerGen.Benchmarks;

/// <summary>
/// Whether the streaming input pipeline keeps up with training: one epoch of Fashion-MNIST's 60,000 training images
/// (Debian's dataset-fashion-mnist) read lazily from the gzipped IDX files, shuffled in a 10,000- (or 1,000-) element buffer,
/// batched by 128 and prefetched on a background thread: the pipeline alone, and <c>Fit</c> of the MLP
/// 784-256-256-10 (Adam) on it against <c>Fit</c> on the same images already in memory.
/// Run: <c>dotnet run -c Release --project benchmarks/LayerGen.Benchmarks -- --filter '*DatasetPipeline*'</c>
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3, invocationCount: 1)]
public class DatasetPipelineBenchmarks
{
    private string _images = null!, _labels = null!;

    /// <summary>The shuffle buffer (elements held, and promoted by the GC while they wait).</summary>
    [Params(10_000, 1_000)]
    public int ShuffleBuffer { get; set; }
    private Tensor _x = null!, _y = null!;

    /// <summary>Loads the in-memory copy (for the reference Fit).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _images = Path.Combine(FashionMnist.DefaultDirectory, "train-images-idx3-ubyte.gz");
        _labels = Path.Combine(FashionMnist.DefaultDirectory, "train-labels-idx1-ubyte.gz");
        var data = FashionMnist.Load();
        _x = data.TrainImages;
        _y = data.TrainLabels;
    }

    private Dataset Streamed() => Dataset.FromIdx(_images, _labels).Shuffle(ShuffleBuffer, seed: 1).Batch(128).Prefetch(2);

    private static Sequential Mlp()
    {
        RandomGenerator.SetGlobalSeed(1);
        var model = new Sequential([
            new InputLayer(shape: [28, 28]),
            new Flatten(),
            new Dense(256, activation: "relu"),
            new Dense(256, activation: "relu"),
            new Dense(10),
        ]);
        model.Compile(new Adam(learningRate: 1e-3), new SparseCategoricalCrossentropy(fromLogits: true), ["accuracy"]);
        return model;
    }

    /// <summary>The pipeline alone: read, decode, shuffle, batch and prefetch one epoch (469 batches), no training.</summary>
    [Benchmark]
    public int PipelineEpoch()
    {
        int rows = 0;
        foreach (var batch in Streamed()) rows += batch.X.Shape[0];
        return rows;
    }

    /// <summary>One epoch of Fit on the streamed pipeline.</summary>
    [Benchmark]
    public double FitEpochStreamed() => Mlp().Fit(Streamed(), epochs: 1, verbose: 0)["loss"][^1];

    /// <summary>One epoch of Fit on the same images in memory (shuffled, batch 128): the reference.</summary>
    [Benchmark(Baseline = true)]
    public double FitEpochInMemory() => Mlp().Fit(_x, _y, batchSize: 128, epochs: 1, verbose: 0)["loss"][^1];
}
