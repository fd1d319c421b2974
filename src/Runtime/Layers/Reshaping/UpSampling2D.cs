namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>UpSampling2D</c>: scales images up by <c>size</c> = (rows, columns): <c>"nearest"</c> repeats each row and
/// column, <c>"bilinear"</c> interpolates as Keras's <c>ops.image.resize</c> (half-pixel centres, edges repeated).
/// </summary>
[Layer(Package = "keras.layers")]
public partial class UpSampling2D
{
    private readonly int[] size;
    private readonly string dataFormat;
    private readonly string interpolation;

    /// <summary>Creates the layer.</summary>
    /// <param name="size">The factors for rows and columns (one number for both); default (2, 2).</param>
    /// <param name="dataFormat"><c>"channels_last"</c> (default) or <c>"channels_first"</c>.</param>
    /// <param name="interpolation"><c>"nearest"</c> or <c>"bilinear"</c>.</param>
    public UpSampling2D(int[]? size = null, string? dataFormat = null, string interpolation = "nearest")
    {
        ArgumentNullException.ThrowIfNull(interpolation);
        this.size = PoolingArguments.Tuple(size, [2, 2], 2, "size");
        this.dataFormat = PoolingArguments.DataFormat(dataFormat);
        this.interpolation = interpolation.ToLowerInvariant();
        if (this.interpolation is not ("nearest" or "bilinear"))
            throw new NotSupportedException($"UpSampling2D: interpolation=\"{interpolation}\" is not supported; LayerGen has \"nearest\" and \"bilinear\" (Keras also has \"bicubic\", \"lanczos3\", \"lanczos5\").");
        InputSpec = new InputSpec(ndim: 4);
    }

    /// <summary>Scales the images up.</summary>
    protected Tensor Call(Tensor inputs)
    {
        var x = dataFormat == "channels_first" ? PoolingArguments.ToChannelsLast(inputs) : inputs;
        if (interpolation == "nearest") x = PoolingArguments.Repeat(PoolingArguments.Repeat(x, 1, size[0]), 2, size[1]);
        else
        {
            if (x.Shape[1] == Shape.Unknown || x.Shape[2] == Shape.Unknown)
                throw new IncompatibleInputException($"Layer \"{Name}\": bilinear upsampling needs the height and width of the input; received input with shape {inputs.Shape}.");
            x = Ops.ResizeBilinear(x, x.Shape[1] * size[0], x.Shape[2] * size[1]);
        }
        return dataFormat == "channels_first" ? PoolingArguments.ToChannelsFirst(x) : x;
    }
}
