using System.Diagnostics;
using System.Globalization;
using LayerGen;

namespace LayerGen.Benchmarks;

/// <summary>
/// Issue 22's eager probe (Stopwatch; what <c>ElementwiseBenchmarks</c> and <c>GemmBenchmarks</c> measure, in one
/// process, interleaved, with the storage pool's knobs as arguments): medians over batches of calls of a plain copy,
/// planned and eager <c>x + y</c>, eager <c>Relu</c> and <c>x + row</c> on 4 MiB, eager <c>MatMul</c> at 512 and 1024
/// against OpenBLAS into a preallocated C (when <c>libopenblas.so.0</c> loads), with the GCs per 1000 ops. The last
/// result of every call is kept alive, as BenchmarkDotNet keeps it.
/// Run: <c>LayerGen.Benchmarks eager-timing [rounds] [collection threshold MiB] [pool on|off]</c>.
/// </summary>
internal static class EagerTiming
{
    private static Tensor? s_keep;

    public static void Run(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        if (args.Length > 1) TensorStoragePool.CollectionThresholdBytes = long.Parse(args[1], CultureInfo.InvariantCulture) << 20;
        if (args.Length > 2) TensorStoragePool.Enabled = args[2] != "off";
        Console.WriteLine($"eager-timing: pool {(TensorStoragePool.Enabled ? "on" : "off")}, collection every {TensorStoragePool.CollectionThresholdBytes >> 20} MiB, {Environment.ProcessorCount} cores");
        var g = new RandomGenerator(2);
        var x = g.Normal([1024, 1024]);
        var y = g.Normal([1024, 1024]);
        var row = g.Normal([1024]);
        var src = x.ToArray<float>();
        var dst = new float[src.Length];
        var addPlan = TensorFunction.Trace((a, b) => a + b).GetConcreteFunction(x.Spec, y.Spec).Plan(x.Spec, y.Spec);
        var m512 = (A: g.Normal([512, 512]), B: g.Normal([512, 512]));
        var f512 = (A: m512.A.ToArray<float>(), B: m512.B.ToArray<float>(), C: new float[512 * 512]);
        var f1024 = (A: x.ToArray<float>(), B: y.ToArray<float>(), C: new float[1024 * 1024]);
        bool blas = OpenBlasNative.Available;

        var cases = new List<(string Name, int Calls, Action Body)>
        {
            ("copy 4 MiB", 200, () => src.AsSpan().CopyTo(dst)),
            ("x + y planned", 200, () => s_keep = addPlan.RunAll(x, y)[0]),
            ("x + y eager", 200, () => s_keep = x + y),
            ("Relu eager", 200, () => s_keep = Ops.Relu(x)),
            ("x + row eager", 200, () => s_keep = x + row),
            ("MatMul 512 eager", 40, () => s_keep = Ops.MatMul(m512.A, m512.B)),
            ("MatMul 1024 eager", 10, () => s_keep = Ops.MatMul(x, y)),
        };
        if (blas)
        {
            cases.Add(("OpenBLAS 512", 40, () => OpenBlasNative.Sgemm(f512.A, f512.B, f512.C, 512)));
            cases.Add(("OpenBLAS 1024", 10, () => OpenBlasNative.Sgemm(f1024.A, f1024.B, f1024.C, 1024)));
        }
        var medians = cases.Select(_ => new List<double>()).ToArray();
        var gcs = new (long G0, long G1, long G2, long Calls)[cases.Count];
        var misses = new long[cases.Count];
        foreach (var c in cases) for (int i = 0; i < c.Calls; i++) c.Body(); // warm up
        for (int r = 0; r < rounds; r++)
        {
            for (int ci = 0; ci < cases.Count; ci++)
            {
                var (name, calls, body) = cases[ci];
                var times = new double[calls];
                int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
                long rented = TensorStoragePool.RentCount, reused = TensorStoragePool.ReuseCount;
                for (int i = 0; i < calls; i++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    body();
                    times[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
                }
                gcs[ci] = (gcs[ci].G0 + GC.CollectionCount(0) - g0, gcs[ci].G1 + GC.CollectionCount(1) - g1, gcs[ci].G2 + GC.CollectionCount(2) - g2, gcs[ci].Calls + calls);
                misses[ci] += TensorStoragePool.RentCount - rented - (TensorStoragePool.ReuseCount - reused);
                Array.Sort(times);
                // The mean is what BenchmarkDotNet reports (collections included); the median shows the op alone.
                medians[ci].Add(times.Average());
                medians[ci].Add(times[calls / 2]);
            }
        }
        Console.WriteLine($"{"case",-20} {"mean µs (per round)",-40} {"median µs (per round)",-40} GCs/1000 (0/1/2), pool misses");
        for (int ci = 0; ci < cases.Count; ci++)
        {
            var means = string.Join(" ", medians[ci].Where((_, i) => i % 2 == 0).Select(v => v.ToString("F0", CultureInfo.InvariantCulture)));
            var meds = string.Join(" ", medians[ci].Where((_, i) => i % 2 == 1).Select(v => v.ToString("F0", CultureInfo.InvariantCulture)));
            var (g0, g1, g2, n) = gcs[ci];
            Console.WriteLine($"{cases[ci].Name,-20} {means,-40} {meds,-40} {1000.0 * g0 / n:F0}/{1000.0 * g1 / n:F0}/{1000.0 * g2 / n:F0}, {misses[ci]}");
        }
        foreach (int generation in new[] { 0, 1 })
        {
            var gcTimes = new double[50];
            for (int i = 0; i < gcTimes.Length; i++)
            {
                s_keep = x + y;
                long t0 = Stopwatch.GetTimestamp();
                GC.Collect(generation, GCCollectionMode.Forced, blocking: true, compacting: false);
                gcTimes[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            }
            Array.Sort(gcTimes);
            Console.WriteLine($"forced gen-{generation} collection: median {gcTimes[25]:F0} µs, min {gcTimes[0]:F0} µs");
        }
        Console.WriteLine($"pool: rented {TensorStoragePool.RentCount}, reused {TensorStoragePool.ReuseCount}, idle {TensorStoragePool.IdleBytes >> 20} MiB");
    }
}
