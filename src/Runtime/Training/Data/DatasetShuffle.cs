namespace LayerGen.Training;

public sealed partial class Dataset
{
    /// <summary>
    /// Shuffles with a buffer of <paramref name="bufferSize"/> elements, as <c>dataset.shuffle(buffer_size, seed)</c>:
    /// the buffer fills with the first elements, then each output is a random element of the buffer, replaced by the
    /// next input. A buffer as large as the dataset shuffles uniformly; a smaller one mixes elements at most
    /// <paramref name="bufferSize"/> apart and holds that many in memory. Each pass draws a new order
    /// (<paramref name="reshuffleEachIteration"/>), from <paramref name="seed"/> and the pass number, so the same seed
    /// gives the same orders run after run; a null seed takes one from <see cref="RandomGenerator.Global"/> now.
    /// </summary>
    public Dataset Shuffle(int bufferSize, long? seed, bool reshuffleEachIteration = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bufferSize);
        long baseSeed = seed ?? RandomGenerator.Global.NextInt(int.MaxValue);
        var passes = new PassCounter();
        return Derive(() =>
        {
            long pass = reshuffleEachIteration ? passes.Next() : 0;
            return ShuffleBuffer(this, bufferSize, new RandomGenerator(MixSeed(baseSeed, pass)));
        }, Cardinality).Linked(Stage.Shuffle, this, (d, s) => d.Shuffle(bufferSize, s ?? baseSeed, reshuffleEachIteration), seed: baseSeed);
    }

    /// <summary>
    /// Shuffles every element on every pass, reproducibly from <paramref name="seed"/> (a generator seeded once, whose
    /// draws continue from pass to pass). On rows of tensors (<see cref="FromTensors(Tensor, Tensor, Tensor)"/>) this is a permutation of row
    /// indices and holds nothing more; on any other dataset it is a buffer of the whole pass (memory grows with the
    /// dataset: give a buffer size with <see cref="Shuffle(int, long?, bool)"/> for large ones; a dataset repeated
    /// forever is refused). Note for <c>tf.data</c> users: <c>Shuffle(1000)</c> is this overload, a seed, as it was
    /// before the pipeline; <c>Shuffle(1000, seed: 1)</c> or <c>Shuffle(1000, null)</c> gives a buffer of 1000.
    /// </summary>
    public Dataset Shuffle(long seed)
    {
        if (_slices is { } slices) return FromSlices(slices with { Shuffle = new RandomGenerator(seed) }).Linked(Stage.Shuffle, this, (d, s) => d.Shuffle(s ?? seed), seed: seed);
        if (Cardinality == InfiniteCardinality)
            throw new ArgumentException("Shuffle(seed) shuffles a whole pass, and this dataset repeats forever: give a buffer size, Shuffle(bufferSize, seed), or shuffle before Repeat().", nameof(seed));
        var generator = new RandomGenerator(seed);
        return Derive(() => ShuffleBuffer(this, int.MaxValue, generator), Cardinality).Linked(Stage.Shuffle, this, (d, s) => d.Shuffle(s ?? seed), seed: seed);
    }

    private static IEnumerable<DataBatch> ShuffleBuffer(Dataset source, int bufferSize, RandomGenerator random)
    {
        var buffer = new List<DataBatch>(Math.Min(bufferSize, 1 << 12));
        foreach (var element in source)
        {
            if (buffer.Count < bufferSize)
            {
                buffer.Add(element);
                continue;
            }
            int j = random.NextInt(buffer.Count);
            var chosen = buffer[j];
            buffer[j] = element;
            yield return chosen;
        }
        while (buffer.Count > 0)
        {
            int j = random.NextInt(buffer.Count);
            var chosen = buffer[j];
            buffer[j] = buffer[^1];
            buffer.RemoveAt(buffer.Count - 1);
            yield return chosen;
        }
    }

    /// <summary>A seed for pass <paramref name="pass"/> (SplitMix64 of the seed and the pass).</summary>
    private static long MixSeed(long seed, long pass)
    {
        ulong z = unchecked((ulong)seed + 0x9E3779B97F4A7C15UL * (ulong)(pass + 1));
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (long)(z ^ (z >> 31));
    }

    /// <summary>Numbers the passes of a dataset (thread-safe).</summary>
    private sealed class PassCounter
    {
        private long _next;
        public long Next() => Interlocked.Increment(ref _next) - 1;
    }
}
