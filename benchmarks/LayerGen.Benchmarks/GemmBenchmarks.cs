using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using LayerGen;

namespace LayerGen.Benchmarks;

/// <summary>
/// Square float32 sgemm, LayerGen (<see cref="Ops.MatMul"/>, which also allocates its output) against
/// OpenBLAS's <c>cblas_sgemm</c> through P/Invoke into <c>libopenblas.so.0</c> (the baseline, so the
/// Ratio column is LayerGen time / OpenBLAS time). When the library is absent the OpenBLAS rows fail
/// with a message and LayerGen still runs. GFLOP/s = 2·N³ / mean.
/// Unset OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE for the run: <c>env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE dotnet run ...</c>.
/// </summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private Tensor _a = null!, _b = null!;
    private float[] _fa = null!, _fb = null!, _fc = null!;

    /// <summary>Matrix size.</summary>
    [Params(512, 1024, 2048)]
    public int N { get; set; }

    /// <summary>Random inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var g = new RandomGenerator(1);
        _a = g.Normal([N, N]);
        _b = g.Normal([N, N]);
        _fa = _a.ToArray<float>();
        _fb = _b.ToArray<float>();
        _fc = new float[N * N];
    }

    /// <summary>Checks the library is there (else the OpenBLAS rows are skipped with this message).</summary>
    [GlobalSetup(Target = nameof(OpenBlas))]
    public void SetupOpenBlas()
    {
        Setup();
        if (!OpenBlasNative.Available)
            throw new InvalidOperationException("OpenBLAS (libopenblas.so.0) not found: skipping the reference. Install it with: apt-get install -y libopenblas0-pthread");
        Console.WriteLine($"// OpenBLAS: {OpenBlasNative.Config}; OPENBLAS_CORETYPE={Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE") ?? "(unset)"}");
    }

    /// <summary>OpenBLAS <c>cblas_sgemm</c>, C = A·B into a preallocated C.</summary>
    [Benchmark(Baseline = true)]
    public void OpenBlas() => OpenBlasNative.Sgemm(_fa, _fb, _fc, N);

    /// <summary>LayerGen C = A @ B (allocates C).</summary>
    [Benchmark]
    public Tensor LayerGen() => Ops.MatMul(_a, _b);

    /// <summary>LayerGen C = A @ B^T (B packed from its transposed layout).</summary>
    [Benchmark]
    public Tensor LayerGenTransposedB() => Ops.MatMul(_a, _b, transposeB: true);
}

/// <summary>P/Invoke into <c>libopenblas.so.0</c>; <see cref="Available"/> tells whether the library loads.</summary>
internal static partial class OpenBlasNative
{
    private const string Lib = "libopenblas.so.0";

    /// <summary>Whether the library loads and exports cblas_sgemm.</summary>
    public static bool Available { get; } =
        NativeLibrary.TryLoad(Lib, out var h) && NativeLibrary.TryGetExport(h, "cblas_sgemm", out _);

    [DllImport(Lib)] private static extern void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc);
    [DllImport(Lib)] private static extern nint openblas_get_config();
    [DllImport(Lib)] private static extern nint openblas_get_corename();
    [DllImport(Lib)] private static extern int openblas_get_num_threads();

    /// <summary>openblas_get_config(), the core it picked and its thread count.</summary>
    public static string Config =>
        $"{Marshal.PtrToStringAnsi(openblas_get_config())} core={Marshal.PtrToStringAnsi(openblas_get_corename())} threads={openblas_get_num_threads()}";

    /// <summary>Row-major C[m,n] = A[m,k]·B[k,n].</summary>
    public static void Sgemm(float[] a, float[] b, float[] c, int m, int n, int k)
    {
        const int RowMajor = 101, NoTrans = 111;
        cblas_sgemm(RowMajor, NoTrans, NoTrans, m, n, k, 1f, a, k, b, n, 0f, c, n);
    }

    /// <summary>Row-major C[n,n] = A[n,n]·B[n,n].</summary>
    public static void Sgemm(float[] a, float[] b, float[] c, int n)
    {
        const int RowMajor = 101, NoTrans = 111;
        cblas_sgemm(RowMajor, NoTrans, NoTrans, n, n, n, 1f, a, n, b, n, 0f, c, n);
    }
}
