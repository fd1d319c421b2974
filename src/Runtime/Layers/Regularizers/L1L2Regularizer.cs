namespace LayerGen.Layers;

/// <summary><c>l1 * sum(abs(x)) + l2 * sum(square(x))</c>.</summary>
[KerasSerializable("l1_l2", Package = "keras.regularizers", ClassName = "L1L2")]
public sealed partial class L1L2Regularizer(double l1 = 0.0, double l2 = 0.0) : Regularizer
{
    /// <summary>The L1 factor.</summary>
    public double L1 { get; } = l1;
    /// <summary>The L2 factor.</summary>
    public double L2 { get; } = l2;
    /// <inheritdoc/>
    public override Tensor Call(Tensor x)
    {
        var zero = Tensor.Scalar(0.0, x.DType);
        var total = zero;
        if (L1 != 0) total = Ops.Add(total, Times(L1, SumOfAbs(x)));
        if (L2 != 0) total = Ops.Add(total, Times(L2, SumOfSquares(x)));
        return total;
    }
}
