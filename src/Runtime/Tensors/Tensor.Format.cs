namespace LayerGen.Tensors;

public partial class Tensor
{
    /// <summary>Text like <c>tf.Tensor([[1. 2.]], shape=(1, 2), dtype=float32)</c>; symbolic tensors print their spec.</summary>
    public override string ToString()
    {
        if (IsSymbolic)
            return $"<SymbolicTensor shape={Shape} dtype={DType.Name()}{(Node is null ? "" : $" op={Node.Op.Name}")}{(SymbolicName is null ? "" : $" name={SymbolicName}")}>";
        var values = TensorFormatter.FormatValues(this, "tf.Tensor(".Length);
        return $"tf.Tensor({(Rank >= 2 ? "\n" + TensorFormatter.FormatValues(this, 0) : values)}, shape={Shape}, dtype={DType.Name()})";
    }
}
