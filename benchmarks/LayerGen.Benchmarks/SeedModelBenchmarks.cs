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
    private Tensor _x = null!, _w1 = null!, _b1 = null!, _w2 = null!, _b2 = null!;
    private Tensor _mx = null!, _my = null!;
    private Variable _mw1 = null!, _mb1 = null!, _mw2 = null!, _mb2 = null!, _mw3 = null!, _mb3 = null!;
    private ExecutionPlan _seedPlan = null!, _mlpPlan = null!;
    private float[] _seedInput = null!, _seedOutput = null!;

    /// <summary>Random weights and inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var g = new RandomGenerator(3);
        _x = g.Normal([1, 3]);
        _w1 = g.Normal([3, 3]);
        _b1 = g.Normal([3]);
        _w2 = g.Normal([3, 2]);
        _b2 = g.Normal([2]);
        _mx = g.Normal([128, 784]);
        _my = g.Normal([128, 10]);
        _mw1 = new Variable(g.Normal([784, 256]) * 0.03f, name: "w1");
        _mb1 = new Variable(Tensor.Zeros([256]), name: "b1");
        _mw2 = new Variable(g.Normal([256, 256]) * 0.06f, name: "w2");
        _mb2 = new Variable(Tensor.Zeros([256]), name: "b2");
        _mw3 = new Variable(g.Normal([256, 10]) * 0.06f, name: "w3");
        _mb3 = new Variable(Tensor.Zeros([10]), name: "b3");
        _seedPlan = TensorFunction.Trace(Seed).Plan(_x.Spec);
        _mlpPlan = TensorFunction.Trace(Mlp).Plan(_mx.Spec);
        _seedInput = _x.ToArray<float>();
        _seedOutput = new float[2];
    }

    private Tensor Seed(Tensor x) => Ops.MatMul(Ops.Relu(Ops.MatMul(x, _w1) + _b1), _w2) + _b2;

    /// <summary>Seed model forward, batch 1: relu(x·W1 + b1)·W2 + b2.</summary>
    [Benchmark]
    public Tensor SeedForward() => Seed(_x);

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

    private Tensor Mlp(Tensor x) =>
        Ops.MatMul(Ops.Relu(Ops.MatMul(Ops.Relu(Ops.MatMul(x, _mw1) + _mb1), _mw2) + _mb2), _mw3) + _mb3;

    /// <summary>MLP 784-256-256-10 forward, batch 128.</summary>
    [Benchmark]
    public Tensor MlpForward() => Mlp(_mx);

    /// <summary>MLP forward through an <see cref="ExecutionPlan"/>.</summary>
    [Benchmark]
    public Tensor MlpForwardPlan() => _mlpPlan.Run(_mx);

    /// <summary>MLP forward + squared-error loss + gradients of the six variables (a training step without the optimizer update).</summary>
    [Benchmark]
    public Tensor?[] MlpForwardBackward()
    {
        using var tape = new GradientTape();
        var loss = Ops.Mean(Ops.Square(Mlp(_mx) - _my));
        return tape.Gradient(loss, [_mw1, _mb1, _mw2, _mb2, _mw3, _mb3]);
    }
}
