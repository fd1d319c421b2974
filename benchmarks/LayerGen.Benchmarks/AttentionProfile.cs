using System.Diagnostics;
using System.Reflection;
using LayerGen;
using LayerGen.Layers;

namespace LayerGen.Benchmarks;

/// <summary>
/// Where a planned encoder run's time goes (issue 18): the encoder block of <see cref="AttentionTiming"/>, forward or
/// forward + backward, run <c>runs</c> times with the plan's internal per-step tick counters on (read by reflection:
/// a profiling aid, not part of the public API), summed by op and printed with the slowest steps and their shapes.
/// Run: <c>LayerGen.Benchmarks attention-profile [runs] [forward|backward]</c>.
/// </summary>
internal static class AttentionProfile
{
    private const int Batch = 32, Sequence = 128, Width = 256, Heads = 8;

    public static void Run(string[] args)
    {
        int runs = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 10;
        bool backward = args.Length < 2 || args[1] != "forward";
        var x = new RandomGenerator(2).Normal([Batch, Sequence, Width]);
        RandomGenerator.SetGlobalSeed(1);
        var encoder = new EncoderBlock(Width, Heads);
        Tensor Encoder(Tensor t) => encoder.Call(t);
        Encoder(x);
        var vars = encoder.TrainableVariables();
        var plan = backward
            ? TensorFunction.Trace(xs =>
            {
                using var tape = new GradientTape();
                var y = Ops.Sum(Encoder(xs[0]));
                return [y, .. tape.Gradient(y, vars).Select(g => g!)];
            }, 1).Plan(x.Spec)
            : TensorFunction.Trace(Encoder).Plan(x.Spec);
        for (int i = 0; i < 2; i++) plan.RunAll(x);

        var type = typeof(ExecutionPlan);
        var ticksProperty = type.GetProperty("StepTicks", BindingFlags.NonPublic | BindingFlags.Instance)!;
        var stepsProperty = type.GetProperty("Steps", BindingFlags.NonPublic | BindingFlags.Instance)!;
        var ticks = new long[plan.StepCount];
        ticksProperty.SetValue(plan, ticks);
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < runs; i++) plan.RunAll(x);
        double total = Stopwatch.GetElapsedTime(start).TotalMilliseconds / runs;
        ticksProperty.SetValue(plan, null);

        var steps = ((System.Collections.IEnumerable)stepsProperty.GetValue(plan)!).Cast<object>().ToArray();
        var rows = new List<(string Op, string Spec, double Ms)>();
        for (int s = 0; s < steps.Length; s++)
        {
            var step = steps[s];
            var op = (Op)step.GetType().GetField("Op")!.GetValue(step)!;
            var spec = step.GetType().GetField("Spec")!.GetValue(step)!;
            string attributes = op.DescribeAttributes();
            rows.Add((op.Name + (attributes.Length > 0 ? $"[{attributes}]" : ""), spec.ToString()!, ticks[s] * 1000.0 / Stopwatch.Frequency / runs));
        }
        Console.WriteLine($"// encoder {(backward ? "forward+backward" : "forward")} planned: {total:F2} ms per run ({runs} runs, {steps.Length} steps, step sum {rows.Sum(r => r.Ms):F2} ms)");
        Console.WriteLine("// by op:");
        foreach (var g in rows.GroupBy(r => r.Op.Split('[')[0]).OrderByDescending(g => g.Sum(r => r.Ms)))
            Console.WriteLine($"//   {g.Key,-28} {g.Sum(r => r.Ms),8:F2} ms  ({g.Count()} steps)");
        Console.WriteLine("// slowest steps:");
        foreach (var r in rows.OrderByDescending(r => r.Ms).Take(30))
            Console.WriteLine($"//   {r.Ms,7:F2} ms  {r.Op,-60} -> {r.Spec}");
    }
}
