namespace LayerGen.Tensors;

/// <summary>The static description of a tensor: shape (possibly with unknown dimensions) and dtype.</summary>
public readonly record struct TensorSpec(Shape Shape, DType DType)
{
    /// <inheritdoc/>
    public override string ToString() => $"TensorSpec(shape={Shape}, dtype={DType.Name()})";
}
