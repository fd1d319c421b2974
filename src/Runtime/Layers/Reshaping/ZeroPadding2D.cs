using System.Text.Json.Nodes;

namespace LayerGen.Layers;

/// <summary>Keras's <c>ZeroPadding2D</c>: adds rows of zeros before and after each of the 2 spatial axes: <c>padding[i] = [before, after]</c>.</summary>
[Layer(Package = "keras.layers")]
public partial class ZeroPadding2D
{
    private readonly int[][] padding;
    private readonly string dataFormat;

    /// <summary>Creates the layer.</summary>
    /// <param name="padding">One <c>[before, after]</c> row per spatial axis (a row of one number is symmetric); default ((1, 1), (1, 1)).</param>
    /// <param name="dataFormat"><c>"channels_last"</c> (default) or <c>"channels_first"</c>.</param>
    public ZeroPadding2D(int[][]? padding = null, string? dataFormat = null)
    {
        this.padding = PoolingArguments.Pairs(padding, 1, 2, "padding");
        this.dataFormat = PoolingArguments.DataFormat(dataFormat);
        InputSpec = new InputSpec(ndim: 4);
    }

    /// <summary>The (before, after) pairs, one per spatial axis.</summary>
    public IReadOnlyList<IReadOnlyList<int>> Padding => padding;

    /// <summary>Pads the spatial axes.</summary>
    protected Tensor Call(Tensor inputs) => PoolingArguments.PadSpatial(inputs, padding, dataFormat);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var config = base.GetConfig();
        config["padding"] = PoolingArguments.WritePairs(padding);
        config["data_format"] = dataFormat;
        return config;
    }

    /// <summary>The layer from a Keras config (<c>padding</c> as Keras writes it: a list of [before, after] lists).</summary>
    public static ZeroPadding2D FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var layer = new ZeroPadding2D(PoolingArguments.ReadPairs(config, "padding", "ZeroPadding2D", 2), Config.ReadStringOrNull(config, "data_format", "ZeroPadding2D"))
        {
            Name = Config.ReadName(config, "ZeroPadding2D"),
        };
        layer.ApplyBaseConfig(config);
        return layer;
    }
}
