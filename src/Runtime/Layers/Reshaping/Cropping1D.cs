namespace LayerGen.Layers;

/// <summary>Keras's <c>Cropping1D</c>: removes <c>cropping[0]</c> steps at the start and <c>cropping[1]</c> at the end of axis 1.</summary>
[Layer(Package = "keras.layers")]
public partial class Cropping1D
{
    private readonly int[] cropping;

    /// <summary>Creates the layer.</summary>
    /// <param name="cropping">(start, end), or one number for both; default (1, 1).</param>
    public Cropping1D(int[]? cropping = null)
    {
        this.cropping = PoolingArguments.Tuple(cropping, [1, 1], 2, "cropping", allowZero: true);
        InputSpec = new InputSpec(ndim: 3);
    }

    /// <summary>Crops the steps axis.</summary>
    protected Tensor Call(Tensor inputs) => PoolingArguments.CropSpatial(this, inputs, [cropping], "channels_last",
        () => $"`cropping` parameter of `Cropping1D` layer must be smaller than the input length. Received: inputs.shape={inputs.Shape}, cropping={PoolingArguments.Text(cropping)}");
}
