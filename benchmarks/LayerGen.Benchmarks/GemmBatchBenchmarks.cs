using BenchmarkDotNet.Attributes;
using LayerGen;

namespace LayerGen.Benchmarks;

/// <summary>
/// The products of a dense layer at batch 128 (issue 22's MLP 784-256-256-10): C[128,N] = X[128,K]·W[K,N] with W a
/// variable, run as a one-op <see cref="ExecutionPlan"/> (the path <c>Dense</c> takes in planned Fit/Evaluate/Predict:
/// W packed once, the output buffer planned) and eagerly (<see cref="Ops.MatMul"/>: packs W per product), against
/// OpenBLAS's <c>cblas_sgemm</c> into a preallocated C (the baseline). GFLOP/s = 2·128·N·K / mean.
/// Run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (see <see cref="GemmBenchmarks"/>).
/// </summary>
[MemoryDiagnoser]
[MinColumn] // the best run: steadier than the mean on a shared, loaded machine
public class GemmBatchBenchmarks
{
    private const int M = 128;
    private Tensor _x = null!;
    private Variable _w = null!;
    private ExecutionPlan _plan = null!, _weightGrad = null!, _inputGrad = null!;
    private Tensor _dy = null!;
    private float[] _fa = null!, _fb = null!, _fc = null!;

    /// <summary>The layer's shape, "KxN".</summary>
    [Params("784x256", "256x256", "256x10")]
    public string Layer { get; set; } = "784x256";

    private (int K, int N) Dims => Layer switch { "784x256" => (784, 256), "256x256" => (256, 256), _ => (256, 10) };

    /// <summary>Random inputs and the plan.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var (k, n) = Dims;
        var g = new RandomGenerator(1);
        _x = g.Normal([M, k]);
        _w = new Variable(g.Normal([k, n]));
        _plan = TensorFunction.Trace(a => Ops.MatMul(a, _w)).Plan(_x.Spec);
        _plan.Run(_x);
        // The backward products of the same layer: dW = Xᵀ·dY ([K,N], A transposed: packed per product) and dX = dY·Wᵀ.
        _dy = g.Normal([M, n]);
        _weightGrad = TensorFunction.Trace((a, d) => Ops.MatMul(a, d, transposeA: true)).Plan(_x.Spec, _dy.Spec);
        _inputGrad = TensorFunction.Trace(d => Ops.MatMul(d, _w, transposeB: true)).Plan(_dy.Spec);
        _weightGrad.RunAll(_x, _dy);
        _inputGrad.Run(_dy);
        _fa = _x.ToArray<float>();
        _fb = _w.ToArray<float>();
        _fc = new float[M * n];
    }

    /// <summary>Checks the library is there (else the OpenBLAS rows are skipped with this message).</summary>
    [GlobalSetup(Target = nameof(OpenBlas))]
    public void SetupOpenBlas()
    {
        Setup();
        if (!OpenBlasNative.Available)
            throw new InvalidOperationException("OpenBLAS (libopenblas.so.0) not found: skipping the reference. Install it with: apt-get install -y libopenblas0-pthread");
    }

    /// <summary>OpenBLAS <c>cblas_sgemm</c>, C = X·W into a preallocated C.</summary>
    [Benchmark(Baseline = true)]
    public void OpenBlas() { var (k, n) = Dims; OpenBlasNative.Sgemm(_fa, _fb, _fc, M, n, k); }

    /// <summary>The planned product (W packed once, C a planned buffer).</summary>
    [Benchmark]
    public Tensor Planned() => _plan.Run(_x);

    /// <summary>The weight gradient's product dW = Xᵀ·dY, planned (Xᵀ packed by the GEMM).</summary>
    [Benchmark]
    public Tensor PlannedWeightGradient() => _weightGrad.RunAll(_x, _dy)[0];

    /// <summary>The input gradient's product dX = dY·Wᵀ, planned (Wᵀ packed once, W unchanged).</summary>
    [Benchmark]
    public Tensor PlannedInputGradient() => _inputGrad.Run(_dy);

    /// <summary>The eager product (W packed per call, C from the storage pool or new).</summary>
    [Benchmark]
    public Tensor Eager() => Ops.MatMul(_x, _w);
}
