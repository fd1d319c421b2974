namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>GlobalAveragePooling3D</c>: the mean over the 3 spatial axises of each channel; with <c>keepdims</c> the
/// spatial axes stay with size 1.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class GlobalAveragePooling3D
{
    private readonly string dataFormat;
    private readonly bool keepdims;

    /// <summary>Creates the layer (Keras 3's arguments and defaults).</summary>
    /// <param name="dataFormat"><c>"channels_last"</c> (default) or <c>"channels_first"</c>.</param>
    /// <param name="keepdims">Whether to keep the spatial axes with size 1.</param>
    public GlobalAveragePooling3D(string? dataFormat = null, bool keepdims = false)
    {
        this.dataFormat = PoolingArguments.DataFormat(dataFormat);
        this.keepdims = keepdims;
        InputSpec = new InputSpec(ndim: 5);
    }

    /// <summary>The mean over the spatial axes.</summary>
    protected Tensor Call(Tensor inputs) => Ops.Mean(inputs, dataFormat == "channels_last" ? [1, 2, 3] : [2, 3, 4], keepdims);
}
