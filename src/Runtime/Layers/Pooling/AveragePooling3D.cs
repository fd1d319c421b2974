namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>AveragePooling3D</c>: average pooling over 3 spatial axises: each output is the mean (padded cells not counted) of a window of
/// <c>poolSize</c> cells moved by <c>strides</c>. Input (batch, dim1, dim2, dim3, channels) (channels_last) or channels first.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class AveragePooling3D
{
    private readonly int[] poolSize;
    private readonly int[] strides;
    private readonly string padding;
    private readonly string dataFormat;

    /// <summary>Creates the layer (Keras 3's arguments and defaults).</summary>
    /// <param name="poolSize">The window, one size per spatial axis (one number is used for every axis); required, as in Keras.</param>
    /// <param name="strides">The step per spatial axis; null is <paramref name="poolSize"/>.</param>
    /// <param name="padding"><c>"valid"</c> (no padding) or <c>"same"</c> (pad evenly so the output has <c>ceil(input / stride)</c> cells).</param>
    /// <param name="dataFormat"><c>"channels_last"</c> (default) or <c>"channels_first"</c>.</param>
    public AveragePooling3D(int[] poolSize, int[]? strides = null, string padding = "valid", string? dataFormat = null)
    {
        ArgumentNullException.ThrowIfNull(poolSize);
        this.poolSize = PoolingArguments.Tuple(poolSize, poolSize, 3, "pool_size");
        this.strides = PoolingArguments.Tuple(strides, this.poolSize, 3, "strides");
        this.padding = PoolingArguments.Padding(padding);
        this.dataFormat = PoolingArguments.DataFormat(dataFormat);
        InputSpec = new InputSpec(ndim: 5);
    }

    /// <summary>The window per spatial axis.</summary>
    public IReadOnlyList<int> PoolSize => poolSize;

    /// <summary>The step per spatial axis.</summary>
    public IReadOnlyList<int> Strides => strides;

    /// <summary>Pools the input.</summary>
    protected Tensor Call(Tensor inputs) => PoolingArguments.Pool(this, inputs, false, poolSize, strides, padding, dataFormat);
}
