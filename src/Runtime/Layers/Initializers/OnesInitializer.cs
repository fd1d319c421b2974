namespace LayerGen.Layers;

/// <summary>All ones (<c>keras.initializers.Ones</c>).</summary>
[KerasSerializable("ones", Package = "keras.initializers", ClassName = "Ones")]
public sealed partial class OnesInitializer : Initializer
{
    /// <inheritdoc/>
    public override Tensor Call(Shape shape, DType dtype = DType.Float32) => Tensor.Ones(shape, dtype);
}
