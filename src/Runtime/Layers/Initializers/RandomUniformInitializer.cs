namespace LayerGen.Layers;

/// <summary>Uniform values (<c>keras.initializers.RandomUniform</c>).</summary>
[KerasSerializable("random_uniform", Package = "keras.initializers", ClassName = "RandomUniform")]
public sealed partial class RandomUniformInitializer(double minval = -0.05, double maxval = 0.05, long? seed = null) : Initializer
{
    /// <summary>The lower bound.</summary>
    public double Minval { get; } = minval;
    /// <summary>The upper bound.</summary>
    public double Maxval { get; } = maxval;
    /// <summary>The seed, or null for the global stream.</summary>
    public long? Seed { get; } = seed;
    /// <inheritdoc/>
    public override Tensor Call(Shape shape, DType dtype = DType.Float32) { ExpectFloating(dtype); return Generator(Seed).Uniform(shape, Minval, Maxval, dtype); }
}
