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
    private Sequential _model = null!, _sgdModel = null!, _plannedModel = null!, _eagerModel = null!;
    private Tensor _x = null!, _y = null!;
    private ExecutionPlan _plannedStep = null!;
    private SGD _plannedSgd = null!;
    private Variable[] _plannedVariables = null!;
    private readonly Tensor[] _plannedGradients = new Tensor[6];

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
        _model.TrainOnBatch(_x, _y); // warm-up: builds the optimizer, traces and plans the step
        _eagerModel = new Sequential([
            new InputLayer(shape: [784]),
            new Dense(256, activation: "relu"),
            new Dense(256, activation: "relu"),
            new Dense(10),
        ]);
        _eagerModel.Compile(new Adam(learningRate: 1e-3), new SparseCategoricalCrossentropy(fromLogits: true), ["accuracy"], runEagerly: true);
        _eagerModel.TrainOnBatch(_x, _y);
        _sgdModel = new Sequential([
            new InputLayer(shape: [784]),
            new Dense(256, activation: "relu"),
            new Dense(256, activation: "relu"),
            new Dense(10),
        ]);
        _sgdModel.Compile(new SGD(learningRate: 0.01), new SparseCategoricalCrossentropy(fromLogits: true));
        _sgdModel.TrainOnBatch(_x, _y);

        // The same step as a plan: forward, loss and the tape's gradients traced into one graph (docs/graphs.md,
        // "Gradients in a graph"), SGD applied to the plan's gradient outputs.
        _plannedModel = new Sequential([
            new InputLayer(shape: [784]),
            new Dense(256, activation: "relu"),
            new Dense(256, activation: "relu"),
            new Dense(10),
        ]);
        _plannedModel.Invoke(_x);
        _plannedVariables = [.. _plannedModel.TrainableVariables];
        var loss = new SparseCategoricalCrossentropy(fromLogits: true);
        _plannedStep = TensorFunction.Trace(xy =>
        {
            using var tape = new GradientTape();
            var value = loss.Call(xy[1], _plannedModel.Invoke(xy[0], training: true));
            return [value, .. tape.Gradient(value, _plannedVariables).Select(g => g!)];
        }, 2).Plan(_x.Spec, _y.Spec);
        _plannedSgd = new SGD(learningRate: 0.01);
        PlannedTrainStepSgd();
    }

    /// <summary>
    /// <see cref="TrainStepSgd"/>'s work (forward, loss, gradients, SGD; no loss tracker) with forward and backward
    /// in an <see cref="ExecutionPlan"/>.
    /// </summary>
    [Benchmark]
    public float PlannedTrainStepSgd()
    {
        var outputs = _plannedStep.RunAll(_x, _y);
        for (int i = 0; i < _plannedGradients.Length; i++) _plannedGradients[i] = outputs[i + 1];
        _plannedSgd.Apply(_plannedGradients, _plannedVariables);
        return outputs[0].ToScalar<float>();
    }

    /// <summary>Issue 10's step: forward, loss, backward and a plain SGD update, no metrics (planned by default since issue 22).</summary>
    [Benchmark]
    public Dictionary<string, double> TrainStepSgd() => _sgdModel.TrainOnBatch(_x, _y);

    /// <summary>One <c>TrainOnBatch</c> (Adam, accuracy): a traced, planned step, the default since issue 22.</summary>
    [Benchmark]
    public Dictionary<string, double> TrainStep() => _model.TrainOnBatch(_x, _y);

    /// <summary>The same <c>TrainOnBatch</c> compiled with <c>runEagerly: true</c> (the eager step, op by op).</summary>
    [Benchmark]
    public Dictionary<string, double> EagerTrainStep() => _eagerModel.TrainOnBatch(_x, _y);
}
