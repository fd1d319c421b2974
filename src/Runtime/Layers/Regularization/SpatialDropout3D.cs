using System.Text.Json.Nodes;

namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>SpatialDropout3D</c>: dropout of whole feature maps. In training each channel of each sample is dropped (set to 0)
/// with probability <c>rate</c> for every spatial position at once, and the rest scaled by <c>1 / (1 - rate)</c>
/// (<see cref="Dropout"/>'s rule, with the mask broadcast over the spatial axes); at inference the input passes through.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class SpatialDropout3D
{
    private readonly double rate;
    private readonly int? seed;
    private readonly string dataFormat;
    private readonly SeedGenerator generator;

    /// <summary>Creates the layer.</summary>
    /// <param name="rate">The fraction of channels to drop, in [0, 1).</param>
    /// <param name="seed">The mask generator's seed (null: drawn from the global generator).</param>
    /// <param name="dataFormat"><c>"channels_last"</c> (default) or <c>"channels_first"</c>.</param>
    public SpatialDropout3D(double rate, int? seed = null, string? dataFormat = null)
    {
        if (rate is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(rate), rate, $"Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate={rate}");
        this.rate = rate;
        this.seed = seed;
        this.dataFormat = PoolingArguments.DataFormat(dataFormat);
        generator = new SeedGenerator(seed ?? RandomGenerator.Global.NextInt(int.MaxValue));
        InputSpec = new InputSpec(ndim: 5);
    }

    /// <summary>The drop rate.</summary>
    public double Rate => rate;

    /// <summary>Drops whole channels when <paramref name="training"/> is true.</summary>
    protected Tensor Call(Tensor inputs, bool training = false)
    {
        if (!training || rate == 0) return inputs;
        int[] noise = dataFormat == "channels_first" ? [-1, -1, 1, 1, 1] : [-1, 1, 1, 1, -1];
        var keep = Ops.Cast(Ops.GreaterEqual(generator.Uniform(inputs, shape: noise), Tensor.Scalar(rate, inputs.DType)), inputs.DType);
        return Ops.Mul(inputs, Ops.Div(keep, Tensor.Scalar(1 - rate, inputs.DType)));
    }

    /// <summary>Keras's config of the spatial dropouts: <c>rate</c>, <c>seed</c>, <c>name</c>, <c>dtype</c>, <c>data_format</c> (no <c>trainable</c>: Keras's constructor does not take it).</summary>
    public override JsonObject GetConfig()
    {
        var config = new JsonObject
        {
            ["rate"] = rate,
            ["seed"] = seed,
            ["name"] = Name,
            ["dtype"] = DType.Name(),
        };
        config["data_format"] = dataFormat;
        return config;
    }

    /// <summary>The layer from a Keras config.</summary>
    public static SpatialDropout3D FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var layer = new SpatialDropout3D(Config.ReadDouble(config, "rate", "SpatialDropout3D"), Config.ReadInt32OrNull(config, "seed", "SpatialDropout3D"), Config.ReadStringOrNull(config, "data_format", "SpatialDropout3D"))
        {
            Name = Config.ReadName(config, "SpatialDropout3D"),
        };
        layer.ApplyBaseConfig(config);
        return layer;
    }
}
