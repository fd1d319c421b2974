using LayerGen;
using LayerGen.Layers;

namespace LayerGen.Benchmarks;

/// <summary>
/// Where a planned encoder run's time goes (issue 18): the encoder block of <see cref="AttentionTiming"/>, forward or
/// forward + backward, run <c>runs</c> times with per-step timing (<see cref="PlanStepTiming"/>), summed by op and
/// printed with the slowest steps and their shapes.
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

        var (total, steps) = PlanStepTiming.Measure(plan, runs, () => plan.RunAll(x));
        var rows = steps.Select(st =>
        {
            string attributes = st.Op.DescribeAttributes();
            return (Op: st.Op.Name + (attributes.Length > 0 ? $"[{attributes}]" : ""), Spec: st.Spec.ToString()!, st.Ms);
        }).ToList();
        Console.WriteLine($"// encoder {(backward ? "forward+backward" : "forward")} planned: {total:F2} ms per run ({runs} runs, {steps.Length} steps, step sum {rows.Sum(r => r.Ms):F2} ms)");
        Console.WriteLine("// by op:");
        foreach (var g in rows.GroupBy(r => r.Op.Split('[')[0]).OrderByDescending(g => g.Sum(r => r.Ms)))
            Console.WriteLine($"//   {g.Key,-28} {g.Sum(r => r.Ms),8:F2} ms  ({g.Count()} steps)");
        Console.WriteLine("// slowest steps:");
        foreach (var r in rows.OrderByDescending(r => r.Ms).Take(30))
            Console.WriteLine($"//   {r.Ms,7:F2} ms  {r.Op,-60} -> {r.Spec}");
    }
}
