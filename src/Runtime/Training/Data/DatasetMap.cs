namespace LayerGen.Training;

public sealed partial class Dataset
{
    /// <summary>
    /// Applies <paramref name="function"/> to every element, as <c>dataset.map</c>. With
    /// <paramref name="numParallelCalls"/> above 1 (or <see cref="Autotune"/>: the processor count) up to that many
    /// elements are mapped at once on thread-pool threads; the output keeps the input order, so a pipeline gives the same
    /// elements whatever the parallelism (a function that draws random numbers should take its generator from its
    /// element, not share one). When the function throws, no further element is started, the calls under way finish,
    /// and a <see cref="DatasetMapException"/> carrying the element's index and the original exception is thrown to the
    /// consumer (through <c>Fit</c> and <see cref="Prefetch"/>).
    /// </summary>
    public Dataset Map(Func<DataBatch, DataBatch> function, int numParallelCalls = 1)
    {
        ArgumentNullException.ThrowIfNull(function);
        if (numParallelCalls == Autotune) numParallelCalls = Environment.ProcessorCount;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numParallelCalls);
        int parallel = numParallelCalls;
        return Derive(() => parallel == 1 ? MapSequential(this, function) : MapParallel(this, function, parallel), Cardinality)
            .Linked(Stage.Map, this, (d, _) => d.Map(function, parallel));
    }

    private static IEnumerable<DataBatch> MapSequential(Dataset source, Func<DataBatch, DataBatch> function)
    {
        long index = 0;
        foreach (var element in source) yield return Apply(function, element, index++);
    }

    private static DataBatch Apply(Func<DataBatch, DataBatch> function, DataBatch element, long index)
    {
        try { return function(element); }
        catch (Exception e) when (e is not OperationCanceledException) { throw new DatasetMapException(index, e); }
    }

    private static IEnumerable<DataBatch> MapParallel(Dataset source, Func<DataBatch, DataBatch> function, int parallel)
    {
        var pending = new Queue<Task<DataBatch>>(parallel);
        long next = 0;
        using var input = source.GetEnumerator();
        try
        {
            while (true)
            {
                while (pending.Count < parallel && input.MoveNext())
                {
                    var element = input.Current;
                    long index = next++;
                    pending.Enqueue(Task.Run(() => Apply(function, element, index)));
                }
                if (pending.Count == 0) yield break;
                yield return pending.Dequeue().GetAwaiter().GetResult();
            }
        }
        finally
        {
            // Whether the pass ended, failed or was abandoned: the calls under way finish before the pass returns,
            // so no map function runs once the consumer has seen the end or the error.
            foreach (var task in pending)
            {
                try { task.Wait(); }
                catch (AggregateException) { /* the first failure is the one reported */ }
            }
        }
    }
}
