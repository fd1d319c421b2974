namespace LayerGen.Layers;

/// <summary>Keras's <c>LeakyReLU</c> layer: <c>x</c> for <c>x &gt;= 0</c>, <c>negative_slope * x</c> below.</summary>
[Layer(Package = "keras.layers")]
public partial class LeakyReLU
{
    private readonly double negativeSlope;

    /// <summary>Creates the layer (Keras 3's default slope 0.3).</summary>
    /// <param name="negativeSlope">The slope below zero; not negative.</param>
    public LeakyReLU(double negativeSlope = 0.3)
    {
        if (negativeSlope < 0 || double.IsNaN(negativeSlope))
            throw new ArgumentOutOfRangeException(nameof(negativeSlope), negativeSlope, $"The negative_slope value of a Leaky ReLU layer cannot be None or negative value. Expected a float. Received: negative_slope={PythonText.Number(negativeSlope)}");
        this.negativeSlope = negativeSlope;
        InputSpec = null;
    }

    /// <summary>The slope below zero.</summary>
    public double NegativeSlope => negativeSlope;

    /// <summary>Applies the activation.</summary>
    protected Tensor Call(Tensor inputs) => Ops.LeakyRelu(inputs, negativeSlope);
}
