namespace LayerGen.Layers;

/// <summary>Normal values (<c>keras.initializers.RandomNormal</c>).</summary>
[KerasSerializable("random_normal", Package = "keras.initializers", ClassName = "RandomNormal")]
public sealed partial class RandomNormalInitializer(double mean = 0.0, double stddev = 0.05, long? seed = null) : Initializer
{
    /// <summary>The mean.</summary>
    public double Mean { get; } = mean;
    /// <summary>The standard deviation.</summary>
    public double Stddev { get; } = stddev;
    /// <summary>The seed, or null for the global stream.</summary>
    public long? Seed { get; } = seed;
    /// <inheritdoc/>
    public override Tensor Call(Shape shape, DType dtype = DType.Float32) { ExpectFloating(dtype); return Generator(Seed).Normal(shape, Mean, Stddev, dtype); }
}
