using System.Text.Json.Nodes;

namespace LayerGen;

/// <summary>
/// Creates a layer weight's initial value from its shape and dtype, like <c>keras.initializers</c>.
/// Get one from <see cref="Initializers"/>. Random initializers take an optional seed: with a seed
/// the values are reproducible; without one they come from <see cref="RandomGenerator.Global"/>.
/// </summary>
public abstract class Initializer : KerasObject
{
    /// <inheritdoc/>
    public override string Module => "keras.initializers";

    /// <summary>Creates a value of <paramref name="shape"/> and <paramref name="dtype"/>.</summary>
    public abstract Tensor Call(Shape shape, DType dtype = DType.Float32);

    private static readonly Dictionary<string, Func<JsonObject, Initializer>> Factories = new(StringComparer.Ordinal)
    {
        ["Zeros"] = static _ => new ZerosInitializer(),
        ["Ones"] = static _ => new OnesInitializer(),
        ["Constant"] = static c => new ConstantInitializer(Config.ReadDouble(c, "value", "Constant", 0.0)),
        ["RandomNormal"] = static c => new RandomNormalInitializer(Config.ReadDouble(c, "mean", "RandomNormal", 0.0), Config.ReadDouble(c, "stddev", "RandomNormal", 0.05), ReadSeed(c, "RandomNormal")),
        ["RandomUniform"] = static c => new RandomUniformInitializer(Config.ReadDouble(c, "minval", "RandomUniform", -0.05), Config.ReadDouble(c, "maxval", "RandomUniform", 0.05), ReadSeed(c, "RandomUniform")),
        ["TruncatedNormal"] = static c => new TruncatedNormalInitializer(Config.ReadDouble(c, "mean", "TruncatedNormal", 0.0), Config.ReadDouble(c, "stddev", "TruncatedNormal", 0.05), ReadSeed(c, "TruncatedNormal")),
        ["VarianceScaling"] = static c => new VarianceScalingInitializer(
            Config.ReadDouble(c, "scale", "VarianceScaling", 1.0),
            Config.ReadString(c, "mode", "VarianceScaling", "fan_in") ?? "fan_in",
            Config.ReadString(c, "distribution", "VarianceScaling", "truncated_normal") ?? "truncated_normal",
            ReadSeed(c, "VarianceScaling"),
            Config.ReadInt32ArrayOrNull(c, "input_axes", "VarianceScaling"), Config.ReadInt32ArrayOrNull(c, "output_axes", "VarianceScaling")),
        ["GlorotUniform"] = static c => VarianceScalingInitializer.Named("GlorotUniform", c),
        ["GlorotNormal"] = static c => VarianceScalingInitializer.Named("GlorotNormal", c),
        ["HeNormal"] = static c => VarianceScalingInitializer.Named("HeNormal", c),
        ["HeUniform"] = static c => VarianceScalingInitializer.Named("HeUniform", c),
        ["LecunNormal"] = static c => VarianceScalingInitializer.Named("LecunNormal", c),
        ["LecunUniform"] = static c => VarianceScalingInitializer.Named("LecunUniform", c),
        ["OrthogonalInitializer"] = static c => new OrthogonalInitializer(Config.ReadDouble(c, "gain", "OrthogonalInitializer", 1.0), ReadSeed(c, "OrthogonalInitializer")),
        ["IdentityInitializer"] = static c => new IdentityInitializer(Config.ReadDouble(c, "gain", "IdentityInitializer", 1.0)),
    };

    private static string? Alias(string name) => name switch
    {
        "zeros" => "Zeros",
        "ones" => "Ones",
        "constant" => "Constant",
        "random_normal" => "RandomNormal",
        "random_uniform" => "RandomUniform",
        "truncated_normal" => "TruncatedNormal",
        "variance_scaling" => "VarianceScaling",
        "glorot_uniform" => "GlorotUniform",
        "glorot_normal" => "GlorotNormal",
        "he_normal" => "HeNormal",
        "he_uniform" => "HeUniform",
        "lecun_normal" => "LecunNormal",
        "lecun_uniform" => "LecunUniform",
        "orthogonal" or "Orthogonal" => "OrthogonalInitializer",
        "identity" or "Identity" => "IdentityInitializer",
        _ => null,
    };

    /// <summary>Reads Keras's nested form (<c>{"class_name": "GlorotUniform", "config": {...}}</c>) or a name (<c>"glorot_uniform"</c>).</summary>
    public static Initializer Deserialize(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node is JsonObject o && Config.TryGetString(o["class_name"], out var cn) && Alias(cn) is { } canonical && !Factories.ContainsKey(cn))
        {
            var copy = (JsonObject)o.DeepClone();
            copy["class_name"] = canonical;
            node = copy;
        }
        return Deserialize(node, "initializer", Factories, Alias);
    }

    /// <summary>Looks an initializer up by name (<c>"glorot_uniform"</c>, <c>"zeros"</c>, <c>"GlorotUniform"</c>) with default arguments.</summary>
    public static Initializer Get(string name) => Deserialize(JsonValue.Create(name));

    /// <summary>Converts a name to an initializer, as Keras accepts <c>kernel_initializer="zeros"</c>.</summary>
    public static implicit operator Initializer(string name) => Get(name);

    /// <summary>The random stream for a draw: a fresh one from the seed, or the global one.</summary>
    private protected static RandomGenerator Generator(long? seed) => seed is { } s ? new RandomGenerator(s) : RandomGenerator.Global;

    /// <summary>Throws unless the dtype is floating.</summary>
    private protected void ExpectFloating(DType dtype)
    {
        if (!dtype.IsFloating())
            throw new DTypeMismatchException(ClassName, $"initializer can only create floating values, got dtype {dtype.Name()}.");
    }
}

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
    public static Initializer GlorotUniform(long? seed = null) => VarianceScalingInitializer.Create("GlorotUniform", seed);
    /// <summary>Glorot (Xavier) truncated normal.</summary>
    public static Initializer GlorotNormal(long? seed = null) => VarianceScalingInitializer.Create("GlorotNormal", seed);
    /// <summary>He truncated normal (<c>scale 2, fan_in</c>).</summary>
    public static Initializer HeNormal(long? seed = null) => VarianceScalingInitializer.Create("HeNormal", seed);
    /// <summary>He uniform.</summary>
    public static Initializer HeUniform(long? seed = null) => VarianceScalingInitializer.Create("HeUniform", seed);
    /// <summary>LeCun truncated normal (<c>scale 1, fan_in</c>).</summary>
    public static Initializer LecunNormal(long? seed = null) => VarianceScalingInitializer.Create("LecunNormal", seed);
    /// <summary>LeCun uniform.</summary>
    public static Initializer LecunUniform(long? seed = null) => VarianceScalingInitializer.Create("LecunUniform", seed);
    /// <summary>A random orthogonal matrix (reshaped to the weight's shape), times <paramref name="gain"/>.</summary>
    public static Initializer Orthogonal(double gain = 1.0, long? seed = null) => new OrthogonalInitializer(gain, seed);
    /// <summary>The identity matrix times <paramref name="gain"/> (2-D shapes only).</summary>
    public static Initializer Identity(double gain = 1.0) => new IdentityInitializer(gain);
}
