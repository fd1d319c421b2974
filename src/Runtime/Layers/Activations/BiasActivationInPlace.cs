namespace LayerGen.Layers;

/// <summary>
/// <c>activation(y + bias)</c> for a layer's fresh intermediate <c>y</c> (a convolution's or a matrix product's
/// output): in an eager run the bias sum and a relu are written over <c>y</c>'s storage instead of into two new
/// arrays of the same size. They stay separate ops (<see cref="AddOp"/>, <see cref="ReluOp"/>) so gradient tapes,
/// traces and plans see the same graph as before; only the eager outputs share storage. Safe because no recorded
/// gradient reads the overwritten values: Conv's and MatMul's gradients read their inputs, not their output; Add's
/// reads shapes only; Relu's reads its own output. Other activations (whose gradients may read their input) run
/// as usual on the bias sum.
/// </summary>
internal static class BiasActivationInPlace
{
    /// <summary><c>activation(y + bias)</c>, overwriting <paramref name="y"/> where it can.</summary>
    public static Tensor Apply(Tensor y, Variable? bias, ActivationFunction activation)
    {
        var z = bias is null ? y : OpRunner.RunOverFirstInput(AddOp.Instance, y, bias);
        return ReferenceEquals(activation, ActivationFunction.Relu) ? OpRunner.RunOverFirstInput(ReluOp.Instance, z) : activation.Call(z);
    }
}
