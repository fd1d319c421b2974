using System.Collections;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using LayerGen;

namespace LayerGen.Benchmarks;

/// <summary>
/// Issue 16's per-step profile of the convnet's planned training step (and the batch-1000 inference plan): the time
/// each plan step takes over many runs, through the plan's internal <c>StepTicks</c> profiling aid, reached by
/// reflection (a benchmark-only probe; the runtime's internals are not visible here).
/// Run: <c>benchmarks/LayerGen.Benchmarks/bin/Release/net10.0/LayerGen.Benchmarks conv-timing [runs] profile</c>.
/// </summary>
[UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Benchmark-only reflection probe; never trimmed.")]
internal static class ConvStepProfile
{
    private const BindingFlags Any = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance;

    public static void Run(int runs)
    {
        var net = new ConvNetBenchmarks();
        net.Setup();
        var model = (Model)typeof(ConvNetBenchmarks).GetField("_model", Any)!.GetValue(net)!;
        var trainer = typeof(Model).GetProperty("Trainer", Any)!.GetValue(model)!;
        var plans = (IDictionary)trainer.GetType().GetField("_trainPlans", Any)!.GetValue(trainer)!;
        object? stepObj = null;
        foreach (DictionaryEntry e in plans) stepObj = e.Value;
        var plan = stepObj!.GetType().GetProperty("Plan", Any)!.GetValue(stepObj)!;
        Profile("TrainStep", plan, runs, () => net.TrainStep());
        var infer = typeof(ConvNetBenchmarks).GetField("_plan1000", Any)!.GetValue(net)!;
        Profile("Inference batch 1000 (x10 per run)", infer, Math.Max(3, runs / 10), () => net.InferencePlanned());
    }

    private static void Profile(string name, object plan, int runs, Action run)
    {
        var type = plan.GetType();
        var steps = (IList)type.GetProperty("Steps", Any)!.GetValue(plan)!;
        var ticks = new long[steps.Count];
        for (int i = 0; i < 5; i++) run();
        type.GetProperty("StepTicks", Any)!.SetValue(plan, ticks);
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < runs; i++) run();
        double total = sw.Elapsed.TotalMilliseconds / runs;
        type.GetProperty("StepTicks", Any)!.SetValue(plan, null);
        double sum = 0;
        Console.WriteLine($"== {name}: {total:F2} ms per run (with per-step timing), {steps.Count} steps");
        var rows = new List<(double Ms, string Text)>();
        for (int s = 0; s < steps.Count; s++)
        {
            double ms = ticks[s] * 1000.0 / Stopwatch.Frequency / runs;
            sum += ms;
            var st = steps[s]!;
            var op = st.GetType().GetField("Op")!.GetValue(st)!;
            var spec = st.GetType().GetField("Spec")!.GetValue(st)!;
            rows.Add((ms, $"{s,3} {st.GetType().Name,-22} {op.GetType().Name,-24} {spec}"));
        }
        foreach (var (ms, text) in rows) Console.WriteLine($"{ms,8:F3} ms  {text}");
        Console.WriteLine($"   steps sum {sum:F2} ms; outside the plan {total - sum:F2} ms");
    }
}
