using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LayerGen;
using LayerGen.Benchmarks;

// Stopwatch benchmark of LayerGen's CPU kernels, the same code under the JIT and under NativeAOT (issue 10).
// No BenchmarkDotNet (it cannot run inside a NativeAOT binary). Each case is warmed up, then timed as `samples`
// samples of `inner` calls (after at least `warmup` calls and one second of warm-up); the table shows the best and the median per call and the bytes allocated per call.
// Argument: --quick (fewer samples, a smoke test).
bool quick = args.Contains("--quick");

Console.WriteLine($"LayerGen.AotBench: NativeAOT={!RuntimeFeature.IsDynamicCodeSupported}, .NET {Environment.Version}, {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
Console.WriteLine($"Vector512.IsHardwareAccelerated={Vector512.IsHardwareAccelerated}, Vector256.IsHardwareAccelerated={Vector256.IsHardwareAccelerated}, " +
    $"Avx512F.IsSupported={Avx512F.IsSupported}, Avx2.IsSupported={Avx2.IsSupported}, Fma.IsSupported={Fma.IsSupported}");
Console.WriteLine();
Console.WriteLine("| case | best | median | GFLOP/s (best) | allocated/call | calls x samples |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|");

// --lstm: only the LSTM cases (issue 17), compared with benchmarks/References/lstm_reference.py (--small: only the
// batch 64, 28 steps case; --sequences: every step's output returned and summed; --gru: GRU layers; --rnn: SimpleRNN
// layers; --probe: a step's pieces; --profile: per-step times of the planned forward+backward; --eager: eager calls of
// three sizes, per-call overhead included).
if (args.Contains("--lstm"))
{
    string kind = args.Contains("--gru") ? "GRU" : args.Contains("--rnn") ? "SimpleRNN" : "LSTM";
    if (args.Contains("--probe")) LstmProbe.Run();
    else if (args.Contains("--eager")) LstmCases.RunEager(quick);
    else if (args.Contains("--profile")) LstmScanProfile.Run(kind);
    else LstmCases.Run(quick, smallOnly: args.Contains("--small"), sequences: args.Contains("--sequences"), kind: kind);
    return;
}

// GEMM through Ops.MatMul (allocates its output), as GemmBenchmarks.LayerGen.
foreach (var n in new[] { 512, 1024, 2048 })
{
    var g = new RandomGenerator(1);
    var a = g.Normal([n, n]);
    var b = g.Normal([n, n]);
    int samples = n switch { 512 => 60, 1024 => 20, _ => 8 };
    Bench.Run($"sgemm {n} (Ops.MatMul)", () => Ops.MatMul(a, b), inner: 1, samples: quick ? 3 : samples, warmup: 5, flops: 2.0 * n * n * n);
}

// The models of SeedModelBenchmarks (benchmarks/Shared/SmallModels.cs: same weights, same expressions).
var models = new SmallModels();
var x = models.SeedInput;
var mx = models.MlpInput;
Func<Tensor, Tensor> Mlp = models.Mlp, Seed = models.Seed;
const double MlpFlops = SmallModels.MlpFlops;

// Eager ops (SeedModelBenchmarks.MlpForward / SeedForward), then an ExecutionPlan of the traced graph
// (SeedModelBenchmarks.MlpForwardPlan / SeedForwardPlan: planned buffers, fused dense steps).
Bench.Run("MLP 784-256-256-10 forward, batch 128", () => Mlp(mx), inner: 20, samples: quick ? 3 : 50, warmup: 200, flops: MlpFlops);
var mlpPlan = TensorFunction.Trace(Mlp).Plan(mx.Spec);
Bench.Run("MLP forward, batch 128, ExecutionPlan", () => mlpPlan.Run(mx), inner: 20, samples: quick ? 3 : 50, warmup: 200, flops: MlpFlops);
Bench.Run("seed model forward, batch 1", () => Seed(x), inner: 20_000, samples: quick ? 3 : 50, warmup: 200_000, flops: 0);
var seedPlan = TensorFunction.Trace(Seed).Plan(x.Spec);
Bench.Run("seed model forward, batch 1, ExecutionPlan", () => seedPlan.Run(x), inner: 20_000, samples: quick ? 3 : 50, warmup: 200_000, flops: 0);

/// <summary>The timing loop.</summary>
internal static class Bench
{
    /// <summary>Warms up, times <paramref name="samples"/> samples of <paramref name="inner"/> calls and prints one table row.</summary>
    public static void Run(string name, Func<Tensor> body, int inner, int samples, int warmup, double flops)
    {
        Tensor? keep = null;
        // At least `warmup` calls and one second, so the JIT's tiering (and OSR of the kernels' loops) is done.
        long warmStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < warmup || Stopwatch.GetElapsedTime(warmStart).TotalSeconds < 1; i++) keep = body();
        var perCall = new double[samples];
        long allocated = 0;
        for (int s = 0; s < samples; s++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < inner; i++) keep = body();
            long t1 = Stopwatch.GetTimestamp();
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            perCall[s] = (t1 - t0) / (double)Stopwatch.Frequency / inner;
        }
        GC.KeepAlive(keep);
        Array.Sort(perCall);
        double best = perCall[0], median = samples % 2 == 1 ? perCall[samples / 2] : (perCall[samples / 2 - 1] + perCall[samples / 2]) / 2;
        string gflops = flops > 0 ? $"{flops / best / 1e9:F0}" : "";
        Console.WriteLine($"| {name} | {Format(best)} | {Format(median)} | {gflops} | {allocated / ((double)samples * inner):F0} B | {inner} x {samples} |");
    }

    private static string Format(double seconds) =>
        seconds < 1e-6 ? $"{seconds * 1e9:F1} ns" : seconds < 1e-3 ? $"{seconds * 1e6:F1} us" : $"{seconds * 1e3:F3} ms";
}
