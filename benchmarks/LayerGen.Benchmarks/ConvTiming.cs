using System.Diagnostics;
using LayerGen;

namespace LayerGen.Benchmarks;

/// <summary>
/// Issue 16's quick Stopwatch probe (not BenchmarkDotNet; for iterating on a loaded machine): the three convolution
/// passes of <see cref="ConvBenchmarks"/>'s shapes (forward, input gradient, kernel gradient) with GFLOP/s and a square
/// GEMM of equal work in the same minutes, then the convnet's <c>TrainOnBatch</c> (median and best of blocks of 20
/// steps) and a batch-1000 inference plan over the 10,000 test images.
/// Run: <c>benchmarks/LayerGen.Benchmarks/bin/Release/net10.0/LayerGen.Benchmarks conv-timing [rounds] [conv|net|profile|fit]</c>
/// (<c>fit</c>: whole Fit epochs, <see cref="FitEpochs"/>).
/// </summary>
internal static class ConvTiming
{
    private static (double Best, double Median) Time(int rounds, Action run)
    {
        run();
        var times = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            var sw = Stopwatch.StartNew();
            run();
            times[r] = sw.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return (times[0], times[rounds / 2]);
    }

    public static void Run(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 9;
        bool convOnly = args.Length > 1 && args[1] == "conv";
        bool netOnly = args.Length > 1 && args[1] == "net";
        if (args.Length > 1 && args[1] == "profile")
        {
            ConvStepProfile.Run(rounds);
            return;
        }
        if (args.Length > 1 && args[1] == "fit")
        {
            FitEpochs(rounds);
            return;
        }
        if (!netOnly)
        {
            foreach (var shape in new[] { ConvBenchmarks.Case.Convnet1, ConvBenchmarks.Case.Convnet2, ConvBenchmarks.Case.ResNet3x3 })
            {
                var b = new ConvBenchmarks { Shape = shape };
                b.Setup();
                double flop = 2.0 * ConvBenchmarks.MultiplyAdds(shape);
                int reps = shape == ConvBenchmarks.Case.ResNet3x3 ? 1 : 5;
                void Report(string name, Action a)
                {
                    var (best, median) = Time(rounds, () => { for (int i = 0; i < reps; i++) a(); });
                    Console.WriteLine($"{shape,-10} {name,-15} best {best / reps,8:F3} ms ({flop / (best / reps * 1e6),5:F0} GFLOP/s)  median {median / reps,8:F3} ms");
                }
                Report("forward", () => b.Forward());
                Report("input grad", () => b.BackwardInput());
                Report("filter grad", () => b.BackwardFilter());
                Report("square GEMM", () => b.GemmSquare());
            }
        }
        if (convOnly) return;
        var net = new ConvNetBenchmarks();
        net.Setup();
        var steps = new List<double>();
        for (int block = 0; block < rounds; block++)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < 20; i++) net.TrainStep();
            steps.Add(sw.Elapsed.TotalMilliseconds / 20);
        }
        steps.Sort();
        Console.WriteLine($"TrainStep (blocks of 20): best {steps[0]:F2} ms, median {steps[steps.Count / 2]:F2} ms per step");
        var (ib, im) = Time(Math.Max(3, rounds / 2), () => net.InferencePlanned());
        Console.WriteLine($"InferencePlanned 10k: best {ib:F1} ms, median {im:F1} ms");
    }

    /// <summary>
    /// Whole <c>Fit</c> epochs of the convnet (60,000 images, batch 128, shuffled, Adam, accuracy; <c>verbose: 0</c>, no
    /// validation), each call timed end to end (what pytorch_convnet.py --epoch times), after one warm-up epoch; then
    /// blocks of 20 <c>TrainOnBatch</c> steps of a second model in the same process, so that Fit's own cost per step
    /// (batch gathering, shuffling, metrics, callbacks) shows against the bare step.
    /// Run: <c>LayerGen.Benchmarks conv-timing [epochs] fit</c>.
    /// </summary>
    private static void FitEpochs(int epochs)
    {
        RandomGenerator.SetGlobalSeed(16);
        var (xTrain, yTrain, _) = ConvNetBenchmarks.Data();
        var model = ConvNetBenchmarks.NewConvNet();
        var sw = Stopwatch.StartNew();
        model.Fit(xTrain, yTrain, batchSize: 128, epochs: 1, verbose: 0);
        Console.WriteLine($"Fit warm-up epoch: {sw.Elapsed.TotalSeconds:F2} s");
        var times = new List<double>();
        for (int e = 0; e < epochs; e++)
        {
            sw.Restart();
            model.Fit(xTrain, yTrain, batchSize: 128, epochs: 1, verbose: 0);
            times.Add(sw.Elapsed.TotalSeconds);
            Console.WriteLine($"Fit epoch {e + 1}: {times[^1]:F3} s ({times[^1] * 1000 / 469:F2} ms per step of 469)");
        }
        times.Sort();
        Console.WriteLine($"Fit epoch: best {times[0]:F3} s, median {times[times.Count / 2]:F3} s");
        var net = new ConvNetBenchmarks();
        net.Setup();
        var steps = new List<double>();
        for (int block = 0; block < 9; block++)
        {
            sw.Restart();
            for (int i = 0; i < 20; i++) net.TrainStep();
            steps.Add(sw.Elapsed.TotalMilliseconds / 20);
        }
        steps.Sort();
        Console.WriteLine($"TrainStep (blocks of 20): best {steps[0]:F2} ms, median {steps[steps.Count / 2]:F2} ms per step; x469: {steps[steps.Count / 2] * 469 / 1000:F3} s");
    }
}
