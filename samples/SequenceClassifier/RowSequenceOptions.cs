namespace SequenceClassifier;

/// <summary>Options of the Fashion-MNIST row-sequence classifier.</summary>
public sealed class RowSequenceOptions
{
    /// <summary>Training epochs.</summary>
    public int Epochs { get; set; } = 3;

    /// <summary>How many training images to use (all 60,000 by default; the tests use a few thousand).</summary>
    public int TrainSamples { get; set; } = 60000;

    /// <summary>Where the Fashion-MNIST files are (Debian's dataset-fashion-mnist directory by default).</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Set when the dataset files were not found.</summary>
    public bool DataMissing { get; set; }
}
