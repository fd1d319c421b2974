namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>ELU</c> layer: <c>x</c> for <c>x &gt; 0</c>, <c>alpha * (exp(x) - 1)</c> below. Keras writes
/// <c>alpha</c> into the config; so does LayerGen.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class ELU
{
    private readonly double alpha;

    /// <summary>Creates the layer.</summary>
    /// <param name="alpha">The scale of the negative part.</param>
    public ELU(double alpha = 1.0)
    {
        this.alpha = alpha;
        InputSpec = null;
    }

    /// <summary>The scale of the negative part.</summary>
    public double Alpha => alpha;

    /// <summary>Applies the activation.</summary>
    protected Tensor Call(Tensor inputs) => Ops.Elu(inputs, alpha);
}
