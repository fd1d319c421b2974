namespace LayerGen.Graphs;

/// <summary>
/// A convolution layer's step: the float32 <see cref="ConvOp"/> kernel writes the buffer and applies the bias and the
/// activation to each block of output positions right after its GEMM (<see cref="Kernels.ConvEpilogue"/>, the same
/// arithmetic as the unfused Add and activation ops, so results are bitwise equal). Arguments: x, the kernel, the bias.
/// </summary>
internal sealed class ConvStep(int nodeId, ConvOp op, int[] inputs, TensorSpec spec, Tensor? buffer, Kernels.FusedActivation activation)
    : PlanStep(nodeId, op, inputs, spec, buffer)
{
    /// <summary>The activation applied after the bias.</summary>
    public Kernels.FusedActivation Activation => activation;

    /// <inheritdoc/>
    public override Tensor Execute()
    {
        Tensor x = Arguments[0], w = Arguments[1], bias = Arguments[2];
        var y = new KernelOutput(Spec, Buffer).Allocate(zeroed: false);
        AllocatedLastRun = Buffer is null || !y.SharesStorageWith(Buffer);
        var conv = (ConvOp)Op;
        var s = ConvAttributes.KernelShape(x.Shape, Spec.Shape, w.Shape.Dims[..conv.SpatialRank], conv.Strides, conv.Pads, conv.Dilations, conv.Groups);
        Kernels.ConvKernels.Forward(x.Lend<float>(), w.Lend<float>(), bias.Lend<float>(), activation, y.Lend<float>(), s);
        // Lent spans (docs/design/tensor-storage.md): the arguments stay reachable until the kernel is done.
        GC.KeepAlive(x);
        GC.KeepAlive(w);
        GC.KeepAlive(bias);
        return y;
    }
}
