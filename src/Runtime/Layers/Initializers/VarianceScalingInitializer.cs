using System.Text.Json.Nodes;

namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>VarianceScaling</c>, the base of the Glorot, He and LeCun initializers. The variance
/// <c>scale / n</c> uses <c>n</c> = fan_in, fan_out or their mean, computed as Keras does
/// (<c>compute_fans</c>: receptive field times the last two dimensions).
/// </summary>
[KerasSerializable("variance_scaling", Package = "keras.initializers", ClassName = "VarianceScaling")]
public partial class VarianceScalingInitializer : Initializer
{
    /// <summary>The constant that makes a normal truncated at two standard deviations have unit variance.</summary>
    public const double TruncatedNormalStddevCorrection = 0.87962566103423978;

    /// <summary>Whether scale, mode and distribution are fixed by the subclass (Glorot, He, LeCun), so its config leaves them out.</summary>
    private readonly bool _fixedArguments;

    /// <summary>Creates a <c>VarianceScaling</c> initializer.</summary>
    public VarianceScalingInitializer(double scale = 1.0, string mode = "fan_in", string distribution = "truncated_normal", long? seed = null, int[]? inputAxes = null, int[]? outputAxes = null)
        : this(scale, mode, distribution, seed, inputAxes, outputAxes, fixedArguments: false) { }

    /// <summary>Creates a variance-scaling initializer whose scale, mode and distribution a subclass fixes.</summary>
    private protected VarianceScalingInitializer(double scale, string mode, string distribution, long? seed, int[]? inputAxes, int[]? outputAxes, bool fixedArguments)
    {
        if (scale <= 0) throw new ArgumentOutOfRangeException(nameof(scale), $"Argument `scale` must be positive float. Received: scale={scale}");
        if (mode is not ("fan_in" or "fan_out" or "fan_avg"))
            throw new ArgumentException($"Invalid `mode` argument: expected one of {{\"fan_in\", \"fan_out\", \"fan_avg\"}}. Received: mode={mode}", nameof(mode));
        if (distribution == "normal") distribution = "truncated_normal";
        if (distribution is not ("uniform" or "truncated_normal" or "untruncated_normal"))
            throw new ArgumentException($"Invalid `distribution` argument: expected one of {{\"uniform\", \"truncated_normal\", \"untruncated_normal\"}}. Received: distribution={distribution}", nameof(distribution));
        _fixedArguments = fixedArguments;
        Scale = scale;
        Mode = mode;
        Distribution = distribution;
        Seed = seed;
        InputAxes = inputAxes;
        OutputAxes = outputAxes;
    }

    /// <summary>The scale.</summary>
    public double Scale { get; }
    /// <summary><c>fan_in</c>, <c>fan_out</c> or <c>fan_avg</c>.</summary>
    public string Mode { get; }
    /// <summary><c>truncated_normal</c>, <c>untruncated_normal</c> or <c>uniform</c>.</summary>
    public string Distribution { get; }
    /// <summary>The seed, or null for the global stream.</summary>
    public long? Seed { get; }
    /// <summary>Axes counted into fan_in instead of Keras's default (all but the last), or null.</summary>
    public int[]? InputAxes { get; }
    /// <summary>Axes counted into fan_out instead of Keras's default (the last), or null.</summary>
    public int[]? OutputAxes { get; }

    /// <summary>Keras's <c>compute_fans</c>: (fan_in, fan_out) of a weight shape.</summary>
    public static (int FanIn, int FanOut) ComputeFans(Shape shape, int[]? inputAxes = null, int[]? outputAxes = null)
    {
        if (inputAxes is not null || outputAxes is not null)
        {
            int rank = shape.Rank;
            var outAxes = outputAxes ?? [rank - 1];
            var inAxes = inputAxes ?? Enumerable.Range(0, rank).Where(a => !outAxes.Any(o => shape.NormalizeAxis(o) == a)).ToArray();
            long fi = 1, fo = 1;
            foreach (var a in inAxes) fi *= shape[a];
            foreach (var a in outAxes) fo *= shape[a];
            return ((int)fi, (int)fo);
        }
        if (shape.Rank < 1) return (1, 1);
        if (shape.Rank == 1) return (shape[0], shape[0]);
        if (shape.Rank == 2) return (shape[0], shape[1]);
        long receptive = 1;
        for (int i = 0; i < shape.Rank - 2; i++) receptive *= shape[i];
        return ((int)(shape[-2] * receptive), (int)(shape[-1] * receptive));
    }

    /// <inheritdoc/>
    public override Tensor Call(Shape shape, DType dtype = DType.Float32)
    {
        ExpectFloating(dtype);
        var (fanIn, fanOut) = ComputeFans(shape, InputAxes, OutputAxes);
        double scale = Scale;
        scale /= Mode switch
        {
            "fan_in" => Math.Max(1.0, fanIn),
            "fan_out" => Math.Max(1.0, fanOut),
            _ => Math.Max(1.0, (fanIn + fanOut) / 2.0),
        };
        var generator = Generator(Seed);
        switch (Distribution)
        {
            case "truncated_normal":
                return generator.TruncatedNormal(shape, 0, Math.Sqrt(scale) / TruncatedNormalStddevCorrection, dtype);
            case "untruncated_normal":
                return generator.Normal(shape, 0, Math.Sqrt(scale), dtype);
            default:
                double limit = Math.Sqrt(3.0 * scale);
                return generator.Uniform(shape, -limit, limit, dtype);
        }
    }

    /// <summary>
    /// This initializer with fans counted over <paramref name="inputAxes"/> and <paramref name="outputAxes"/> (the same class,
    /// arguments and seed; Keras's <c>EinsumDense._update_kernel_initializer</c>), or itself when both are already set.
    /// </summary>
    internal VarianceScalingInitializer WithAxes(int[] inputAxes, int[] outputAxes)
    {
        if (InputAxes is not null && OutputAxes is not null) return this;
        var serialized = Serialize();
        var config = (JsonObject)serialized["config"]!;
        config["input_axes"] = Config.Write(inputAxes);
        config["output_axes"] = Config.Write(outputAxes);
        return (VarianceScalingInitializer)Deserialize(serialized);
    }

    /// <summary>Keras's config: scale, mode and distribution (unless a subclass fixes them), seed, input_axes, output_axes.</summary>
    public override JsonObject GetConfig()
    {
        var config = new JsonObject();
        if (!_fixedArguments)
        {
            config["scale"] = Scale;
            config["mode"] = Mode;
            config["distribution"] = Distribution;
        }
        config["seed"] = Config.Write(Seed);
        config["input_axes"] = Config.Write(InputAxes);
        config["output_axes"] = Config.Write(OutputAxes);
        return config;
    }
}
