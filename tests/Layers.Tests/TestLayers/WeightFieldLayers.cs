namespace LayerGen.Tests.Layers;

/// <summary>A layer whose variables all come from <c>AddWeight</c>: the generator writes no <c>VisitMembers</c> for it.</summary>
[Layer]
public partial class AddedWeightsOnly : Layer
{
    private Variable kernel = null!;
    private Variable? bias;

    /// <summary>Runs <c>Build</c> with the input's last axis.</summary>
    protected void Build(Shape inputShape)
    {
        kernel = AddWeight("kernel", [inputShape[^1], 2], Initializers.Ones());
        bias = AddWeight("bias", [2], Initializers.Zeros(), trainable: false);
    }

    /// <summary>The projection.</summary>
    protected Tensor Call(Tensor inputs) => Ops.MatMul(inputs, kernel) + bias!;
}

/// <summary>
/// A layer with one field from <c>AddWeight</c>, one variable made otherwise and a sub-layer: its generated
/// <c>VisitMembers</c> reports the last two only.
/// </summary>
[Layer]
public partial class MixedWeights : Layer
{
    private Variable kernel = null!;
    private Variable offset = null!;
    private readonly Dense inner = new(2);

    /// <summary>Runs <c>Build</c> with the input's last axis.</summary>
    protected void Build(Shape inputShape)
    {
        kernel = AddWeight("kernel", [inputShape[^1], 2], Initializers.Ones());
        offset = new Variable(Tensor.Ones([2]), name: "offset");
    }

    /// <summary>The projection, shifted, through the inner layer.</summary>
    protected Tensor Call(Tensor inputs) => inner.Invoke(Ops.MatMul(inputs, kernel) + offset);
}
