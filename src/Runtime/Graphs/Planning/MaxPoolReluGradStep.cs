namespace LayerGen.Graphs;

/// <summary>
/// <c>ReluGrad(MaxPoolGrad(g, y), y)</c> as one step (<see cref="MaxPoolReluGradFusion"/>): the pooling gradient masked by
/// <c>y &gt; 0</c> in the same pass. Arguments: g, y.
/// </summary>
internal sealed class MaxPoolReluGradStep(int nodeId, MaxPoolGradOp op, int[] inputs, TensorSpec spec, Tensor? buffer)
    : PlanStep(nodeId, op, inputs, spec, buffer)
{
    /// <inheritdoc/>
    public override Tensor Execute()
    {
        var r = op.Compute(Arguments, new KernelOutput(Spec, Buffer), reluMask: true);
        AllocatedLastRun = Buffer is null || !r.SharesStorageWith(Buffer);
        return r;
    }
}
