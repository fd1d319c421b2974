namespace LayerGen.Training;

/// <summary>
/// The batches <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c> take from a <see cref="Dataset"/>, epoch by epoch (Keras's
/// <c>EpochIterator</c>). Without a step count an epoch is one pass. With <c>steps</c> an epoch is that many batches
/// from one iterator kept across epochs, started again once a dataset of known size has been read to its end (so a
/// 10-batch dataset with 5 steps per epoch gives two epochs per pass); running out mid-epoch is a
/// <see cref="DatasetExhaustedException"/>. An epoch with no batch is a <see cref="DatasetEmptyException"/>. Dispose
/// it to stop the kept iterator (and a <see cref="Dataset.Prefetch"/> thread behind it).
/// </summary>
internal sealed class EpochFeed : IDisposable
{
    private readonly Dataset _data;
    private readonly int? _steps;
    private readonly int _epochs;
    private readonly string _use;
    private IEnumerator<DataBatch>? _iterator;
    private long _seen;

    public EpochFeed(Dataset data, int? steps, int epochs, string use)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (steps is <= 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, $"{use}: the number of steps must be positive.");
        if (!data.IsBatched)
            throw new ArgumentException($"{use}: the dataset's elements are single samples; call .Batch(batchSize) on it first (Fit, Evaluate and Predict take batches).", nameof(data));
        if (data.Cardinality == Dataset.InfiniteCardinality && steps is null)
            throw new ArgumentException($"{use}: the dataset repeats forever (Repeat() without a count), so an epoch would never end: give the number of steps ({(use == "validation" ? "validationSteps" : use == "Fit" ? "stepsPerEpoch" : "steps")}).", nameof(data));
        _data = data; _steps = steps; _epochs = epochs; _use = use;
    }

    /// <summary>The number of steps per epoch, if known (for the progress bar).</summary>
    public int? Steps => _steps ?? (_data.Cardinality >= 0 ? _data.Cardinality : null);

    /// <summary>The batches of epoch <paramref name="epoch"/>.</summary>
    public IEnumerable<DataBatch> Epoch(int epoch)
    {
        if (_steps is not { } steps)
        {
            int n = 0;
            foreach (var batch in _data)
            {
                n++;
                yield return batch;
            }
            if (n == 0) throw new DatasetEmptyException(_use);
            yield break;
        }
        for (int step = 0; step < steps; step++)
        {
            if (_iterator is null) { _iterator = _data.GetEnumerator(); _seen = 0; }
            bool has = _iterator.MoveNext();
            if (!has && step == 0 && _seen > 0)
            {
                // A pass of unknown size ended exactly at the previous epoch's end: start the next pass.
                _iterator.Dispose();
                _iterator = _data.GetEnumerator();
                _seen = 0;
                has = _iterator.MoveNext();
            }
            if (!has)
            {
                bool empty = _seen == 0;
                _iterator.Dispose();
                _iterator = null;
                if (empty) throw new DatasetEmptyException(_use);
                throw new DatasetExhaustedException(epoch, step, steps, _epochs);
            }
            _seen++;
            yield return _iterator.Current;
        }
        if (_data.Cardinality >= 0 && _seen >= _data.Cardinality)
        {
            _iterator?.Dispose();
            _iterator = null;
        }
    }

    /// <summary>Stops the kept iterator.</summary>
    public void Dispose()
    {
        _iterator?.Dispose();
        _iterator = null;
    }
}
