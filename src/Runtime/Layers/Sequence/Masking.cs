namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>Masking</c>: marks the steps of <c>(batch, timesteps, features)</c> inputs whose features all equal
/// <c>maskValue</c> as padding. The output is the input with those steps zeroed, and carries the mask
/// <c>any(inputs != maskValue, axis=-1)</c> (see <see cref="KerasMask"/>) for the layers that consume it.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class Masking
{
    private readonly double maskValue;

    /// <summary>Creates the layer.</summary>
    /// <param name="maskValue">The value that marks padding (all features of a step equal to it).</param>
    public Masking(double maskValue = 0.0)
    {
        this.maskValue = maskValue;
        InputSpec = null;
    }

    /// <summary>The value that marks padding.</summary>
    public double MaskValue => maskValue;

    /// <summary>True: the layer makes a mask.</summary>
    public override bool SupportsMasking => true;

    /// <summary><c>any(inputs != maskValue, axis=-1)</c>.</summary>
    public override Tensor? ComputeMask(Tensor inputs, Tensor? previousMask)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return Ops.Squeeze(Keep(inputs), -1);
    }

    private Tensor Keep(Tensor inputs)
    {
        var differs = Ops.Cast(Ops.NotEqual(inputs, Tensor.Scalar(maskValue, inputs.DType)), inputs.DType);
        return Ops.Greater(Ops.Max(differs, -1, keepDims: true), Tensor.Scalar(0, inputs.DType));
    }

    /// <summary>The inputs with padded steps set to zero.</summary>
    protected Tensor Call(Tensor inputs) => Ops.Mul(inputs, Ops.Cast(Keep(inputs), inputs.DType));
}
