namespace LayerGen.Layers;

/// <summary>Keras's <c>ZeroPadding1D</c>: adds <c>padding[0]</c> zeros before and <c>padding[1]</c> after the steps axis.</summary>
[Layer(Package = "keras.layers")]
public partial class ZeroPadding1D
{
    private readonly int[] padding;
    private readonly string dataFormat;

    /// <summary>Creates the layer.</summary>
    /// <param name="padding">(before, after), or one number for both; default (1, 1).</param>
    /// <param name="dataFormat"><c>"channels_last"</c> (default) or <c>"channels_first"</c>.</param>
    public ZeroPadding1D(int[]? padding = null, string? dataFormat = null)
    {
        this.padding = PoolingArguments.Tuple(padding, [1, 1], 2, "padding", allowZero: true);
        this.dataFormat = PoolingArguments.DataFormat(dataFormat);
        InputSpec = new InputSpec(ndim: 3);
    }

    /// <summary>Pads the steps axis with zeros.</summary>
    protected Tensor Call(Tensor inputs) => PoolingArguments.PadSpatial(inputs, [padding], dataFormat);
}
