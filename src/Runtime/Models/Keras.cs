namespace LayerGen.Models;

/// <summary>
/// Keras-level entry points: <see cref="Input"/> for functional models and <see cref="ClearSession"/>
/// to reset the per-thread naming state (as <c>keras.backend.clear_session()</c> does).
/// </summary>
public static class Keras
{
    /// <summary>
    /// A symbolic input for a functional model: <paramref name="shape"/> without the batch dimension
    /// (unknown unless <paramref name="batchSize"/> is given). An <see cref="LayerGen.Layers.InputLayer"/> records it.
    /// </summary>
    public static Tensor Input(Shape shape, int? batchSize = null, DType dtype = DType.Float32, string? name = null)
    {
        var dims = new int[shape.Rank + 1];
        dims[0] = batchSize ?? Shape.Unknown;
        shape.Dims.CopyTo(dims.AsSpan(1));
        var layer = name is null
            ? new Layers.InputLayer(batchShape: new Shape(dims), dtype: dtype)
            : new Layers.InputLayer(batchShape: new Shape(dims), dtype: dtype) { Name = name };
        return layer.Output;
    }

    /// <summary>A symbolic input with a full batch shape (the batch dimension included, -1 for unknown).</summary>
    public static Tensor InputWithBatchShape(Shape batchShape, DType dtype = DType.Float32, string? name = null)
    {
        var layer = name is null
            ? new Layers.InputLayer(batchShape: batchShape, dtype: dtype)
            : new Layers.InputLayer(batchShape: batchShape, dtype: dtype) { Name = name };
        return layer.Output;
    }

    /// <summary>Resets the default-name counters of this thread: the next <c>Dense</c> is <c>dense</c> again.</summary>
    public static void ClearSession() => NameSession.Clear();
}
