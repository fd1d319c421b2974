using BenchmarkDotNet.Attributes;
using LayerGen;

namespace LayerGen.Benchmarks;

/// <summary>Elementwise ops and a reduction on a large float32 tensor, against a plain array copy.</summary>
[MemoryDiagnoser]
public class ElementwiseBenchmarks
{
    private Tensor _x = null!, _y = null!, _row = null!;
    private float[] _src = null!, _dst = null!;
    private ExecutionPlan _addPlan = null!, _reluPlan = null!;

    /// <summary>Number of elements.</summary>
    [Params(1 << 20)]
    public int Size { get; set; }

    /// <summary>Random inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var g = new RandomGenerator(2);
        _x = g.Normal([Size / 1024, 1024]);
        _y = g.Normal([Size / 1024, 1024]);
        _row = g.Normal([1024]);
        _src = _x.ToArray<float>();
        _dst = new float[Size];
        _addPlan = TensorFunction.Trace((a, b) => a + b).GetConcreteFunction(_x.Spec, _y.Spec).Plan(_x.Spec, _y.Spec);
        _reluPlan = TensorFunction.Trace(Ops.Relu).Plan(_x.Spec);
    }

    /// <summary><c>x + y</c> in an <see cref="ExecutionPlan"/>: the output buffer is reused, so this is the kernel alone.</summary>
    [Benchmark]
    public Tensor AddPlanned() => _addPlan.RunAll(_x, _y)[0];

    /// <summary><c>Relu(x)</c> in an <see cref="ExecutionPlan"/>.</summary>
    [Benchmark]
    public Tensor ReluPlanned() => _reluPlan.Run(_x);

    /// <summary>The memory-bandwidth yardstick: copy the same number of bytes.</summary>
    [Benchmark(Baseline = true)]
    public void Copy() => _src.AsSpan().CopyTo(_dst);

    /// <summary>x + y, same shapes.</summary>
    [Benchmark]
    public Tensor Add() => _x + _y;

    /// <summary>x + row, broadcast over rows.</summary>
    [Benchmark]
    public Tensor AddBroadcast() => _x + _row;

    /// <summary>relu(x).</summary>
    [Benchmark]
    public Tensor Relu() => Ops.Relu(_x);

    /// <summary>Sum over the last axis.</summary>
    [Benchmark]
    public Tensor SumRows() => Ops.Sum(_x, axis: -1);
}
