namespace LayerGen.Training;

/// <summary>
/// The function given to <see cref="Dataset.Map"/> threw. <see cref="ElementIndex"/> is the index of the element it
/// was mapping (in its pass, counted at the input of that <c>Map</c>); the original exception is the
/// <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class DatasetMapException : LayerGenException
{
    /// <summary>Creates the exception.</summary>
    public DatasetMapException(long elementIndex, Exception inner)
        : base($"Dataset.Map: the map function threw on element {elementIndex}: {inner?.GetType().Name}: {inner?.Message}", inner!)
    {
        ElementIndex = elementIndex;
    }

    /// <summary>The index of the element the function failed on.</summary>
    public long ElementIndex { get; }
}
