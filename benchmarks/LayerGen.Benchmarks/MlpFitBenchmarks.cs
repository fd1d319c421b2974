using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using LayerGen;
using LayerGen.Layers;
using LayerGen.Losses;
using LayerGen.Optimizers;

namespace LayerGen.Benchmarks;

/// <summary>
/// Issue 22: the MLP 784-256-256-10 on Fashion-MNIST (batch 128, Adam, accuracy): one epoch of <c>Fit</c> over the
/// 60,000 training images (planned steps, the default), and <c>Evaluate</c> / <c>Predict</c> over the 10,000 test
/// images. Epochs are seconds long, so few iterations (Monitoring). <c>MlpFitTiming</c> (<c>-- mlp-fit</c>) measures the
/// same with a Stopwatch, with the eager path and the hand-planned step beside it.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class MlpFitBenchmarks
{
    private Sequential _model = null!;
    private Tensor _xTrain = null!, _yTrain = null!, _xTest = null!, _yTest = null!;

    /// <summary>Loads the data, compiles the model and traces its steps (one warm epoch).</summary>
    [GlobalSetup]
    public void Setup()
    {
        (_xTrain, _yTrain, _xTest, _yTest) = MlpFitTiming.Data();
        RandomGenerator.SetGlobalSeed(22);
        _model = MlpFitTiming.NewMlp();
        _model.Compile(new Adam(learningRate: 1e-3), new SparseCategoricalCrossentropy(fromLogits: true), ["accuracy"]);
        FitEpoch();
        Evaluate();
        Predict();
    }

    /// <summary>One epoch of <c>Fit</c> (shuffled, 469 steps, the last of 96 samples).</summary>
    [Benchmark]
    public double FitEpoch() => _model.Fit(_xTrain, _yTrain, batchSize: 128, epochs: 1, verbose: 0)["loss"][^1];

    /// <summary><c>Evaluate</c> over the 10,000 test images at batch 128.</summary>
    [Benchmark]
    public double Evaluate() => _model.Evaluate(_xTest, _yTest, batchSize: 128, verbose: 0)["loss"];

    /// <summary><c>Predict</c> over the 10,000 test images at batch 128.</summary>
    [Benchmark]
    public Tensor Predict() => _model.Predict(_xTest, batchSize: 128, verbose: 0);
}
