namespace LayerGen.Layers;

/// <summary>Identity matrix times a gain (<c>keras.initializers.Identity</c>, class <c>IdentityInitializer</c>).</summary>
[KerasSerializable("identity", "Identity", Package = "keras.initializers")]
public sealed partial class IdentityInitializer(double gain = 1.0) : Initializer
{
    /// <summary>The gain.</summary>
    public double Gain { get; } = gain;
    /// <inheritdoc/>
    public override Tensor Call(Shape shape, DType dtype = DType.Float32)
    {
        if (shape.Rank != 2)
            throw new ShapeMismatchException("IdentityInitializer", $"can only be used for 2D matrices. Received: shape={shape} of rank {shape.Rank}.", shape);
        var values = new double[shape.Size];
        for (int i = 0; i < Math.Min(shape[0], shape[1]); i++) values[i * shape[1] + i] = Gain;
        return Tensor.FromDoubles(values, shape, dtype);
    }
}
