namespace LayerGen.Layers;

/// <summary>All zeros (<c>keras.initializers.Zeros</c>).</summary>
[KerasSerializable("zeros", Package = "keras.initializers", ClassName = "Zeros")]
public sealed partial class ZerosInitializer : Initializer
{
    /// <inheritdoc/>
    public override Tensor Call(Shape shape, DType dtype = DType.Float32) => Tensor.Zeros(shape, dtype);
}
