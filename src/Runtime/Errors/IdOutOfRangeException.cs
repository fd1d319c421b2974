namespace LayerGen;

/// <summary>
/// A lookup layer (Embedding) was given an id outside <c>[0, InputDim)</c>. The message names the layer, the
/// first bad id and its position, e.g. <c>Embedding layer "embedding": id 12 at position (1, 3) is out of range [0, 10).</c>
/// </summary>
public class IdOutOfRangeException : LayerGenException
{
    /// <summary>Creates the exception.</summary>
    public IdOutOfRangeException(string layer, long id, IReadOnlyList<int> position, long inputDim)
        : base($"Embedding layer \"{layer}\": id {id} at position ({string.Join(", ", position)}) is out of range [0, {inputDim}).")
    {
        Layer = layer;
        Id = id;
        Position = position;
        InputDim = inputDim;
    }

    /// <summary>The layer's name.</summary>
    public string Layer { get; }
    /// <summary>The first id out of range (in row-major order).</summary>
    public long Id { get; }
    /// <summary>Its index in the ids tensor.</summary>
    public IReadOnlyList<int> Position { get; }
    /// <summary>The number of rows of the table.</summary>
    public long InputDim { get; }
}
