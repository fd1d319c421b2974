namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>ReLU</c> layer: <c>max_value</c> clips from above, <c>threshold</c> is where the output starts being
/// the input (below it: 0), and <c>negative_slope</c> scales what lies below the threshold
/// (<c>negative_slope * (x - threshold)</c>), computed as Keras's <c>activations.relu</c> does.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class ReLU
{
    private readonly double? maxValue;
    private readonly double negativeSlope;
    private readonly double threshold;

    /// <summary>Creates the layer (Keras 3's arguments and defaults).</summary>
    /// <param name="maxValue">The largest output (null: no clipping); not negative.</param>
    /// <param name="negativeSlope">The slope below the threshold; not negative.</param>
    /// <param name="threshold">The value below which the output is 0 (or sloped); not negative.</param>
    public ReLU(double? maxValue = null, double negativeSlope = 0.0, double threshold = 0.0)
    {
        if (maxValue is < 0.0)
            throw new ArgumentOutOfRangeException(nameof(maxValue), maxValue, $"max_value of a ReLU layer cannot be a negative value. Received: max_value={PythonText.Number(maxValue.Value)}");
        if (negativeSlope < 0.0 || double.IsNaN(negativeSlope))
            throw new ArgumentOutOfRangeException(nameof(negativeSlope), negativeSlope, $"negative_slope of a ReLU layer cannot be None or a negative value. Received: negative_slope={PythonText.Number(negativeSlope)}");
        if (threshold < 0.0 || double.IsNaN(threshold))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, $"threshold of a ReLU layer cannot be None or a negative value. Received: threshold={PythonText.Number(threshold)}");
        this.maxValue = maxValue;
        this.negativeSlope = negativeSlope;
        this.threshold = threshold;
        InputSpec = null;
    }

    /// <summary>The largest output, or null.</summary>
    public double? MaxValue => maxValue;

    /// <summary>The slope below the threshold.</summary>
    public double NegativeSlope => negativeSlope;

    /// <summary>The threshold.</summary>
    public double Threshold => threshold;

    /// <summary>Applies the activation.</summary>
    protected Tensor Call(Tensor inputs)
    {
        var dt = inputs.DType;
        if (negativeSlope != 0.0 && maxValue is null && threshold == 0.0) return Ops.LeakyRelu(inputs, negativeSlope);
        Tensor? negativePart = null;
        if (negativeSlope != 0.0)
            negativePart = Ops.Relu(threshold != 0.0 ? Ops.Add(Ops.Neg(inputs), Tensor.Scalar(threshold, dt)) : Ops.Neg(inputs));
        var x = threshold != 0.0
            ? Ops.Where(Ops.Greater(inputs, Tensor.Scalar(threshold, dt)), inputs, Tensor.Scalar(0.0, dt))
            : Ops.Relu(inputs);
        if (maxValue is { } max) x = Ops.Clip(x, 0.0, max);
        if (negativePart is not null) x = Ops.Sub(x, Ops.Mul(Tensor.Scalar(negativeSlope, dt), negativePart));
        return x;
    }
}
