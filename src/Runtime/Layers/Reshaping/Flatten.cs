namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>Flatten</c>: <c>(batch, ...)</c> to <c>(batch, product of the other dimensions)</c>. With
/// <c>dataFormat = "channels_first"</c> the input is moved to channels-last first, so the order of the values is the
/// same for both formats (as Keras does).
/// </summary>
[Layer(Package = "keras.layers")]
public partial class Flatten
{
    private readonly string dataFormat;

    /// <summary>Creates the layer.</summary>
    /// <param name="dataFormat"><c>"channels_last"</c> (default) or <c>"channels_first"</c>.</param>
    public Flatten(string? dataFormat = null)
    {
        this.dataFormat = PoolingArguments.DataFormat(dataFormat);
        InputSpec = new InputSpec(minNdim: 1);
    }

    /// <summary>Flattens every axis but the first.</summary>
    protected Tensor Call(Tensor inputs)
    {
        var x = inputs;
        int r = x.Rank;
        if (dataFormat == "channels_first" && r > 2) x = PoolingArguments.ToChannelsLast(x);
        if (r == 1) return Ops.Reshape(x, [-1, 1]);
        int size = 1;
        bool known = true;
        for (int a = 1; a < r; a++)
        {
            if (x.Shape[a] == Shape.Unknown) known = false;
            else size *= x.Shape[a];
        }
        if (known && (size != 0 || x.Shape[0] == Shape.Unknown)) return Ops.Reshape(x, [-1, size]);
        if (x.Shape[0] != Shape.Unknown) return Ops.Reshape(x, [x.Shape[0], -1]);
        throw new IncompatibleInputException($"Layer \"{Name}\": cannot flatten an input of shape {inputs.Shape}: the batch size or the other dimensions must be known.");
    }
}
