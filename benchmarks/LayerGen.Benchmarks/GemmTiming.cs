using System.Diagnostics;
using System.Globalization;
using LayerGen;

namespace LayerGen.Benchmarks;

/// <summary>
/// Issue 22's square-GEMM probe (Stopwatch): eager <c>Ops.MatMul</c> (allocates C from the storage pool), the same
/// product in a plan (C in the plan's buffer: the kernel without the eager overhead) and OpenBLAS's <c>cblas_sgemm</c>
/// into a preallocated C, at 512, 1024 and 2048, interleaved per round. Prints the mean and the best call of each round
/// and GFLOP/s of the best. What <c>GemmBenchmarks</c> measures, quicker, for iterating on the kernel.
/// Run: <c>LayerGen.Benchmarks gemm-timing [rounds] [sizes, comma-separated]</c>.
/// </summary>
internal static class GemmTiming
{
    private static Tensor? s_keep;

    public static void Run(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
        int[] sizes = args.Length > 1 ? args[1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() : [512, 1024, 2048];
        bool blas = OpenBlasNative.Available;
        var g = new RandomGenerator(1);
        var cases = new List<(string Name, int N, int Calls, Action Body)>();
        foreach (int n in sizes)
        {
            var a = g.Normal([n, n]);
            var b = g.Normal([n, n]);
            var plan = TensorFunction.Trace((x, y) => Ops.MatMul(x, y)).GetConcreteFunction(a.Spec, b.Spec).Plan(a.Spec, b.Spec);
            int calls = n <= 512 ? 60 : n <= 1024 ? 20 : 6;
            cases.Add(($"eager {n}", n, calls, () => s_keep = Ops.MatMul(a, b)));
            cases.Add(($"planned {n}", n, calls, () => s_keep = plan.RunAll(a, b)[0]));
            if (blas)
            {
                float[] fa = a.ToArray<float>(), fb = b.ToArray<float>(), fc = new float[n * n];
                cases.Add(($"OpenBLAS {n}", n, calls, () => OpenBlasNative.Sgemm(fa, fb, fc, n)));
            }
        }
        foreach (var c in cases) for (int i = 0; i < 2; i++) c.Body(); // warm up
        var lines = cases.Select(_ => new List<string>()).ToArray();
        for (int r = 0; r < rounds; r++)
        {
            for (int ci = 0; ci < cases.Count; ci++)
            {
                var (_, n, calls, body) = cases[ci];
                double sum = 0, best = double.MaxValue;
                for (int i = 0; i < calls; i++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    body();
                    double t = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                    sum += t;
                    best = Math.Min(best, t);
                }
                lines[ci].Add(string.Create(CultureInfo.InvariantCulture, $"{sum / calls:F2}/{best:F2}({2.0 * n * n * n / best / 1e6:F0})"));
            }
        }
        Console.WriteLine($"gemm-timing: mean/best ms (GFLOP/s of best) per round, {Environment.ProcessorCount} cores");
        for (int ci = 0; ci < cases.Count; ci++) Console.WriteLine($"{cases[ci].Name,-14} {string.Join("  ", lines[ci])}");
    }
}
