using System.Collections;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using LayerGen;

namespace LayerGen.Benchmarks;

/// <summary>
/// Issue 16's per-step profile of the convnet's planned training step (and the batch-1000 inference plan): the time
/// each plan step takes over many runs (<see cref="PlanStepTiming"/>); the plans are reached by reflection (a
/// benchmark-only probe; the runtime's internals are not visible here).
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
        for (int i = 0; i < 5; i++) run();
        var (total, steps) = PlanStepTiming.Measure(plan, runs, run);
        Console.WriteLine($"== {name}: {total:F2} ms per run (with per-step timing), {steps.Length} steps");
        foreach (var st in steps) Console.WriteLine($"{st.Ms,8:F3} ms  {st.Index,3} {st.Kind,-22} {st.Op.GetType().Name,-24} {st.Spec}");
        Console.WriteLine($"   steps sum {steps.Sum(st => st.Ms):F2} ms; outside the plan {total - steps.Sum(st => st.Ms):F2} ms");
    }
}
