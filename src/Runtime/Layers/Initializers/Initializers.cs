namespace LayerGen.Layers;

/// <summary>Factories for the built-in initializers, with Keras 3's defaults.</summary>
public static class Initializers
{
    /// <summary>All zeros.</summary>
    public static Initializer Zeros() => new ZerosInitializer();
    /// <summary>All ones.</summary>
    public static Initializer Ones() => new OnesInitializer();
    /// <summary>A constant value.</summary>
    public static Initializer Constant(double value = 0.0) => new ConstantInitializer(value);
    /// <summary>Normal values (Keras default mean 0, stddev 0.05).</summary>
    public static Initializer RandomNormal(double mean = 0.0, double stddev = 0.05, long? seed = null) => new RandomNormalInitializer(mean, stddev, seed);
    /// <summary>Uniform values (Keras default -0.05..0.05).</summary>
    public static Initializer RandomUniform(double minval = -0.05, double maxval = 0.05, long? seed = null) => new RandomUniformInitializer(minval, maxval, seed);
    /// <summary>Normal values redrawn beyond two standard deviations (Keras default stddev 0.05).</summary>
    public static Initializer TruncatedNormal(double mean = 0.0, double stddev = 0.05, long? seed = null) => new TruncatedNormalInitializer(mean, stddev, seed);
    /// <summary>Variance scaling: <paramref name="mode"/> <c>fan_in</c>, <c>fan_out</c> or <c>fan_avg</c>; <paramref name="distribution"/> <c>truncated_normal</c>, <c>untruncated_normal</c> or <c>uniform</c>.</summary>
    public static Initializer VarianceScaling(double scale = 1.0, string mode = "fan_in", string distribution = "truncated_normal", long? seed = null)
        => new VarianceScalingInitializer(scale, mode, distribution, seed);
    /// <summary>Glorot (Xavier) uniform: <c>limit = sqrt(6 / (fan_in + fan_out))</c>. Dense's default kernel initializer.</summary>
    public static Initializer GlorotUniform(long? seed = null) => new GlorotUniformInitializer(seed);
    /// <summary>Glorot (Xavier) truncated normal.</summary>
    public static Initializer GlorotNormal(long? seed = null) => new GlorotNormalInitializer(seed);
    /// <summary>He truncated normal (<c>scale 2, fan_in</c>).</summary>
    public static Initializer HeNormal(long? seed = null) => new HeNormalInitializer(seed);
    /// <summary>He uniform.</summary>
    public static Initializer HeUniform(long? seed = null) => new HeUniformInitializer(seed);
    /// <summary>LeCun truncated normal (<c>scale 1, fan_in</c>).</summary>
    public static Initializer LecunNormal(long? seed = null) => new LecunNormalInitializer(seed);
    /// <summary>LeCun uniform.</summary>
    public static Initializer LecunUniform(long? seed = null) => new LecunUniformInitializer(seed);
    /// <summary>A random orthogonal matrix (reshaped to the weight's shape), times <paramref name="gain"/>.</summary>
    public static Initializer Orthogonal(double gain = 1.0, long? seed = null) => new OrthogonalInitializer(gain, seed);
    /// <summary>The identity matrix times <paramref name="gain"/> (2-D shapes only).</summary>
    public static Initializer Identity(double gain = 1.0) => new IdentityInitializer(gain);
}
