namespace LayerGen.Training;

public sealed partial class Dataset
{
    /// <summary>
    /// Keeps the elements of the first complete pass in memory and replays them on later passes, as
    /// <c>dataset.cache()</c>: what comes before (reading files, mapping) runs once. Memory grows with the dataset; put
    /// <see cref="Shuffle(int, long?, bool)"/> after it so each pass still gets a new order. A pass abandoned before its
    /// end caches nothing (the next pass reads again).
    /// </summary>
    public Dataset Cache()
    {
        var cache = new CacheCell();
        return Derive(() => Cached(this, cache), Cardinality).Linked(Stage.Other, this, (d, _) => d.Cache());
    }

    private static IEnumerable<DataBatch> Cached(Dataset source, CacheCell cache)
    {
        if (Volatile.Read(ref cache.Elements) is { } done)
        {
            foreach (var element in done) yield return element;
            yield break;
        }
        var filling = new List<DataBatch>();
        foreach (var element in source)
        {
            filling.Add(element);
            yield return element;
        }
        Interlocked.CompareExchange(ref cache.Elements, filling, null);
    }

    private sealed class CacheCell
    {
        public List<DataBatch>? Elements;
    }
}
