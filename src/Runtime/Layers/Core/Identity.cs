namespace LayerGen.Layers;

/// <summary>Returns its input unchanged (Keras's <c>Identity</c> layer).</summary>
[Layer(Package = "keras.layers")]
public partial class Identity
{
    /// <summary>True: the incoming mask passes through (Keras).</summary>
    public override bool SupportsMasking => true;

    /// <summary>Creates the layer.</summary>
    public Identity() => InputSpec = null; // any shape

    /// <summary>Returns <paramref name="inputs"/>.</summary>
    protected Tensor Call(Tensor inputs) => inputs;
}
