using BenchmarkDotNet.Attributes;
using LayerGen;

namespace LayerGen.Benchmarks;

/// <summary>Square float32 matrix products through <see cref="Ops.MatMul"/>.</summary>
[MemoryDiagnoser]
public class MatMulBenchmarks
{
    private Tensor _a = null!, _b = null!;

    /// <summary>Matrix size.</summary>
    [Params(64, 256, 512)]
    public int N { get; set; }

    /// <summary>Random inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var g = new RandomGenerator(1);
        _a = g.Normal([N, N]);
        _b = g.Normal([N, N]);
    }

    /// <summary>C = A @ B.</summary>
    [Benchmark]
    public Tensor MatMul() => Ops.MatMul(_a, _b);
}
