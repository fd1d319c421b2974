using System.Collections;

namespace LayerGen.Training;

/// <summary>One batch of a <see cref="Dataset"/>: inputs, targets (null for prediction) and per-sample weights (null: none).</summary>
public readonly record struct DataBatch(Tensor X, Tensor? Y, Tensor? SampleWeight);

/// <summary>
/// A small in-memory dataset of batches, in the spirit of <c>tf.data</c>:
/// <code>
/// var ds = Dataset.FromTensors(x, y).Shuffle(seed: 1).Batch(32);
/// model.Fit(ds, epochs: 10);
/// </code>
/// Samples are rows along the first axis. Shuffling reorders the samples again on every pass (each epoch),
/// from a generator seeded once, so a run is reproducible.
/// </summary>
public sealed class Dataset : IEnumerable<DataBatch>
{
    private readonly Tensor _x;
    private readonly Tensor? _y, _w;
    private readonly RandomGenerator? _shuffle;
    private readonly int _batchSize;
    private readonly bool _dropRemainder;

    private Dataset(Tensor x, Tensor? y, Tensor? w, RandomGenerator? shuffle, int batchSize, bool dropRemainder)
    {
        _x = x; _y = y; _w = w; _shuffle = shuffle; _batchSize = batchSize; _dropRemainder = dropRemainder;
    }

    /// <summary>A dataset of the rows of <paramref name="x"/> (and of <paramref name="y"/>, <paramref name="sampleWeight"/>, which must have as many rows).</summary>
    public static Dataset FromTensors(Tensor x, Tensor? y = null, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank == 0) throw new ArgumentException("Dataset: x must have a first (sample) axis.", nameof(x));
        int n = x.Shape[0];
        if (y is not null && (y.Rank == 0 || y.Shape[0] != n))
            throw new ArgumentException($"Dataset: x has {n} samples but y has shape {y.Shape}.", nameof(y));
        if (sampleWeight is not null && (sampleWeight.Rank == 0 || sampleWeight.Shape[0] != n))
            throw new ArgumentException($"Dataset: x has {n} samples but sample_weight has shape {sampleWeight.Shape}.", nameof(sampleWeight));
        return new Dataset(x, y, sampleWeight, null, n, false);
    }

    /// <summary>Shuffles the samples on every pass (each epoch), reproducibly from <paramref name="seed"/>.</summary>
    public Dataset Shuffle(long seed) => new(_x, _y, _w, new RandomGenerator(seed), _batchSize, _dropRemainder);

    /// <summary>Groups samples into batches of <paramref name="batchSize"/> (the last one smaller unless <paramref name="dropRemainder"/>).</summary>
    public Dataset Batch(int batchSize, bool dropRemainder = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        return new(_x, _y, _w, _shuffle, batchSize, dropRemainder);
    }

    /// <summary>The number of samples.</summary>
    public int Count => _x.Shape[0];

    /// <summary>The batch size (the whole dataset until <see cref="Batch"/>).</summary>
    public int BatchSize => _batchSize;

    /// <summary>The number of batches per pass.</summary>
    public int Cardinality => _dropRemainder ? Count / _batchSize : (Count + _batchSize - 1) / _batchSize;

    /// <summary>The inputs.</summary>
    public Tensor X => _x;

    /// <summary>The targets, if any.</summary>
    public Tensor? Y => _y;

    /// <summary>The per-sample weights, if any.</summary>
    public Tensor? SampleWeight => _w;

    /// <summary>Enumerates one pass of batches (a new order each pass when shuffled).</summary>
    public IEnumerator<DataBatch> GetEnumerator()
    {
        int n = Count;
        int[]? order = _shuffle?.Permutation(n);
        Tensor? orderTensor = order is null ? null : Tensor.From(order);
        Tensor Rows(Tensor t, int start, int end)
        {
            if (orderTensor is null) return start == 0 && end == t.Shape[0] ? t : t[start..end];
            return Ops.Gather(t, orderTensor[start..end]);
        }
        for (int start = 0; start < n; start += _batchSize)
        {
            int end = Math.Min(n, start + _batchSize);
            if (_dropRemainder && end - start < _batchSize) yield break;
            yield return new DataBatch(Rows(_x, start, end), _y is null ? null : Rows(_y, start, end), _w is null ? null : Rows(_w, start, end));
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A tensor from a .NET array (<c>float</c>, <c>double</c>, <c>int</c>, <c>long</c>, <c>bool</c>; 1 to 4 dimensions).</summary>
    public static Tensor ToTensor(Array values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values switch
        {
            float[] a => Tensor.From(a), float[,] a => Tensor.From(a), float[,,] a => Tensor.From(a), float[,,,] a => Tensor.From(a),
            double[] a => Tensor.From(a), double[,] a => Tensor.From(a), double[,,] a => Tensor.From(a), double[,,,] a => Tensor.From(a),
            int[] a => Tensor.From(a), int[,] a => Tensor.From(a), int[,,] a => Tensor.From(a),
            long[] a => Tensor.From(a), long[,] a => Tensor.From(a),
            bool[] a => Tensor.From(a), bool[,] a => Tensor.From(a),
            _ => throw new ArgumentException($"Cannot make a tensor of a {values.GetType().Name}: use float, double, int, long or bool arrays of rank 1 to 4.", nameof(values)),
        };
    }
}
