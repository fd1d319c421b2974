namespace LayerGen.Graphs;

/// <summary>
/// A convolution layer's step: the float32 <see cref="ConvOp"/> kernel writes the buffer, then the bias and the
/// activation run over each output position's channels (<see cref="Kernels.BiasActivation"/>, the same kernels as the
/// unfused Add and activation ops, so results are bitwise equal). Arguments: x, the kernel, the bias.
/// </summary>
internal sealed class ConvStep(int nodeId, ConvOp op, int[] inputs, TensorSpec spec, Tensor? buffer, Kernels.FusedActivation activation)
    : PlanStep(nodeId, op, inputs, spec, buffer)
{
    /// <inheritdoc/>
    public override Tensor Execute()
    {
        var y = Op.Compute(Arguments.AsSpan(0, 2), new KernelOutput(Spec, Buffer));
        AllocatedLastRun = Buffer is null || !y.SharesStorageWith(Buffer);
        var bias = Arguments[2].AsSpan<float>();
        var values = y.Data<float>();
        Kernels.BiasActivation.Apply(values, values.Length / bias.Length, bias, activation);
        return y;
    }
}
