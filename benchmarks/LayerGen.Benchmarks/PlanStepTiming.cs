using System.Collections;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using LayerGen;

namespace LayerGen.Benchmarks;

/// <summary>
/// The time each step of an <see cref="ExecutionPlan"/> takes over many runs, through the plan's internal
/// <c>StepTicks</c> profiling aid and <c>Steps</c> list, reached by reflection (a benchmark-only probe: the runtime's
/// internals are not visible here). Used by <see cref="ConvStepProfile"/> and <see cref="AttentionProfile"/>.
/// </summary>
[UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Benchmark-only reflection probe; never trimmed.")]
internal static class PlanStepTiming
{
    private const BindingFlags Any = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance;

    /// <summary>One step: its position, its kind (the step class), its op, its output spec and its mean time per run.</summary>
    internal readonly record struct StepTime(int Index, string Kind, Op Op, object Spec, double Ms);

    /// <summary>
    /// Runs <paramref name="run"/> <paramref name="runs"/> times with per-step timing on <paramref name="plan"/> (warm it
    /// up first) and returns the mean time per run and every step's mean time.
    /// </summary>
    public static (double TotalMs, StepTime[] Steps) Measure(object plan, int runs, Action run)
    {
        var type = plan.GetType();
        var steps = (IList)type.GetProperty("Steps", Any)!.GetValue(plan)!;
        var ticksProperty = type.GetProperty("StepTicks", Any)!;
        var ticks = new long[steps.Count];
        ticksProperty.SetValue(plan, ticks);
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < runs; i++) run();
        double total = Stopwatch.GetElapsedTime(start).TotalMilliseconds / runs;
        ticksProperty.SetValue(plan, null);
        var times = new StepTime[steps.Count];
        for (int s = 0; s < times.Length; s++)
        {
            var step = steps[s]!;
            var op = (Op)step.GetType().GetField("Op")!.GetValue(step)!;
            var spec = step.GetType().GetField("Spec")!.GetValue(step)!;
            times[s] = new StepTime(s, step.GetType().Name, op, spec, ticks[s] * 1000.0 / Stopwatch.Frequency / runs);
        }
        return (total, times);
    }
}
