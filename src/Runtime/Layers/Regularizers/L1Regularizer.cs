namespace LayerGen.Layers;

/// <summary><c>l1 * sum(abs(x))</c>.</summary>
[KerasSerializable("l1", Package = "keras.regularizers", ClassName = "L1")]
public sealed partial class L1Regularizer(double l1 = 0.01) : Regularizer
{
    /// <summary>The factor.</summary>
    public double L1 { get; } = l1;
    /// <inheritdoc/>
    public override Tensor Call(Tensor x) => Times(L1, SumOfAbs(x));
}
