namespace LayerGen.Training;

/// <summary>
/// <c>Fit</c> with <c>stepsPerEpoch</c> needed more batches than the dataset had (Keras's "Your input ran out of
/// data" warning, an error here so the run does not end silently short). Repeat the dataset
/// (<see cref="Dataset.Repeat"/>) or lower <c>stepsPerEpoch</c>.
/// </summary>
public sealed class DatasetExhaustedException : LayerGenException
{
    /// <summary>Creates the exception for epoch <paramref name="epoch"/>, which had run <paramref name="step"/> of <paramref name="stepsPerEpoch"/> steps.</summary>
    public DatasetExhaustedException(int epoch, int step, int stepsPerEpoch, int epochs)
        : base("Your input ran out of data; interrupting training. Make sure that your dataset or generator can generate at least "
            + $"`steps_per_epoch * epochs` batches (here {stepsPerEpoch} * {epochs}). You may need to use the `.repeat()` function when building your dataset "
            + $"(Dataset.Repeat()). It ran out in epoch {epoch + 1}, after step {step} of {stepsPerEpoch}.")
    {
        Epoch = epoch; Step = step;
    }

    /// <summary>The epoch (0-based) that ran out.</summary>
    public int Epoch { get; }

    /// <summary>The steps that epoch had run.</summary>
    public int Step { get; }
}
