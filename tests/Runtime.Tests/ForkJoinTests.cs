using LayerGen.Kernels;

namespace LayerGen.Tests;

/// <summary>The kernels' fork-join pool: every part runs once, failures reach the caller, concurrent and nested callers finish.</summary>
public class ForkJoinTests
{
    [Fact]
    public void EveryPartRunsExactlyOnce()
    {
        foreach (int parts in new[] { 1, 2, 3, 7 })
        {
            var counts = new int[parts];
            for (int round = 0; round < 200; round++) ForkJoin.Run(parts, i => Interlocked.Increment(ref counts[i]));
            Assert.All(counts, c => Assert.Equal(200, c));
        }
    }

    [Fact]
    public void AFailingPartIsReportedToTheCaller_AndThePoolKeepsWorking()
    {
        // On a worker the failure arrives wrapped in an AggregateException; run inline (one core) it arrives as is.
        var e = Assert.ThrowsAny<Exception>(() => ForkJoin.Run(2, i => { if (i == 1) throw new InvalidOperationException("part failed"); }));
        Assert.Contains("part failed", (e.InnerException ?? e).Message);
        int sum = 0;
        ForkJoin.Run(2, i => Interlocked.Add(ref sum, i + 1));
        Assert.Equal(3, sum);
    }

    [Fact]
    public async Task JobsPostedAsTheWorkerFallsAsleepAreNotMissed()
    {
        // Pauses around the worker's 50 µs spin make it announce sleep while a job is being posted: the race that
        // hung a loop of small products before the worker fenced between its sleep flag and its generation read.
        var run = Task.Run(() =>
        {
            long done = 0;
            var random = new Random(1);
            var a = new RandomGenerator(1).Normal([64, 64]);
            for (int i = 0; i < 20_000; i++)
            {
                if (i % 2 == 0) ForkJoin.Run(2, _ => Interlocked.Increment(ref done));
                else { _ = Ops.MatMul(a, a); done += 2; } // a product large enough to fork
                long until = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(System.Diagnostics.Stopwatch.Frequency * (40 + random.NextDouble() * 20) / 1e6);
                while (System.Diagnostics.Stopwatch.GetTimestamp() < until) { }
            }
            return done;
        });
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.True(finished == run, "ForkJoin.Run did not return: a wake-up was missed");
        Assert.Equal(40_000, await run);
    }

    [Fact]
    public void ConcurrentAndNestedCallersAllFinish()
    {
        long total = 0;
        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            for (int r = 0; r < 300; r++)
                ForkJoin.Run(2, i => ForkJoin.Run(2, j => Interlocked.Increment(ref total)));
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Equal(4 * 300 * 4, Interlocked.Read(ref total));
    }

    [Fact]
    public void EveryChunkRunsExactlyOnce_AlsoBetweenPartJobs()
    {
        foreach (int chunks in new[] { 1, 2, 3, 8, 33 })
        {
            var counts = new int[chunks];
            int parts = 0;
            for (int round = 0; round < 300; round++)
            {
                ForkJoin.RunChunks(chunks, i => Interlocked.Increment(ref counts[i]));
                ForkJoin.Run(2, _ => Interlocked.Increment(ref parts)); // a late worker of the chunk job must not disturb it
            }
            Assert.All(counts, c => Assert.Equal(300, c));
            Assert.Equal(600, parts);
        }
    }

    [Fact]
    public void ChunkJobsRunInlineWhileAnotherCallerHoldsThePool()
    {
        // The pool's worker is held inside a part of another caller's job on another thread: that caller holds the
        // pool, so chunk jobs posted meanwhile run inline on their caller and still complete every chunk.
        using var release = new ManualResetEventSlim();
        var holder = new Thread(() => ForkJoin.Run(2, i => { if (i == 1) release.Wait(); }));
        holder.Start();
        Thread.Sleep(50);
        int done = 0;
        for (int round = 0; round < 10; round++) ForkJoin.RunChunks(8, _ => Interlocked.Increment(ref done));
        release.Set();
        holder.Join();
        Assert.Equal(80, done);
    }

    [Fact]
    public void AFailingChunkIsReportedToTheCaller_AndThePoolKeepsWorking()
    {
        var e = Assert.ThrowsAny<Exception>(() => ForkJoin.RunChunks(8, i => { if (i == 5) throw new InvalidOperationException("chunk failed"); }));
        Assert.Contains("chunk failed", (e.InnerException ?? e).Message);
        int sum = 0;
        ForkJoin.RunChunks(4, i => Interlocked.Add(ref sum, i + 1));
        Assert.Equal(10, sum);
    }
}
