namespace LayerGen.Layers;

/// <summary>Keras's <c>RepeatVector</c>: <c>(batch, features)</c> to <c>(batch, n, features)</c>, each sample repeated <c>n</c> times.</summary>
[Layer(Package = "keras.layers")]
public partial class RepeatVector
{
    private readonly int n;

    /// <summary>Creates the layer.</summary>
    /// <param name="n">How many times to repeat; positive.</param>
    public RepeatVector(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, $"Argument `n` should be a positive integer. Received: n={n}");
        this.n = n;
        InputSpec = new InputSpec(ndim: 2);
    }

    /// <summary>Repeats the input along a new axis 1.</summary>
    protected Tensor Call(Tensor inputs) => Ops.Tile(Ops.ExpandDims(inputs, 1), [1, n, 1]);
}
