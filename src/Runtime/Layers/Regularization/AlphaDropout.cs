using System.Text.Json.Nodes;

namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>AlphaDropout</c>: dropout that keeps the mean and variance of SELU activations. In training each
/// input is replaced with probability <c>rate</c> by SELU's negative saturation <c>-alpha * scale</c>, then the whole
/// is mapped by <c>a * x + b</c> with Keras's <c>a = ((1 - rate) (1 + rate alpha_p^2))^-1/2</c>,
/// <c>b = -a alpha_p rate</c>; at inference the input passes through. <c>noise_shape</c> shares the mask along the
/// axes where it is 1 (null entries: the input's dimension). Seeded like <see cref="Dropout"/>.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class AlphaDropout
{
    private const double SeluAlpha = 1.6732632423543772848170429916717;
    private const double SeluScale = 1.0507009873554804934193349852946;
    private readonly double rate;
    private readonly int?[]? noiseShape;
    private readonly int? seed;
    private readonly SeedGenerator generator;

    /// <summary>Creates the layer.</summary>
    /// <param name="rate">The drop probability, in [0, 1].</param>
    /// <param name="noiseShape">The mask's shape (null entries: the input's dimension), or null for the input's shape.</param>
    /// <param name="seed">The mask generator's seed (null: drawn from the global generator).</param>
    public AlphaDropout(double rate, int?[]? noiseShape = null, int? seed = null)
    {
        if (!(rate >= 0 && rate <= 1))
            throw new ArgumentOutOfRangeException(nameof(rate), rate, $"Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate={PythonText.Number(rate)}");
        this.rate = rate;
        this.noiseShape = noiseShape is null ? null : [.. noiseShape];
        this.seed = seed;
        generator = new SeedGenerator(seed ?? RandomGenerator.Global.NextInt(int.MaxValue));
        InputSpec = null;
    }

    /// <summary>The drop probability.</summary>
    public double Rate => rate;

    /// <summary>Keras's config: the base keys, <c>rate</c>, <c>seed</c>, <c>noise_shape</c> (null entries kept).</summary>
    public override JsonObject GetConfig()
    {
        var config = base.GetConfig();
        config["rate"] = rate;
        config["seed"] = seed;
        config["noise_shape"] = noiseShape is null ? null : new JsonArray([.. noiseShape.Select(d => d is { } v ? JsonValue.Create(v) : null)]);
        return config;
    }

    /// <summary>The layer from a Keras config.</summary>
    public static AlphaDropout FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        const string cls = "AlphaDropout";
        int?[]? noise = null;
        if (config["noise_shape"] is JsonArray list)
        {
            noise = new int?[list.Count];
            for (int i = 0; i < list.Count; i++)
                noise[i] = list[i] is null ? null : list[i] is JsonValue v && v.TryGetValue<int>(out var n) ? n
                    : throw ConfigException.For(cls, "noise_shape", $"must be a list of integers or nulls, got {list.ToJsonString()}");
        }
        var layer = new AlphaDropout(Config.ReadDouble(config, "rate", cls), noise, Config.ReadInt32OrNull(config, "seed", cls))
        {
            Name = Config.ReadName(config, cls),
        };
        layer.ApplyBaseConfig(config);
        return layer;
    }

    /// <summary>Applies the alpha dropout when <paramref name="training"/> is true.</summary>
    protected Tensor Call(Tensor inputs, bool training = false)
    {
        if (!training || rate == 0) return inputs;
        var dt = inputs.DType;
        int[]? noise = null;
        if (noiseShape is { } ns)
        {
            noise = new int[ns.Length];
            for (int i = 0; i < noise.Length; i++) noise[i] = ns[i] ?? -1;
        }
        const double alphaP = -SeluAlpha * SeluScale;
        var kept = Ops.Cast(Ops.GreaterEqual(generator.Uniform(inputs, shape: noise), Tensor.Scalar(rate, dt)), dt);
        double a = Math.Pow((1 - rate) * (1 + rate * alphaP * alphaP), -0.5);
        double b = -a * alphaP * rate;
        var x = Ops.Add(Ops.Mul(inputs, kept), Ops.Mul(Tensor.Scalar(alphaP, dt), Ops.Sub(Tensor.Scalar(1.0, dt), kept)));
        return Ops.Add(Ops.Mul(Tensor.Scalar(a, dt), x), Tensor.Scalar(b, dt));
    }
}
