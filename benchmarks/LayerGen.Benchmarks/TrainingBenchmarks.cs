using BenchmarkDotNet.Attributes;
using LayerGen;
using LayerGen.Layers;
using LayerGen.Losses;
using LayerGen.Optimizers;

namespace LayerGen.Benchmarks;

/// <summary>One training step (forward, loss, gradients, Adam update, metrics) of an MLP 784-256-256-10 at batch 128.</summary>
[MemoryDiagnoser]
public class TrainingBenchmarks
{
    private Sequential _model = null!, _sgdModel = null!;
    private Tensor _x = null!, _y = null!;

    /// <summary>Builds and compiles the model; random inputs and integer labels.</summary>
    [GlobalSetup]
    public void Setup()
    {
        RandomGenerator.SetGlobalSeed(1);
        _model = new Sequential([
            new InputLayer(shape: [784]),
            new Dense(256, activation: "relu"),
            new Dense(256, activation: "relu"),
            new Dense(10),
        ]);
        _model.Compile(new Adam(learningRate: 1e-3), new SparseCategoricalCrossentropy(fromLogits: true), ["accuracy"]);
        var g = new RandomGenerator(2);
        _x = g.Normal([128, 784]);
        _y = Tensor.From(Enumerable.Range(0, 128).Select(i => i % 10).ToArray());
        _model.TrainOnBatch(_x, _y); // warm-up: builds the optimizer
        _sgdModel = new Sequential([
            new InputLayer(shape: [784]),
            new Dense(256, activation: "relu"),
            new Dense(256, activation: "relu"),
            new Dense(10),
        ]);
        _sgdModel.Compile(new SGD(learningRate: 0.01), new SparseCategoricalCrossentropy(fromLogits: true));
        _sgdModel.TrainOnBatch(_x, _y);
    }

    /// <summary>Issue 10's step: forward, loss, backward and a plain SGD update, no metrics.</summary>
    [Benchmark]
    public Dictionary<string, double> TrainStepSgd() => _sgdModel.TrainOnBatch(_x, _y);

    /// <summary>One <c>TrainOnBatch</c>.</summary>
    [Benchmark]
    public Dictionary<string, double> TrainStep() => _model.TrainOnBatch(_x, _y);
}
