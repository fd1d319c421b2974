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
}
