namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>Rescaling</c> preprocessing layer: <c>inputs * scale + offset</c>, in training and inference alike.
/// Integer inputs are cast to the layer's dtype first (float32 by default), so image bytes come out as floats.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class Rescaling
{
    private readonly double scale;
    private readonly double offset;

    /// <summary>Creates the layer.</summary>
    /// <param name="scale">The factor (<c>1.0 / 255</c> maps [0, 255] to [0, 1]).</param>
    /// <param name="offset">Added after scaling (<c>scale: 1.0 / 127.5, offset: -1</c> maps [0, 255] to [-1, 1]).</param>
    public Rescaling(double scale, double offset = 0.0)
    {
        this.scale = scale;
        this.offset = offset;
        InputSpec = null;
    }

    /// <summary>The factor.</summary>
    public double Scale => scale;

    /// <summary>The offset.</summary>
    public double Offset => offset;

    /// <summary>Rescales the input.</summary>
    protected Tensor Call(Tensor inputs)
    {
        var dt = DType;
        var x = inputs.DType == dt ? inputs : Ops.Cast(inputs, dt);
        return Ops.Add(Ops.Mul(x, Tensor.Scalar(scale, dt)), Tensor.Scalar(offset, dt));
    }
}
