using System.Text.Json.Nodes;

namespace LayerGen.Layers;

/// <summary>Keras's <c>ZeroPadding3D</c>: adds rows of zeros before and after each of the 3 spatial axes: <c>padding[i] = [before, after]</c>.</summary>
[Layer(Package = "keras.layers")]
public partial class ZeroPadding3D
{
    private readonly int[][] padding;
    private readonly string dataFormat;

    /// <summary>Creates the layer.</summary>
    /// <param name="padding">One <c>[before, after]</c> row per spatial axis (a row of one number is symmetric); default ((1, 1), (1, 1), (1, 1)).</param>
    /// <param name="dataFormat"><c>"channels_last"</c> (default) or <c>"channels_first"</c>.</param>
    public ZeroPadding3D(int[][]? padding = null, string? dataFormat = null)
    {
        this.padding = PoolingArguments.Pairs(padding, 1, 3, "padding");
        this.dataFormat = PoolingArguments.DataFormat(dataFormat);
        InputSpec = new InputSpec(ndim: 5);
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
    public static ZeroPadding3D FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var layer = new ZeroPadding3D(PoolingArguments.ReadPairs(config, "padding", "ZeroPadding3D", 3), Config.ReadStringOrNull(config, "data_format", "ZeroPadding3D"))
        {
            Name = Config.ReadName(config, "ZeroPadding3D"),
        };
        layer.ApplyBaseConfig(config);
        return layer;
    }
}
