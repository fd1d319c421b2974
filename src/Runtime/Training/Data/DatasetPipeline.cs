namespace LayerGen.Training;

public sealed partial class Dataset
{
    /// <summary>What a transformation did, for <see cref="Distribute"/> to replay it on another input.</summary>
    private enum Stage { Map, Prefetch, Shuffle, Batch, Shard, Policy, Other }

    /// <summary>How a dataset was made from <see cref="Input"/> (a dataset without one is a source, or a transformation that cannot be replayed).</summary>
    private sealed class Link(Stage stage, Dataset input, Func<Dataset, long?, Dataset> replay)
    {
        public Stage Stage => stage;
        public Dataset Input => input;
        public long Seed { get; init; }
        public int BatchSize { get; init; }
        public bool DropRemainder { get; init; }
        public AutoShardPolicy Policy { get; init; }

        /// <summary>The same transformation of <paramref name="newInput"/> (a shuffle with <paramref name="seed"/> when given).</summary>
        public Dataset Replay(Dataset newInput, long? seed) => replay(newInput, seed);
    }

    private Link? _link;

    /// <summary>This dataset, remembering that <paramref name="input"/> and <paramref name="replay"/> made it.</summary>
    private Dataset Linked(Stage stage, Dataset input, Func<Dataset, long?, Dataset> replay, long seed = 0, int batchSize = 0, bool dropRemainder = false, AutoShardPolicy policy = AutoShardPolicy.Auto)
    {
        _link = new Link(stage, input, replay) { Seed = seed, BatchSize = batchSize, DropRemainder = dropRemainder, Policy = policy };
        return this;
    }

    /// <summary>
    /// This dataset with <paramref name="policy"/> for data-parallel training (tf.data's
    /// <c>options.experimental_distribute.auto_shard_policy</c>): how <c>Fit</c> and <c>Evaluate</c> under a strategy split
    /// it between the ranks. <see cref="AutoShardPolicy.Off"/> turns the split off. Elsewhere the dataset is unchanged.
    /// </summary>
    public Dataset WithAutoShardPolicy(AutoShardPolicy policy)
    {
        if (!Enum.IsDefined(policy)) throw new ArgumentOutOfRangeException(nameof(policy), policy, "an AutoShardPolicy.");
        return Derive(() => this, Cardinality).Linked(Stage.Policy, this, (d, _) => d.WithAutoShardPolicy(policy), policy: policy);
    }

    /// <summary>What <see cref="Distribute"/> made of a dataset for one rank.</summary>
    /// <param name="Data">The rank's dataset.</param>
    /// <param name="LocalBatches">Whether its batches are the rank's own (true) or global batches the trainer splits by rows (false).</param>
    /// <param name="Policy">The policy applied: <see cref="AutoShardPolicy.File"/>, <see cref="AutoShardPolicy.Data"/> (at the source when <paramref name="LocalBatches"/>) or <see cref="AutoShardPolicy.Off"/>.</param>
    internal readonly record struct RankData(Dataset Data, bool LocalBatches, AutoShardPolicy Policy);

    /// <summary>
    /// Rank <paramref name="rank"/>'s part of this batched dataset for data-parallel training (tf.data's auto-shard).
    /// Every shuffle of the pipeline is replayed with the seed <paramref name="agreeSeed"/> returns (rank 0's: a
    /// collective, so every rank must call this for the same pipeline). Then, by the policy (the outermost
    /// <see cref="WithAutoShardPolicy"/>, default <see cref="AutoShardPolicy.Auto"/>):
    /// <list type="bullet">
    /// <item>Off, or a <see cref="Shard"/> in the pipeline (sharded by hand): the batches are the rank's own.</item>
    /// <item>File (Auto with a <see cref="FromFiles"/> source of at least one file per rank): the rank reads files
    /// rank, rank + N, ... and batches its part of each global batch.</item>
    /// <item>Data: the rank keeps the elements of its part of each global batch (rank r of N: the r-th of N contiguous
    /// parts; a batch with fewer rows than ranks goes whole to every rank), split below the Maps and Prefetches before
    /// <see cref="Batch"/> so only its own elements are mapped, and batches them: the union over the ranks of batch k is
    /// batch k of one process. Where the split cannot be made at the source (rows of tensors, which batch by slicing
    /// with nothing to save; a count of elements unknown before the pass), every rank reads the global batches and
    /// the trainer splits each by rows, with the same result.</item>
    /// </list>
    /// </summary>
    internal RankData Distribute(int rank, int size, Func<long, long> agreeSeed)
    {
        ArgumentNullException.ThrowIfNull(agreeSeed);
        var chain = new List<Link>();
        var source = this;
        while (source._link is { } l) { chain.Add(l); source = l.Input; }
        var policy = chain.FirstOrDefault(l => l.Stage == Stage.Policy)?.Policy ?? AutoShardPolicy.Auto; // the outermost
        chain.Reverse(); // from the source up
        var seeds = new long?[chain.Count];
        for (int i = 0; i < chain.Count; i++) if (chain[i].Stage == Stage.Shuffle) seeds[i] = agreeSeed(chain[i].Seed);
        int batch = chain.FindLastIndex(l => l.Stage == Stage.Batch);

        Dataset Replay(Dataset start, int from, int to) // chain[from..to) on start
        {
            for (int i = from; i < to; i++) start = chain[i].Replay(start, seeds[i]);
            return start;
        }

        if (policy == AutoShardPolicy.Off || chain.Any(l => l.Stage == Stage.Shard))
            return new RankData(Replay(source, 0, chain.Count), true, AutoShardPolicy.Off);
        bool files = source._files is { } f && f.Paths.Length >= size;
        if (policy == AutoShardPolicy.File && (!files || batch < 0))
            throw new ArgumentException($"AutoShardPolicy.File needs a batched dataset whose source is Dataset.FromFiles with at least one file per rank ({size} ranks, "
                + (source._files is { } g ? $"{g.Paths.Length} files" : "the source is not a list of files") + "): use AutoShardPolicy.Data or Auto.");
        if (batch < 0 || size == 1) return new RankData(Replay(source, 0, chain.Count), false, AutoShardPolicy.Data);
        var link = chain[batch];
        if (files && policy is AutoShardPolicy.Auto or AutoShardPolicy.File)
        {
            var (start, end) = RowsOf(link.BatchSize, rank, size);
            if (end == start)
                throw new ArgumentException($"AutoShardPolicy.File: the global batch of {link.BatchSize} has fewer rows than the {size} ranks.");
            var own = source._files!.Value;
            var mine = FromFiles([.. own.Paths.Where((_, i) => i % size == rank)], own.Read);
            var batched = Replay(mine, 0, batch).Batch(end - start, link.DropRemainder);
            return new RankData(Replay(batched, batch + 1, chain.Count), true, AutoShardPolicy.File);
        }
        int p = batch - 1; // the split goes below the Maps and Prefetches that precede Batch
        while (p >= 0 && chain[p].Stage is Stage.Map or Stage.Prefetch or Stage.Policy) p--;
        var elements = Replay(source, 0, p + 1);
        if (elements.Cardinality == UnknownCardinality || (p == batch - 1 && elements._slices is not null))
            return new RankData(Replay(source, 0, chain.Count), false, AutoShardPolicy.Data);
        int count = elements.Cardinality, batchSize = link.BatchSize;
        bool drop = link.DropRemainder;
        var owned = elements.Derive(() => Owned(elements, batchSize, drop, count, rank, size),
            count < 0 ? count : OwnedCount(batchSize, drop, count, rank, size));
        var mapped = Replay(owned, p + 1, batch);
        var rankBatches = new Dataset(() => RankBatches(mapped, batchSize, drop, count, rank, size), link.Replay(elements, null).Cardinality, true);
        return new RankData(Replay(rankBatches, batch + 1, chain.Count), true, AutoShardPolicy.Data);
    }

    /// <summary>The rows [start, end) of a batch of <paramref name="rows"/> that <paramref name="rank"/> of <paramref name="size"/> takes (the rank-th of N contiguous parts).</summary>
    internal static (int Start, int End) RowsOf(int rows, int rank, int size)
    {
        int baseRows = rows / size, extra = rows % size;
        int start = rank * baseRows + Math.Min(rank, extra);
        return (start, start + baseRows + (rank < extra ? 1 : 0));
    }

    /// <summary>The size of global batch <paramref name="k"/> of a pass of <paramref name="count"/> elements (negative: endless).</summary>
    private static int GroupSize(long k, int batchSize, int count) => count < 0 ? batchSize : (int)Math.Min(batchSize, count - k * batchSize);

    /// <summary>How many of global batch k's <paramref name="rows"/> the rank keeps (all of a batch with fewer rows than ranks).</summary>
    private static int RankRows(int rows, int rank, int size)
    {
        if (rows < size) return rows;
        var (s, e) = RowsOf(rows, rank, size);
        return e - s;
    }

    private static int OwnedCount(int batchSize, bool drop, int count, int rank, int size)
    {
        int total = 0;
        for (long k = 0; k * batchSize < count; k++)
        {
            int g = GroupSize(k, batchSize, count);
            if (g < batchSize && drop) break;
            total += RankRows(g, rank, size);
        }
        return total;
    }

    private static IEnumerable<DataBatch> Owned(Dataset source, int batchSize, bool drop, int count, int rank, int size)
    {
        long i = 0;
        foreach (var element in source)
        {
            long k = i / batchSize;
            int m = (int)(i % batchSize), g = GroupSize(k, batchSize, count);
            i++;
            if (g <= 0 || (g < batchSize && drop)) yield break;
            if (g < size) { yield return element; continue; }
            var (s, e) = RowsOf(g, rank, size);
            if (m >= s && m < e) yield return element;
        }
    }

    /// <summary>The rank's elements batched as its parts of the global batches (a batch with fewer rows than ranks marked <see cref="DataBatch.Replicated"/>).</summary>
    private static IEnumerable<DataBatch> RankBatches(Dataset source, int batchSize, bool drop, int count, int rank, int size)
    {
        var pending = new List<DataBatch>(Math.Min(batchSize, 4096));
        DataBatch? first = null;
        long index = 0, k = 0;
        int g = GroupSize(0, batchSize, count), want = RankRows(g, rank, size);
        foreach (var element in source)
        {
            if (first is { } f) CheckLike(f, element, index);
            else { CheckParts(element, index); first = element; }
            index++;
            pending.Add(element);
            if (pending.Count == want)
            {
                yield return Stack(pending) with { Replicated = g < size };
                pending.Clear();
                g = GroupSize(++k, batchSize, count);
                want = RankRows(g, rank, size);
            }
        }
        if (pending.Count > 0 && !drop) yield return Stack(pending) with { Replicated = g < size };
    }
}
