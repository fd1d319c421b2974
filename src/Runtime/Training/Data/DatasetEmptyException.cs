namespace LayerGen.Training;

/// <summary><c>Fit</c>, <c>Evaluate</c> or <c>Predict</c> was given a dataset that produced no batch in a pass.</summary>
public sealed class DatasetEmptyException : LayerGenException
{
    /// <summary>Creates the exception; <paramref name="what"/> names the use (<c>"Fit"</c>, <c>"validation"</c>...).</summary>
    public DatasetEmptyException(string what)
        : base($"{what}: the dataset produced no batches (it is empty, or Take/Skip/Shard/Batch(dropRemainder: true) left nothing). Check its source and transformations.")
    { }
}
