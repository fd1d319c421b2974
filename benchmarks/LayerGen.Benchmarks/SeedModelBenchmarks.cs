using BenchmarkDotNet.Attributes;
using LayerGen;

namespace LayerGen.Benchmarks;

/// <summary>
/// Small-model latency through the eager ops: the seed model (Dense 3→3 relu, Dense 3→2) on one
/// sample, and an MLP 784-256-256-10 on a batch of 128 (forward, and forward + gradients).
/// </summary>
[MemoryDiagnoser]
public class SeedModelBenchmarks
{
    private SmallModels _models = null!;
    private Tensor _x = null!, _mx = null!;
    private ExecutionPlan _seedPlan = null!, _mlpPlan = null!;
    private float[] _seedInput = null!, _seedOutput = null!;

    /// <summary>The models of <see cref="SmallModels"/> and their plans.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _models = new SmallModels();
        _x = _models.SeedInput;
        _mx = _models.MlpInput;
        _seedPlan = TensorFunction.Trace(_models.Seed).Plan(_x.Spec);
        _mlpPlan = TensorFunction.Trace(_models.Mlp).Plan(_mx.Spec);
        _seedInput = _x.ToArray<float>();
        _seedOutput = new float[2];
    }

    /// <summary>Seed model forward, batch 1: relu(x·W1 + b1)·W2 + b2.</summary>
    [Benchmark]
    public Tensor SeedForward() => _models.Seed(_x);

    /// <summary>Seed model forward through an <see cref="ExecutionPlan"/> (planned buffers, fused dense steps).</summary>
    [Benchmark]
    public Tensor SeedForwardPlan() => _seedPlan.Run(_x);

    /// <summary>The same plan on raw spans (values copied in and out).</summary>
    [Benchmark]
    public float SeedForwardPlanSpans()
    {
        _seedPlan.Run(_seedInput, _seedOutput);
        return _seedOutput[0];
    }

    /// <summary>MLP 784-256-256-10 forward, batch 128.</summary>
    [Benchmark]
    public Tensor MlpForward() => _models.Mlp(_mx);

    /// <summary>MLP forward through an <see cref="ExecutionPlan"/>.</summary>
    [Benchmark]
    public Tensor MlpForwardPlan() => _mlpPlan.Run(_mx);

    /// <summary>MLP forward + squared-error loss + gradients of the six variables (a training step without the optimizer update).</summary>
    [Benchmark]
    public Tensor?[] MlpForwardBackward()
    {
        using var tape = new GradientTape();
        var loss = Ops.Mean(Ops.Square(_models.Mlp(_mx) - _models.MlpTarget));
        return tape.Gradient(loss, _models.MlpVariables);
    }
}
