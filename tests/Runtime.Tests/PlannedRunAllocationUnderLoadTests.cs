using System.Runtime;
using LayerGen.Kernels;

namespace LayerGen.Tests;

/// <summary>
/// Zero-allocation checks of planned runs hold whatever else runs in the process. Two things made them flaky in full
/// test runs: the runtime's per-thread allocation counter (<see cref="GC.GetAllocatedBytesForCurrentThread"/>) jumps by
/// the unused rest of the thread's allocation buffer (up to about 8 KB) when a background (concurrent) collection
/// voids the buffer near the end of its marking, without any allocation (the GC's <c>void_allocation</c> does not
/// deduct it, as the collection's foreground path does); and ReduceToLike's process-wide cache of recent shape pairs,
/// which other graphs could evict, so a plan built its sum again. The test projects that assert 0 B therefore run with
/// blocking collections (<c>ConcurrentGarbageCollection</c> false), and a plan keeps its ReduceToLike sums itself.
/// </summary>
public class PlannedRunAllocationUnderLoadTests
{
    [Fact]
    public void TheTestHostCollectsWithoutBackgroundCollections()
    {
        // Batch is the latency mode of a process whose runtime config turns concurrent (background) collections off.
        Assert.True(GCSettings.LatencyMode == GCLatencyMode.Batch,
            $"GC latency mode {GCSettings.LatencyMode}: the allocation checks need System.GC.Concurrent=false (see the class remarks)");
    }

    private static ExecutionPlan LargeDense(out Tensor x)
    {
        // ExecutionPlanTests.SteadyStateRunsAllocateNothing's fork-join product: split over the pool, weight packed by the plan.
        var g = new RandomGenerator(3);
        Tensor w = g.Normal([200, 300]), b = g.Normal([300]);
        x = g.Normal([64, 200]);
        return TensorFunction.Trace(t => Ops.Relu(Ops.MatMul(t, w) + b)).Plan(x.Spec);
    }

    private static ExecutionPlan ConvNet(out Tensor x)
    {
        // ExecutionPlanTests.ConvNetPlannedForwardAllocatesNothing's model (issue 16's keras.io convnet) at batch 4.
        var model = new LayerGen.Models.Sequential([
            new LayerGen.Layers.InputLayer(shape: [28, 28, 1]),
            new LayerGen.Layers.Conv2D(32, kernelSize: 3, activation: "relu"),
            new LayerGen.Layers.MaxPooling2D(poolSize: [2, 2]),
            new LayerGen.Layers.Conv2D(64, kernelSize: 3, activation: "relu"),
            new LayerGen.Layers.MaxPooling2D(poolSize: [2, 2]),
            new LayerGen.Layers.Flatten(),
            new LayerGen.Layers.Dropout(0.5),
            new LayerGen.Layers.Dense(10, activation: "softmax"),
        ]);
        x = new RandomGenerator(6).Uniform([4, 28, 28, 1]);
        return model.Plan(x.Spec);
    }

    [Fact]
    public void PlannedRunsAllocateNothingWhileOtherThreadsCollectAndUseThePool()
    {
        var plans = new[] { LargeDense(out var x1), ConvNet(out var x2) };
        var inputs = new[] { x1, x2 };
        for (int p = 0; p < plans.Length; p++)
            for (int i = 0; i < 5; i++) plans[p].Run(inputs[p]);

        using var stop = new CancellationTokenSource();
        // What other test classes do meanwhile: full collections over a large live graph (background ones unless the
        // runtime config turns them off), and products that take the fork-join pool, so that these plans' products
        // sometimes find it busy and run every chunk on the calling thread.
        var collector = new Thread(() =>
        {
            var live = new object[300_000];
            for (int i = 0; i < live.Length; i++) live[i] = new byte[40];
            var random = new Random(1);
            while (!stop.IsCancellationRequested)
            {
                GC.Collect(2, GCCollectionMode.Forced, blocking: false);
                for (int i = 0; i < 5_000; i++) live[random.Next(live.Length)] = new byte[40];
                Thread.Sleep(1);
            }
            GC.KeepAlive(live);
        }) { IsBackground = true };
        var poolUser = new Thread(() =>
        {
            var a = new float[160 * 160];
            var c = new float[160 * 160];
            while (!stop.IsCancellationRequested) Gemm.Sgemm(a, false, a, false, c, 160, 160, 160);
        }) { IsBackground = true };
        int fullCollections = GC.CollectionCount(2);
        collector.Start();
        poolUser.Start();
        var failures = new List<string>();
        const int Windows = 300;
        try
        {
            for (int window = 0; window < Windows; window++)
            {
                int p = window % plans.Length;
                // A fresh allocation buffer for this thread: a collection that voided it during the window would show.
                GC.KeepAlive(new byte[32]);
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < 3; i++) plans[p].Run(inputs[p]);
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                if (allocated != 0) failures.Add($"window {window} ({(p == 0 ? "dense" : "convnet")}): {allocated} B");
            }
        }
        finally
        {
            stop.Cancel();
            collector.Join();
            poolUser.Join();
        }
        fullCollections = GC.CollectionCount(2) - fullCollections;
        Assert.True(fullCollections > 0, "no full collection ran during the measured runs: the test did not load the process as intended");
        Assert.True(failures.Count == 0, $"{failures.Count} of {Windows} windows of three runs allocated ({fullCollections} full collections, "
            + $"latency mode {GCSettings.LatencyMode}): " + string.Join("; ", failures.Take(8)));
    }

    [Fact]
    public void TheCallersPackingBufferDoesNotDependOnWhichChunksItRan()
    {
        // A product that packs B itself (a weight that changes every step, as in a planned training step) is cut into
        // chunks of one or two column panels. The calling thread's B buffer was sized by the chunk it ran, so a thread
        // that had run some chunks grew it, allocating, when it later ran a wider part: after its warm-up runs, once
        // another thread held the pool and it ran every chunk itself. Here: every chunk inline (the pool held), then the
        // same product's full width on one thread (too few rows to split).
        var g = new RandomGenerator(21);
        float[] a = g.Normal([64, 200]).ToArray<float>(), b = g.Normal([200, 300]).ToArray<float>(), c = new float[64 * 300];
        long allocated = -1;
        var caller = new Thread(() =>
        {
            using var release = new ManualResetEventSlim();
            using var held = new ManualResetEventSlim();
            var holder = new Thread(() => ForkJoin.Run(2, i => { if (i == 1) { held.Set(); release.Wait(); } })) { IsBackground = true };
            holder.Start();
            held.Wait();
            Gemm.Sgemm(a, false, b, false, c, 64, 300, 200);
            release.Set();
            holder.Join();
            long before = GC.GetAllocatedBytesForCurrentThread();
            Gemm.Sgemm(a, false, b, false, c, 4, 300, 200);
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        });
        caller.Start();
        caller.Join();
        long wholeProduct = (long)a.Length * 300, fewRows = wholeProduct / 16; // 64 and 4 rows of 300 columns, depth 200
        Assert.True(fewRows < Gemm.ParallelThreshold && wholeProduct >= Gemm.ParallelThreshold, "the sizes no longer split as intended");
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void APlannedReduceToLikeKeepsItsSumWhenOtherGraphsFillTheSharedCache()
    {
        // The op instance is shared by every graph; its cache of recent shape pairs is filled by 40 other pairs between
        // two runs of the plan (another thread's eager gradients, another plan's first run). The plan's run still makes
        // nothing.
        var like = Tensor.Ones([5, 1]);
        var x = new RandomGenerator(8).Normal([6, 5, 7]);
        var plan = TensorFunction.Trace(t => Ops.ReduceToLike(t * 2f, like)).Plan(x.Spec);
        Assert.Contains(plan.Steps, s => s.Op is ReduceToLikeOp);
        var expected = Ops.ReduceToLike(x * 2f, like).ToArray<float>();
        for (int i = 0; i < 3; i++) plan.Run(x);
        for (int i = 0; i < 40; i++) Ops.ReduceToLike(Tensor.Ones([i + 2, 3]), Tensor.Ones([1, 3]));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var actual = plan.Run(x);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(expected, actual.ToArray<float>());
    }
}
