namespace LayerGen.Operations;

/// <summary>
/// What the pooling ops and their gradients share: the window, strides and pads of one pooling (checked once, here).
/// The op generator reads the inherited properties as the ops' attributes.
/// </summary>
public abstract class PoolOp : Op
{
    /// <summary>Keeps the attributes; throws <see cref="OpAttributeException"/> for bad windows, strides or pads.</summary>
    /// <param name="name">The op's name, for the error.</param>
    /// <param name="window">The window size per spatial axis.</param>
    /// <param name="strides">The step per spatial axis.</param>
    /// <param name="pads">Padding in ONNX order, <c>[begins..., ends...]</c>.</param>
    private protected PoolOp(string name, int[] window, int[] strides, int[] pads)
    {
        PoolGeometry.CheckAttributes(name, window, strides, pads);
        Window = window;
        Strides = strides;
        Pads = pads;
    }

    /// <summary>The window size per spatial axis.</summary>
    public int[] Window { get; }
    /// <summary>The step per spatial axis.</summary>
    public int[] Strides { get; }
    /// <summary>Padding, <c>[begins..., ends...]</c>.</summary>
    public int[] Pads { get; }
}
