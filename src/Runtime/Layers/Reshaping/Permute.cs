namespace LayerGen.Layers;

/// <summary>Keras's <c>Permute</c>: reorders the axes after the batch axis; <c>dims</c> is a permutation of 1..n (1-based, the batch axis stays first).</summary>
[Layer(Package = "keras.layers")]
public partial class Permute
{
    private readonly int[] dims;

    /// <summary>Creates the layer.</summary>
    /// <param name="dims">The new order of the non-batch axes, numbered from 1, e.g. <c>[2, 1]</c>.</param>
    public Permute(int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (!dims.Order().SequenceEqual(Enumerable.Range(1, dims.Length)))
            throw new ArgumentException($"Invalid permutation argument `dims` for Permute Layer. The set of indices in `dims` must be consecutive and start from 1. Received dims={PoolingArguments.Text(dims)}", nameof(dims));
        this.dims = [.. dims];
        InputSpec = new InputSpec(ndim: dims.Length + 1);
    }

    /// <summary>Transposes the non-batch axes.</summary>
    protected Tensor Call(Tensor inputs) => Ops.Transpose(inputs, [0, .. dims]);
}
