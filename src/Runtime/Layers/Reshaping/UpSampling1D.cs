namespace LayerGen.Layers;

/// <summary>Keras's <c>UpSampling1D</c>: repeats each step <c>size</c> times along axis 1.</summary>
[Layer(Package = "keras.layers")]
public partial class UpSampling1D
{
    private readonly int size;

    /// <summary>Creates the layer.</summary>
    /// <param name="size">How many times each step is repeated; positive.</param>
    public UpSampling1D(int size = 2)
    {
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size), size, $"Argument `size` should be a positive integer. Received: size={size}");
        this.size = size;
        InputSpec = new InputSpec(ndim: 3);
    }

    /// <summary>Repeats the steps.</summary>
    protected Tensor Call(Tensor inputs) => PoolingArguments.Repeat(inputs, 1, size);
}
