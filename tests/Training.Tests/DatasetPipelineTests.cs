using LayerGen.Optimizers;

namespace LayerGen.Training.Tests;

/// <summary>
/// The streaming <see cref="Dataset"/>: each transformation's elements, order and cardinality, parallel Map's order and
/// its failures, the bounded shuffle buffer, Prefetch's thread (errors through, stops when abandoned), memory bounded by
/// the buffers on a dataset larger than memory would hold, and the typed errors of bad input.
/// </summary>
public class DatasetPipelineTests
{
    private static Tensor Scalar(int i) => Tensor.Scalar((float)i);

    private static float[] Xs(Dataset ds) => [.. ds.SelectMany(b => b.X.ToFloatArray())];

    /// <summary>A lazily generated dataset of the scalars 0..n-1 (x and y the same).</summary>
    private static Dataset Range(int n, Action<int>? onProduce = null) => Dataset.FromGenerator(() => RangeItems(n, onProduce), n);

    private static IEnumerable<DataBatch> RangeItems(int n, Action<int>? onProduce)
    {
        for (int i = 0; i < n; i++)
        {
            onProduce?.Invoke(i);
            yield return new DataBatch(Scalar(i), Scalar(i), null);
        }
    }

    [Fact]
    public void FromTensorsYieldsRowsAndBatchStacksThemLikeTheSlicedFastPath()
    {
        var x = Tensor.From(Enumerable.Range(0, 30).Select(i => (float)i).ToArray(), [10, 3]);
        var rows = Dataset.FromTensors(x).ToList();
        Assert.Equal(10, rows.Count);
        Assert.Equal(new Shape(3), rows[4].X.Shape);
        Assert.Equal(new float[] { 12, 13, 14 }, rows[4].X.ToFloatArray());
        Assert.False(Dataset.FromTensors(x).IsBatched);

        // The generic path (Map breaks the tensor fast path) stacks rows into the same batches as slicing does.
        var sliced = Dataset.FromTensors(x, x).Batch(4).ToList();
        var stacked = Dataset.FromTensors(x, x).Map(e => e).Batch(4).ToList();
        Assert.Equal(3, stacked.Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(sliced[i].X.Shape, stacked[i].X.Shape);
            Assert.Equal(sliced[i].X.ToFloatArray(), stacked[i].X.ToFloatArray());
            Assert.Equal(sliced[i].Y!.ToFloatArray(), stacked[i].Y!.ToFloatArray());
        }
        Assert.Equal(new Shape(2, 3), stacked[2].X.Shape);
        Assert.Equal(2, Dataset.FromTensors(x).Map(e => e).Batch(4, dropRemainder: true).Count());
    }

    [Fact]
    public void FromArraysAndGeneratorAreLazy()
    {
        var ds = Dataset.FromArrays(new float[,] { { 1, 2 }, { 3, 4 } }, new[] { 0, 1 });
        Assert.Equal(2, ds.Cardinality);
        Assert.Equal(new[] { 0, 1 }, ds.Batch(2).Single().Y!.ToArray<int>());
        int produced = 0;
        var gen = Range(5, _ => produced++);
        Assert.Equal(0, produced);
        using (var e = gen.GetEnumerator()) { e.MoveNext(); e.MoveNext(); }
        Assert.Equal(2, produced);
    }

    [Fact]
    public void ParallelMapKeepsTheInputOrderAndMatchesSequentialMap()
    {
        var random = new Random(3);
        var delays = Enumerable.Range(0, 64).Select(_ => random.Next(0, 3)).ToArray();
        int running = 0, most = 0;
        DataBatch Slow(DataBatch e)
        {
            int now = Interlocked.Increment(ref running);
            int seen;
            while ((seen = Volatile.Read(ref most)) < now && Interlocked.CompareExchange(ref most, now, seen) != seen) { }
            Thread.Sleep(delays[(int)e.X.ToScalar<float>()]);
            Interlocked.Decrement(ref running);
            return e with { X = e.X * 2f };
        }
        var parallel = Xs(Range(64).Map(Slow, numParallelCalls: 4));
        var sequential = Xs(Range(64).Map(e => e with { X = e.X * 2f }));
        Assert.Equal(sequential, parallel);
        Assert.Equal(Enumerable.Range(0, 64).Select(i => 2f * i), parallel);
        Assert.InRange(most, 1, 4); // never more than asked

        // Two calls do run at once: each waits (up to 10 s) until the other has started.
        using var both = new CountdownEvent(2);
        var met = Range(2).Map(e => { both.Signal(); return e with { X = Tensor.Scalar(both.Wait(TimeSpan.FromSeconds(10)) ? 1f : 0f) }; }, numParallelCalls: 2);
        Assert.Equal(new float[] { 1, 1 }, Xs(met));
        Assert.Equal(Environment.ProcessorCount > 0, Range(3).Map(e => e, Dataset.Autotune).Count() == 3);
    }

    [Fact]
    public void AThrowingMapNamesTheElementAndStopsStartingNewCalls()
    {
        int started = 0, running = 0;
        var ds = Range(1000).Map(e =>
        {
            Interlocked.Increment(ref started);
            Interlocked.Increment(ref running);
            try
            {
                int i = (int)e.X.ToScalar<float>();
                Thread.Sleep(1);
                if (i == 37) throw new InvalidOperationException("bad pixel");
                return e;
            }
            finally { Interlocked.Decrement(ref running); }
        }, numParallelCalls: 4);
        var consumed = new List<float>();
        var error = Assert.Throws<DatasetMapException>(() => { foreach (var b in ds) consumed.Add(b.X.ToScalar<float>()); });
        Assert.Equal(37, error.ElementIndex);
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Contains("element 37", error.Message, StringComparison.Ordinal);
        Assert.Contains("bad pixel", error.Message, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(0, 37).Select(i => (float)i), consumed); // every element before it, in order
        Assert.Equal(0, Volatile.Read(ref running));                         // no call still running when it surfaced
        int after = Volatile.Read(ref started);
        Assert.InRange(after, 38, 37 + 4 + 1);                                // nothing started past the window
        Thread.Sleep(50);
        Assert.Equal(after, Volatile.Read(ref started));
    }

    [Fact]
    public void BoundedShuffleIsAPermutationWithinTheBufferReproducibleAndNewEachPass()
    {
        const int n = 200, buffer = 10;
        var ds = Range(n).Shuffle(buffer, seed: 5);
        var first = Xs(ds);
        var second = Xs(ds);
        Assert.Equal(Enumerable.Range(0, n).Select(i => (float)i), first.Order());
        Assert.NotEqual(first, second);
        // An element can leave the buffer no earlier than buffer - 1 places before it arrived.
        for (int pos = 0; pos < n; pos++) Assert.True(first[pos] <= pos + buffer - 1, $"element {first[pos]} at position {pos}");
        // Same seed, same orders pass after pass; another seed, other orders.
        var again = Range(n).Shuffle(buffer, seed: 5);
        Assert.Equal(first, Xs(again));
        Assert.Equal(second, Xs(again));
        Assert.NotEqual(first, Xs(Range(n).Shuffle(buffer, seed: 6)));
        var fixedOrder = Range(n).Shuffle(buffer, seed: 5, reshuffleEachIteration: false);
        Assert.Equal(Xs(fixedOrder), Xs(fixedOrder));
        // A full-buffer shuffle of a lazy source is a permutation too.
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (float)i), Xs(Range(50).Shuffle(seed: 9)).Order());
        Assert.Throws<ArgumentException>(() => Range(5).Repeat().Shuffle(seed: 9));
        Assert.Equal(15, Xs(Range(5).Repeat().Shuffle(4, seed: 9).Take(15)).Length);
    }

    [Fact]
    public void ElementShapesThatChangeMidEpochNameTheElementAndBothShapes()
    {
        var ds = Dataset.FromGenerator(() => Enumerable.Range(0, 10).Select(i =>
            new DataBatch(Tensor.Zeros(new Shape(i == 6 ? 3 : 4)), Scalar(i), null))).Batch(4);
        var e = Assert.Throws<DatasetShapeException>(() => ds.ToList());
        Assert.Equal(6, e.ElementIndex);
        Assert.Equal("x", e.Part);
        Assert.Equal(new Shape(4), e.ExpectedShape);
        Assert.Equal(new Shape(3), e.ActualShape);
        Assert.Contains("element 6", e.Message, StringComparison.Ordinal);
        Assert.Contains(new Shape(4).ToString(), e.Message, StringComparison.Ordinal);
        Assert.Contains(new Shape(3).ToString(), e.Message, StringComparison.Ordinal);

        var missingY = Dataset.FromGenerator(() => Enumerable.Range(0, 3).Select(i => new DataBatch(Scalar(i), i == 2 ? null : Scalar(i), null))).Batch(8);
        Assert.Equal("y", Assert.Throws<DatasetShapeException>(() => missingY.ToList()).Part);
        var dtype = Dataset.FromGenerator(() => Enumerable.Range(0, 3).Select(i => new DataBatch(i == 1 ? Tensor.Scalar(i) : Scalar(i), null, null))).Batch(8);
        Assert.Contains("dtype", Assert.Throws<DatasetShapeException>(() => dtype.ToList()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PrefetchKeepsOrderRethrowsAfterTheElementsBeforeAndStopsWhenAbandoned()
    {
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (float)i), Xs(Range(100).Prefetch(3)));

        var failing = Dataset.FromGenerator(() => Failing(5)).Prefetch(2);
        var got = new List<float>();
        var e = Assert.Throws<InvalidOperationException>(() => { foreach (var b in failing) got.Add(b.X.ToScalar<float>()); });
        Assert.Equal("source failed", e.Message);
        Assert.Equal(5, got.Count);

        // Abandoned after 3 of an endless source: the producer thread leaves the source (its finally runs) before Dispose returns.
        int produced = 0;
        bool closed = false;
        var endless = Dataset.FromGenerator(() => Endless(() => Interlocked.Increment(ref produced), () => closed = true)).Prefetch(4);
        using (var it = endless.GetEnumerator())
            for (int i = 0; i < 3; i++) Assert.True(it.MoveNext());
        Assert.True(closed);
        int atDispose = Volatile.Read(ref produced);
        Assert.InRange(atDispose, 3, 3 + 4 + 2);
        Thread.Sleep(50);
        Assert.Equal(atDispose, Volatile.Read(ref produced));
    }

    private static IEnumerable<DataBatch> Failing(int after)
    {
        for (int i = 0; i < after; i++) yield return new DataBatch(Scalar(i), null, null);
        throw new InvalidOperationException("source failed");
    }

    private static IEnumerable<DataBatch> Endless(Action produced, Action closed)
    {
        try
        {
            for (int i = 0; ; i++)
            {
                produced();
                yield return new DataBatch(Scalar(i), null, null);
            }
        }
        finally { closed(); }
    }

    [Fact]
    public void RepeatTakeSkipShardAndCardinality()
    {
        Assert.Equal(new float[] { 0, 1, 2, 0, 1, 2 }, Xs(Range(3).Repeat(2)));
        Assert.Equal(6, Range(3).Repeat(2).Cardinality);
        Assert.Equal(Dataset.InfiniteCardinality, Range(3).Repeat().Cardinality);
        Assert.Equal(new float[] { 0, 1, 2, 0, 1, 2, 0 }, Xs(Range(3).Repeat().Take(7)));
        Assert.Equal(7, Range(3).Repeat().Take(7).Cardinality);
        Assert.Empty(Range(0).Repeat());                                  // empty repeated forever is empty, not a hang
        Assert.Equal(new float[] { 3, 4 }, Xs(Range(5).Skip(3)));
        Assert.Equal(2, Range(5).Skip(3).Cardinality);
        Assert.Equal(0, Range(5).Skip(9).Cardinality);
        Assert.Equal(new float[] { 1, 4, 7 }, Xs(Range(10).Shard(3, 1)));
        Assert.Equal(3, Range(10).Shard(3, 1).Cardinality);
        Assert.Equal(4, Range(10).Shard(3, 0).Cardinality);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (float)i), Enumerable.Range(0, 3).SelectMany(s => Xs(Range(10).Shard(3, s))).Order());
        Assert.Equal(3, Range(10).Batch(4).Cardinality);
        Assert.Equal(Dataset.UnknownCardinality, Dataset.FromGenerator(() => RangeItems(3, null)).Map(e => e).Cardinality);
        Assert.Throws<ArgumentOutOfRangeException>(() => Range(3).Shard(2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Range(3).Batch(0));
    }

    [Fact]
    public void CacheReadsTheSourceOnceAndShuffleAfterItStillReshuffles()
    {
        int reads = 0;
        var cached = Range(20, _ => reads++).Map(e => e with { X = e.X + 1f }).Cache();
        var first = Xs(cached);
        Assert.Equal(20, reads);
        Assert.Equal(first, Xs(cached));
        Assert.Equal(20, reads);
        var shuffled = cached.Shuffle(20, seed: 1);
        Assert.NotEqual(Xs(shuffled), Xs(shuffled));
        Assert.Equal(20, reads);

        // A pass abandoned midway caches nothing.
        int reads2 = 0;
        var partial = Range(10, _ => reads2++).Cache();
        Assert.Equal(3, partial.Take(3).Count());
        Assert.Equal(10, partial.Count());
        Assert.Equal(10, partial.Count());
        Assert.Equal(3 + 10, reads2);
    }

    [Fact]
    public void MemoryStaysBoundedByTheBuffersOnADatasetLargerThanWouldBeHeld()
    {
        // 60,000 elements of 16 KiB (about 1 GB if held) through parallel Map, a 500-element shuffle buffer,
        // batches of 32 and a prefetch of 4 batches: elements produced but not yet consumed stay under
        // shuffle + map window + batch + prefetch, and the managed heap stays far below the dataset's size.
        const int n = 60_000, width = 4096, buffer = 500, batch = 32, prefetch = 4, parallel = 4;
        long produced = 0, consumed = 0, most = 0, heapMost = 0;
        var ds = Dataset.FromGenerator(() => Wide(n, width, () => Interlocked.Increment(ref produced)), n)
            .Map(e => e with { X = e.X * 0.5f }, numParallelCalls: parallel)
            .Shuffle(buffer, seed: 1)
            .Batch(batch)
            .Prefetch(prefetch);
        int batches = 0;
        foreach (var b in ds)
        {
            consumed += b.X.Shape[0];
            most = Math.Max(most, Interlocked.Read(ref produced) - consumed);
            if (++batches % 200 == 0) heapMost = Math.Max(heapMost, GC.GetTotalMemory(forceFullCollection: true));
        }
        Assert.Equal(n, consumed);
        long bound = buffer + parallel + 1 + batch * (prefetch + 2);
        Assert.True(most <= bound, $"{most} elements alive, bound {bound}");
        Assert.True(heapMost < 300L << 20, $"heap reached {heapMost >> 20} MiB for a {(long)n * width * 4 >> 20} MiB dataset");
    }

    private static IEnumerable<DataBatch> Wide(int n, int width, Action produced)
    {
        for (int i = 0; i < n; i++)
        {
            produced();
            yield return new DataBatch(Tensor.Zeros(new Shape(width)), Scalar(i % 10), null);
        }
    }
}
