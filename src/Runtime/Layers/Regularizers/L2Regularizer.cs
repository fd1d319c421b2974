namespace LayerGen.Layers;

/// <summary><c>l2 * sum(square(x))</c>.</summary>
[KerasSerializable("l2", Package = "keras.regularizers", ClassName = "L2")]
public sealed partial class L2Regularizer(double l2 = 0.01) : Regularizer
{
    /// <summary>The factor.</summary>
    public double L2 { get; } = l2;
    /// <inheritdoc/>
    public override Tensor Call(Tensor x) => Times(L2, SumOfSquares(x));
}
