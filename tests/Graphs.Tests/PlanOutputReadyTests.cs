namespace LayerGen.Graphs.Tests;

/// <summary><see cref="ExecutionPlan.RunAll(ReadOnlySpan{Tensor}, Action{int, Tensor})"/>: every output reported once per run, and nothing allocated per run once warm.</summary>
public class PlanOutputReadyTests
{
    [Fact]
    public void EveryOutputIsReportedOncePerRunAndSteadyRunsAllocateNothing()
    {
        var g = new RandomGenerator(5);
        static Tensor[] Reductions(Tensor[] xs) =>
            [Ops.Sum(xs[0], axis: -1) * Ops.Max(xs[0]), Ops.Sum(xs[0], axis: -1, keepDims: true) + Ops.Sum(xs[0], axis: 0, keepDims: true)];
        var plan = TensorFunction.Trace(Reductions, 1).Plan(new TensorSpec([16, 8], DType.Float32));
        var input = g.Normal([16, 8]);
        var expected = Reductions([input]);
        var counts = new int[2];
        var sums = new float[2];
        Action<int, Tensor> ready = (o, t) => { counts[o]++; sums[o] = t.AsSpan<float>()[0]; };
        for (int run = 1; run <= 5; run++)
        {
            plan.RunAll([input], ready);
            Assert.Equal([run, run], counts);
            for (int k = 0; k < 2; k++) Assert.Equal(expected[k].ToArray<float>()[0], sums[k]);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) plan.RunAll([input], ready);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before); // the plan keeps one "reported" array, cleared per run
        Assert.Equal([25, 25], counts);
    }
}
