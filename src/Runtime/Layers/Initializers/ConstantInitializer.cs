namespace LayerGen.Layers;

/// <summary>A constant (<c>keras.initializers.Constant</c>).</summary>
[KerasSerializable("constant", Package = "keras.initializers", ClassName = "Constant")]
public sealed partial class ConstantInitializer(double value = 0.0) : Initializer
{
    /// <summary>The value.</summary>
    public double Value { get; } = value;
    /// <inheritdoc/>
    public override Tensor Call(Shape shape, DType dtype = DType.Float32) => Tensor.Full(shape, Value, dtype);
}
