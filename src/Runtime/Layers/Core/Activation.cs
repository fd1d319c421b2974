namespace LayerGen.Layers;

/// <summary>Applies an activation function to its input (Keras's <c>Activation</c> layer).</summary>
[Layer(Package = "keras.layers")]
public partial class Activation
{
    /// <summary>True: the incoming mask passes through (Keras).</summary>
    public override bool SupportsMasking => true;

    private readonly global::LayerGen.Layers.ActivationFunction activation;

    /// <summary>Creates the layer from an activation (a name converts: <c>new Activation("relu")</c>).</summary>
    public Activation(global::LayerGen.Layers.ActivationFunction activation)
    {
        this.activation = activation ?? throw new ArgumentNullException(nameof(activation));
        InputSpec = null; // any shape
    }

    /// <summary>The activation function.</summary>
    public global::LayerGen.Layers.ActivationFunction Function => activation;

    /// <summary>Applies the activation.</summary>
    protected Tensor Call(Tensor inputs) => activation.Call(inputs);
}
