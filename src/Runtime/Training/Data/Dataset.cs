using System.Collections;

namespace LayerGen.Training;

/// <summary>
/// A streaming input pipeline, as Keras users get from <c>tf.data</c>: a source (tensors, .NET arrays, a generator,
/// or files read lazily: IDX, <c>.npy</c>, CSV), then transformations applied in order, each pass (epoch) reading the
/// source again:
/// <code>
/// var train = Dataset.FromIdx(images, labels)            // one (28, 28) image and its label per element, read lazily
///     .Map(e =&gt; e with { X = Ops.Reshape(e.X, [784]) }, numParallelCalls: 4)
///     .Shuffle(bufferSize: 10_000, seed: 1)            // a bounded buffer, reshuffled every epoch
///     .Batch(128)
///     .Prefetch(2);                                    // batches prepared on a background thread
/// model.Fit(train, epochs: 10);
/// </code>
/// Elements are <see cref="DataBatch"/> values (x, y, sample weight): single samples until <see cref="Batch"/>,
/// batches after it. Memory is bounded by the buffers (shuffle buffer, map window, prefetch queue, one batch), not by
/// the dataset, except where a transformation says otherwise (<see cref="Cache"/>, <see cref="Shuffle(long)"/> of a
/// source that is not in memory). Datasets are immutable: each transformation returns a new one, and one dataset can
/// be enumerated again (a new pass) or by several loops at once.
/// </summary>
public sealed partial class Dataset : IEnumerable<DataBatch>
{
    /// <summary>The <see cref="Cardinality"/> of a dataset that never ends (<see cref="Repeat"/> without a count), as <c>tf.data.INFINITE_CARDINALITY</c>.</summary>
    public const int InfiniteCardinality = -1;

    /// <summary>The <see cref="Cardinality"/> when it is not known without a pass (a generator, a CSV file), as <c>tf.data.UNKNOWN_CARDINALITY</c>.</summary>
    public const int UnknownCardinality = -2;

    /// <summary>For <see cref="Map"/>'s and <see cref="Prefetch"/>'s sizes: let the dataset choose (the processor count; 2 batches), as <c>tf.data.AUTOTUNE</c>.</summary>
    public const int Autotune = -1;

    private readonly Func<IEnumerable<DataBatch>> _iterate;

    /// <summary>For a dataset of tensor rows (possibly shuffled): the tensors, so <see cref="Batch"/> slices them without stacking rows.</summary>
    private readonly TensorSlices? _slices;

    private Dataset(Func<IEnumerable<DataBatch>> iterate, int cardinality, bool isBatched, TensorSlices? slices = null)
    {
        _iterate = iterate;
        Cardinality = cardinality;
        IsBatched = isBatched;
        _slices = slices;
    }

    /// <summary>
    /// The number of elements per pass (batches after <see cref="Batch"/>), or <see cref="InfiniteCardinality"/>, or
    /// <see cref="UnknownCardinality"/> (as <c>dataset.cardinality()</c>).
    /// </summary>
    public int Cardinality { get; }

    /// <summary>Whether elements are batches (after <see cref="Batch"/>); <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c> need batches.</summary>
    public bool IsBatched { get; }

    /// <summary>Enumerates one pass (a new shuffle order each pass when shuffled). Dispose the enumerator to stop background work early.</summary>
    public IEnumerator<DataBatch> GetEnumerator() => _iterate().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A new dataset over this one's elements, for transformations that keep the sample/batch nature.</summary>
    private Dataset Derive(Func<IEnumerable<DataBatch>> iterate, int cardinality) => new(iterate, cardinality, IsBatched);

    // ------------------------------------------------------------------ sources

    /// <summary>
    /// A dataset of the rows of <paramref name="x"/> (and of <paramref name="y"/>, <paramref name="sampleWeight"/>, which
    /// must have as many rows), as <c>tf.data.Dataset.from_tensor_slices((x, y, sample_weight))</c>: each element is one
    /// row of each. <see cref="Shuffle(long)"/> then <see cref="Batch"/> slice the tensors directly (no per-row work).
    /// </summary>
    public static Dataset FromTensors(Tensor x, Tensor? y = null, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank == 0) throw new ArgumentException("Dataset: x must have a first (sample) axis.", nameof(x));
        int n = x.Shape[0];
        if (y is not null && (y.Rank == 0 || y.Shape[0] != n))
            throw new ArgumentException($"Dataset: x has {n} samples but y has shape {y.Shape}.", nameof(y));
        if (sampleWeight is not null && (sampleWeight.Rank == 0 || sampleWeight.Shape[0] != n))
            throw new ArgumentException($"Dataset: x has {n} samples but sample_weight has shape {sampleWeight.Shape}.", nameof(sampleWeight));
        return FromSlices(new TensorSlices(x, y, sampleWeight, null));
    }

    private static Dataset FromSlices(TensorSlices slices) => new(slices.Rows, slices.Count, false, slices);

    /// <summary>This dataset of tensor rows with reused batch tensors for x (<c>Fit</c>'s own dataset; see <see cref="BatchBuffers"/>).</summary>
    internal Dataset WithBatchBuffers(BatchBuffers buffers)
        => _slices is { } slices ? FromSlices(slices with { Buffers = buffers }) : this;

    /// <summary>A dataset of the rows of .NET arrays (converted with <see cref="ToTensor"/>); see <see cref="FromTensors(Tensor, Tensor, Tensor)"/>.</summary>
    public static Dataset FromArrays(Array x, Array? y = null, Array? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        return FromTensors(ToTensor(x), y is null ? null : ToTensor(y), sampleWeight is null ? null : ToTensor(sampleWeight));
    }

    /// <summary>
    /// A dataset whose elements <paramref name="generator"/> yields, called once per pass (as
    /// <c>tf.data.Dataset.from_generator</c>): nothing is produced before it is asked for. Say whether the elements
    /// are already batches with <paramref name="batched"/>; give <paramref name="cardinality"/> when it is known.
    /// </summary>
    public static Dataset FromGenerator(Func<IEnumerable<DataBatch>> generator, int cardinality = UnknownCardinality, bool batched = false)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (cardinality < UnknownCardinality) throw new ArgumentOutOfRangeException(nameof(cardinality), cardinality, "a count, InfiniteCardinality or UnknownCardinality.");
        return new Dataset(generator, cardinality, batched);
    }

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
