using System.Text.Json.Nodes;

namespace LayerGen.Layers;

/// <summary>Keras's <c>Cropping2D</c>: removes <c>cropping[i] = [before, after]</c> cells from each of the 2 spatial axes.</summary>
[Layer(Package = "keras.layers")]
public partial class Cropping2D
{
    private readonly int[][] cropping;
    private readonly string dataFormat;

    /// <summary>Creates the layer.</summary>
    /// <param name="cropping">One <c>[before, after]</c> row per spatial axis (a row of one number is symmetric); default ((0, 0), (0, 0)).</param>
    /// <param name="dataFormat"><c>"channels_last"</c> (default) or <c>"channels_first"</c>.</param>
    public Cropping2D(int[][]? cropping = null, string? dataFormat = null)
    {
        this.cropping = PoolingArguments.Pairs(cropping, 0, 2, "cropping");
        this.dataFormat = PoolingArguments.DataFormat(dataFormat);
        InputSpec = new InputSpec(ndim: 4);
    }

    /// <summary>The (before, after) pairs, one per spatial axis.</summary>
    public IReadOnlyList<IReadOnlyList<int>> Cropping => cropping;

    /// <summary>Crops the spatial axes.</summary>
    protected Tensor Call(Tensor inputs) => PoolingArguments.CropSpatial(this, inputs, cropping, dataFormat,
        () => $"Values in `cropping` argument should be smaller than the corresponding spatial dimension of the input. Received: inputs.shape={inputs.Shape}, cropping={PoolingArguments.PairsText(cropping)}");

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var config = base.GetConfig();
        config["cropping"] = PoolingArguments.WritePairs(cropping);
        config["data_format"] = dataFormat;
        return config;
    }

    /// <summary>The layer from a Keras config (<c>cropping</c> as Keras writes it: a list of [before, after] lists).</summary>
    public static Cropping2D FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var layer = new Cropping2D(PoolingArguments.ReadPairs(config, "cropping", "Cropping2D", 2), Config.ReadStringOrNull(config, "data_format", "Cropping2D"))
        {
            Name = Config.ReadName(config, "Cropping2D"),
        };
        layer.ApplyBaseConfig(config);
        return layer;
    }
}
