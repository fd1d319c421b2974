namespace LayerGen.Training;

/// <summary>
/// An element of a <see cref="Dataset"/> does not fit the others: a shape, a dtype or a part (x, y, sample weight)
/// differs from the pass's first element where they are batched together. The message names the element's index in
/// the pass and both shapes.
/// </summary>
public sealed class DatasetShapeException : LayerGenException
{
    /// <summary>Creates the exception.</summary>
    public DatasetShapeException(long elementIndex, string part, string message, Shape? expected = null, Shape? actual = null)
        : base($"Dataset.Batch: {message}")
    {
        ElementIndex = elementIndex; Part = part; ExpectedShape = expected; ActualShape = actual;
    }

    /// <summary>The index of the element in its pass (counted at the input of <see cref="Dataset.Batch"/>).</summary>
    public long ElementIndex { get; }

    /// <summary>Which part differs: <c>x</c>, <c>y</c> or <c>sample_weight</c>.</summary>
    public string Part { get; }

    /// <summary>The first element's shape, when shapes differ.</summary>
    public Shape? ExpectedShape { get; }

    /// <summary>The offending element's shape, when shapes differ.</summary>
    public Shape? ActualShape { get; }
}
