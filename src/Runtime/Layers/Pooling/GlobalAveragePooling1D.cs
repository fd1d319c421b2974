namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>GlobalAveragePooling1D</c>: the mean over the 1 spatial axis of each channel; with <c>keepdims</c> the
/// spatial axes stay with size 1. A mask (batch, steps) leaves masked steps out of the mean.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class GlobalAveragePooling1D
{
    private readonly string dataFormat;
    private readonly bool keepdims;

    /// <summary>Creates the layer (Keras 3's arguments and defaults).</summary>
    /// <param name="dataFormat"><c>"channels_last"</c> (default) or <c>"channels_first"</c>.</param>
    /// <param name="keepdims">Whether to keep the spatial axes with size 1.</param>
    public GlobalAveragePooling1D(string? dataFormat = null, bool keepdims = false)
    {
        this.dataFormat = PoolingArguments.DataFormat(dataFormat);
        this.keepdims = keepdims;
        InputSpec = new InputSpec(ndim: 3);
    }

    /// <summary>Averages over the steps; masked steps (mask false or 0; by default the input's mask, which Layer.InvokeLayer passes) are left out, as in Keras.</summary>
    protected Tensor Call(Tensor inputs, Tensor? mask = null)
    {
        int steps = dataFormat == "channels_last" ? 1 : 2;
        if (mask is null) return Ops.Mean(inputs, [steps], keepdims);
        var m = Ops.Cast(Ops.ExpandDims(Ops.Cast(mask, DType.Bool), dataFormat == "channels_last" ? 2 : 1), inputs.DType);
        return Ops.Div(Ops.Sum(Ops.Mul(inputs, m), [steps], keepdims), Ops.Sum(m, [steps], keepdims));
    }
}
