using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using LayerGen;
using LayerGen.Datasets;
using LayerGen.Layers;
using LayerGen.Losses;
using LayerGen.Optimizers;

namespace LayerGen.Benchmarks;

/// <summary>
/// The keras.io convnet of samples/FashionMnist (Conv2D 32 3×3 relu, MaxPooling2D 2, Conv2D 64 3×3 relu,
/// MaxPooling2D 2, Flatten, Dropout 0.5, Dense 10 softmax; Adam, sparse categorical cross-entropy, accuracy) on
/// Fashion-MNIST, against benchmarks/References/pytorch_convnet.py (issue 16): one training step at batch 128
/// (an epoch is 469 of them; <see cref="ConvNetEpochBenchmarks"/> times a whole <c>Fit</c> epoch), inference over
/// the 10,000 test images, and a planned forward at batch 128, which must allocate nothing.
/// Run: <c>dotnet run -c Release --project benchmarks/LayerGen.Benchmarks -- --filter '*ConvNetBenchmarks*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class ConvNetBenchmarks
{
    private Sequential _model = null!;
    private Tensor[] _trainX = null!, _trainY = null!, _testX = null!;
    private Tensor _xTest = null!, _x128 = null!;
    private ExecutionPlan _plan1000 = null!, _plan128 = null!;
    private int _step;

    /// <summary>The convnet, built for (28, 28, 1) inputs and compiled like the sample.</summary>
    internal static Sequential NewConvNet()
    {
        var model = new Sequential([
            new InputLayer(shape: [28, 28, 1]),
            new Conv2D(32, kernelSize: 3, activation: "relu"),
            new MaxPooling2D(poolSize: [2, 2]),
            new Conv2D(64, kernelSize: 3, activation: "relu"),
            new MaxPooling2D(poolSize: [2, 2]),
            new Flatten(),
            new Dropout(0.5),
            new Dense(10, activation: "softmax"),
        ]);
        model.Compile(optimizer: new Adam(), loss: new SparseCategoricalCrossentropy(), metrics: ["accuracy"]);
        return model;
    }

    /// <summary>Fashion-MNIST as (N, 28, 28, 1) images; random images when the dataset is not installed.</summary>
    internal static (Tensor XTrain, Tensor YTrain, Tensor XTest) Data()
    {
        try
        {
            var ((xTrain, yTrain), (xTest, _)) = FashionMnist.Load();
            return (Ops.ExpandDims(xTrain, -1), yTrain, Ops.ExpandDims(xTest, -1));
        }
        catch (DatasetNotFoundException e)
        {
            Console.WriteLine($"// {e.Message} Using random images (the timings do not depend on the pixels).");
            var g = new RandomGenerator(16);
            return (g.Uniform([60000, 28, 28, 1]), Tensor.From(Enumerable.Range(0, 60000).Select(i => i % 10).ToArray()), g.Uniform([10000, 28, 28, 1]));
        }
    }

    /// <summary>Loads the data, cuts the batches, builds the model and its plans, and runs each benchmark once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        RandomGenerator.SetGlobalSeed(16);
        var (xTrain, yTrain, xTest) = Data();
        _xTest = xTest;
        _trainX = [.. Enumerable.Range(0, 60000 / 128).Select(b => xTrain[(b * 128)..(b * 128 + 128)])];
        _trainY = [.. Enumerable.Range(0, 60000 / 128).Select(b => yTrain[(b * 128)..(b * 128 + 128)])];
        _testX = [.. Enumerable.Range(0, 10).Select(b => xTest[(b * 1000)..(b * 1000 + 1000)])];
        _x128 = _testX[0][0..128];
        _model = NewConvNet();
        TrainStep();
        _plan1000 = _model.Plan(_testX[0].Spec);
        _plan128 = _model.Plan(_x128.Spec);
        InferencePlanned();
        PlannedForwardBatch128();
    }

    /// <summary>One <c>TrainOnBatch</c> (forward, loss, backward, Adam, accuracy), batch 128, the next training batch each call.</summary>
    [Benchmark]
    public double TrainStep()
    {
        int b = _step++ % _trainX.Length;
        return _model.TrainOnBatch(_trainX[b], _trainY[b])["loss"];
    }

    /// <summary>Inference over the 10,000 test images: ten runs of a plan at batch 1000.</summary>
    [Benchmark]
    public float InferencePlanned()
    {
        float sum = 0;
        foreach (var x in _testX) sum += _plan1000.Run(x).AsSpan<float>()[0];
        return sum;
    }

    /// <summary>Inference over the 10,000 test images with <c>Predict</c> (eager), batch 1000.</summary>
    [Benchmark]
    public Tensor InferencePredict() => _model.Predict(_xTest, batchSize: 1000, verbose: 0);

    /// <summary>A planned forward of 128 images (must allocate 0 B).</summary>
    [Benchmark]
    public float PlannedForwardBatch128() => _plan128.Run(_x128).AsSpan<float>()[0];
}

/// <summary>
/// One whole <c>Fit</c> epoch of the convnet (60,000 Fashion-MNIST images, batch 128, shuffled, Adam, no progress
/// bar), as PyTorch's loop in pytorch_convnet.py --epoch. Long (seconds per call): one warm-up, two measured epochs.
/// Run: <c>dotnet run -c Release --project benchmarks/LayerGen.Benchmarks -- --filter '*ConvNetEpochBenchmarks*'</c>.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 2)]
public class ConvNetEpochBenchmarks
{
    private Sequential _model = null!;
    private Tensor _xTrain = null!, _yTrain = null!;

    /// <summary>Loads the data and builds the model.</summary>
    [GlobalSetup]
    public void Setup()
    {
        RandomGenerator.SetGlobalSeed(16);
        (_xTrain, _yTrain, _) = ConvNetBenchmarks.Data();
        _model = ConvNetBenchmarks.NewConvNet();
    }

    /// <summary>One epoch of <c>Fit</c>, batch 128.</summary>
    [Benchmark]
    public double FitEpoch() => _model.Fit(_xTrain, _yTrain, batchSize: 128, epochs: 1, verbose: 0)["loss"][^1];
}
