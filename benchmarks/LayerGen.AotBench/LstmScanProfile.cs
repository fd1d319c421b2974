using System.Collections;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using LayerGen;

/// <summary>
/// <c>--lstm --profile</c> (<c>--gru</c>: a GRU, <c>--rnn</c>: a SimpleRNN): the time of every step of the planned forward+backward of the small LSTM case (batch 64,
/// 28 steps, 28 -> 128) and of every step of the bodies of its two loops (the Scans' own plans), through the plans'
/// internal <c>StepTicks</c> profiling aid reached by reflection. A JIT-only probe (<c>dotnet LayerGen.AotBench.dll</c>);
/// a NativeAOT build of this program does not support it.
/// </summary>
[UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Benchmark-only reflection probe, run with the JIT.")]
[UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "Benchmark-only reflection probe, run with the JIT.")]
internal static class LstmScanProfile
{
    private const BindingFlags Any = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance;
    public static void Run(string kind = "LSTM")
    {
        var g = new RandomGenerator(1);
        var x = g.Normal([64, 28, 28]);
        var (layer, output) = LstmCases.MakeLayer(kind, 128);
        output(x);
        var weights = layer.TrainableVariables.ToArray();
        var spec = x.Spec;
        var training = ExecutionPlan.Create(Graph.Trace(p =>
        {
            using var tape = new GradientTape();
            var y = output(p[0]);
            return [.. tape.Gradient(Ops.Sum(y), weights).Select(t => t!)];
        }, [spec]), spec);
        for (int i = 0; i < 5; i++) training.RunAll([x]);
        var outer = (IList)training.GetType().GetProperty("Steps", Any)!.GetValue(training)!;
        var ticksProp = typeof(ExecutionPlan).GetProperty("StepTicks", Any)!;
        var outerTicks = new long[outer.Count];
        ticksProp.SetValue(training, outerTicks);
        var inner = new List<(object Plan, long[] Ticks, int OuterIndex)>();
        for (int s = 0; s < outer.Count; s++)
        {
            var op = (Op)outer[s]!.GetType().GetField("Op")!.GetValue(outer[s])!;
            if (op.Name != "Scan") continue;
            var runners = (Array)op.GetType().GetField("_runners", Any)!.GetValue(op)!;
            foreach (var r in runners)
            {
                if (r is null) continue;
                var plan = r.GetType().GetField("_plan", Any)!.GetValue(r)!;
                var steps = (IList)plan.GetType().GetProperty("Steps", Any)!.GetValue(plan)!;
                var t = new long[steps.Count];
                ticksProp.SetValue(plan, t);
                inner.Add((plan, t, s));
            }
        }
        const int runs = 30;
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < runs; i++) training.RunAll([x]);
        double total = sw.Elapsed.TotalMilliseconds / runs;
        Console.WriteLine($"total {total:F2} ms/run");
        double Ms(long t) => t * 1000.0 / Stopwatch.Frequency / runs;
        for (int s = 0; s < outer.Count; s++)
        {
            var op = (Op)outer[s]!.GetType().GetField("Op")!.GetValue(outer[s])!;
            var sp = outer[s]!.GetType().GetField("Spec")!.GetValue(outer[s])!;
            if (Ms(outerTicks[s]) > 0.02) Console.WriteLine($"outer {s,3} {op.Name,-20} {sp,-30} {Ms(outerTicks[s]):F3} ms");
        }
        foreach (var (plan, t, o) in inner)
        {
            var steps = (IList)plan.GetType().GetProperty("Steps", Any)!.GetValue(plan)!;
            Console.WriteLine($"-- body of outer step {o}");
            for (int s = 0; s < steps.Count; s++)
            {
                var op = (Op)steps[s]!.GetType().GetField("Op")!.GetValue(steps[s])!;
                var sp = steps[s]!.GetType().GetField("Spec")!.GetValue(steps[s])!;
                Console.WriteLine($"  {s,3} {steps[s]!.GetType().Name,-18} {op.Name,-20} {sp,-30} {Ms(t[s]):F3} ms");
            }
        }
    }
}
