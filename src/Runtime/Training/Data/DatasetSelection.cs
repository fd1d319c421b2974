namespace LayerGen.Training;

public sealed partial class Dataset
{
    /// <summary>The first <paramref name="count"/> elements of each pass, as <c>dataset.take</c>.</summary>
    public Dataset Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int cardinality = Cardinality == InfiniteCardinality ? count : Cardinality < 0 ? Cardinality : Math.Min(count, Cardinality);
        return Derive(() => Taken(this, count), cardinality).Linked(Stage.Other, this, (d, _) => d.Take(count));
    }

    private static IEnumerable<DataBatch> Taken(Dataset source, int count)
    {
        if (count == 0) yield break;
        int taken = 0;
        foreach (var element in source)
        {
            yield return element;
            if (++taken == count) yield break;
        }
    }

    /// <summary>Each pass without its first <paramref name="count"/> elements, as <c>dataset.skip</c> (they are still read).</summary>
    public Dataset Skip(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int cardinality = Cardinality < 0 ? Cardinality : Math.Max(0, Cardinality - count);
        return Derive(() => Skipped(this, count), cardinality).Linked(Stage.Other, this, (d, _) => d.Skip(count));
    }

    private static IEnumerable<DataBatch> Skipped(Dataset source, int count)
    {
        int seen = 0;
        foreach (var element in source)
            if (seen++ >= count) yield return element;
    }

    /// <summary>
    /// Every <paramref name="numShards"/>-th element starting at <paramref name="index"/>, as <c>dataset.shard</c>: the
    /// shards of one dataset are disjoint and cover it. Shard before shuffling and mapping (the other shards' elements are
    /// still read, but nothing else is done to them), with the same seed on every shard. For data-parallel training see
    /// docs/datasets.md: <c>Fit</c> with a distribution already splits each global batch by rank.
    /// </summary>
    public Dataset Shard(int numShards, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numShards);
        if (index < 0 || index >= numShards)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Shard: index must be in [0, {numShards}).");
        int cardinality = Cardinality < 0 ? Cardinality : Cardinality / numShards + (index < Cardinality % numShards ? 1 : 0);
        return Derive(() => Sharded(this, numShards, index), cardinality).Linked(Stage.Shard, this, (d, _) => d.Shard(numShards, index));
    }

    private static IEnumerable<DataBatch> Sharded(Dataset source, int numShards, int index)
    {
        long i = 0;
        foreach (var element in source)
            if (i++ % numShards == index) yield return element;
    }
}
