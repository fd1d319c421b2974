namespace LayerGen.Layers;

/// <summary>Keras's <c>UpSampling3D</c>: repeats each cell <c>size[i]</c> times along spatial axis i.</summary>
[Layer(Package = "keras.layers")]
public partial class UpSampling3D
{
    private readonly int[] size;
    private readonly string dataFormat;

    /// <summary>Creates the layer.</summary>
    /// <param name="size">The factor per spatial axis (one number for all); default (2, 2, 2).</param>
    /// <param name="dataFormat"><c>"channels_last"</c> (default) or <c>"channels_first"</c>.</param>
    public UpSampling3D(int[]? size = null, string? dataFormat = null)
    {
        this.size = PoolingArguments.Tuple(size, [2, 2, 2], 3, "size");
        this.dataFormat = PoolingArguments.DataFormat(dataFormat);
        InputSpec = new InputSpec(ndim: 5);
    }

    /// <summary>Repeats the cells.</summary>
    protected Tensor Call(Tensor inputs)
    {
        int first = dataFormat == "channels_first" ? 2 : 1;
        var x = inputs;
        for (int a = 0; a < 3; a++) x = PoolingArguments.Repeat(x, first + a, size[a]);
        return x;
    }
}
