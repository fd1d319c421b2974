namespace LayerGen.Graphs.Tests;

/// <summary>The pooling kernels in plans: both cores, no allocation per run.</summary>
public class PoolingPlanTests
{
    [Fact]
    public void PlannedPoolingAndResizeAllocateNothingPerRun()
    {
        // Large enough that every kernel splits its work over the cores.
        static Tensor[] F(Tensor[] xs) =>
        [
            Ops.MaxPool(xs[0], [2, 2], [2, 2], [0, 0, 0, 0]),
            Ops.AvgPool(xs[0], [3, 3], [2, 2], [1, 1, 1, 1]),
            Ops.ResizeBilinear(xs[0], 40, 40),
        ];
        var spec = new TensorSpec([16, 26, 26, 32], DType.Float32);
        var plan = TensorFunction.Trace(F, 1).Plan(spec);
        var x = Tensor.RandomNormal([16, 26, 26, 32], generator: new RandomGenerator(5));
        var expected = F([x]);
        for (int i = 0; i < 3; i++)
        {
            var got = plan.RunAll([x]);
            for (int k = 0; k < expected.Length; k++) Assert.Equal(expected[k].ToArray<float>(), got[k].ToArray<float>());
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) plan.RunAll([x]);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
