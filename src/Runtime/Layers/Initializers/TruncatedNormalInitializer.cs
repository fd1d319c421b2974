namespace LayerGen.Layers;

/// <summary>Truncated normal values (<c>keras.initializers.TruncatedNormal</c>).</summary>
[KerasSerializable("truncated_normal", Package = "keras.initializers", ClassName = "TruncatedNormal")]
public sealed partial class TruncatedNormalInitializer(double mean = 0.0, double stddev = 0.05, long? seed = null) : Initializer
{
    /// <summary>The mean.</summary>
    public double Mean { get; } = mean;
    /// <summary>The standard deviation before truncation.</summary>
    public double Stddev { get; } = stddev;
    /// <summary>The seed, or null for the global stream.</summary>
    public long? Seed { get; } = seed;
    /// <inheritdoc/>
    public override Tensor Call(Shape shape, DType dtype = DType.Float32) { ExpectFloating(dtype); return Generator(Seed).TruncatedNormal(shape, Mean, Stddev, dtype); }
}
