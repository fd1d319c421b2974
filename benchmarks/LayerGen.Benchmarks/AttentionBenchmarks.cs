using BenchmarkDotNet.Attributes;
using LayerGen;
using LayerGen.Layers;

namespace LayerGen.Benchmarks;

/// <summary>
/// Self-attention with Keras's <c>MultiHeadAttention</c> (8 heads, key_dim 32, width 256) on batch 32, sequence 128:
/// forward, and forward + backward (gradients of the output's sum for the weights and the input), eager.
/// Compare with <c>benchmarks/References/pytorch_attention.py</c> (<c>nn.MultiheadAttention</c>, same sizes).
/// </summary>
[MemoryDiagnoser]
public class AttentionBenchmarks
{
    private MultiHeadAttention _mha = null!;
    private Tensor _x = null!;
    private Variable[] _vars = null!;

    /// <summary>Builds the layer and the input.</summary>
    [GlobalSetup]
    public void Setup()
    {
        RandomGenerator.SetGlobalSeed(1);
        _mha = new MultiHeadAttention(numHeads: 8, keyDim: 32);
        _x = new RandomGenerator(2).Normal([32, 128, 256]);
        _mha.Invoke(_x, _x);
        _vars = [.. _mha.TrainableVariables];
    }

    /// <summary>One forward call.</summary>
    [Benchmark]
    public Tensor Forward() => _mha.Invoke(_x, _x);

    /// <summary>Forward, then the gradients of the output's sum for every weight.</summary>
    [Benchmark]
    public Tensor?[] ForwardBackward()
    {
        using var tape = new GradientTape();
        var y = Ops.Sum(_mha.Invoke(_x, _x));
        return tape.Gradient(y, _vars);
    }
}
