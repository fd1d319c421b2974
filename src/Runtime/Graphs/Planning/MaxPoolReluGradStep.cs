namespace LayerGen.Graphs;

/// <summary>
/// <c>ReluGrad(MaxPoolGrad(g, y), y)</c> as one step (<see cref="MaxPoolReluGradFusion"/>): the pooling gradient masked by
/// <c>y &gt; 0</c> in the same pass. Arguments: g, y. With <paramref name="imageSums"/>, the pass also writes the
/// result's per-image column sums for a later <see cref="BiasGradFromImageSumsStep"/>.
/// </summary>
internal sealed class MaxPoolReluGradStep(int nodeId, MaxPoolGradOp op, int[] inputs, TensorSpec spec, Tensor? buffer, PlannedImageSums? imageSums = null)
    : PlanStep(nodeId, op, inputs, spec, buffer)
{
    /// <inheritdoc/>
    public override Tensor Execute()
    {
        if (imageSums is not null) imageSums.Filled = false;
        var r = op.Compute(Arguments, new KernelOutput(Spec, Buffer), reluMask: true, imageSums?.PerImage, out bool summed);
        if (imageSums is not null) imageSums.Filled = summed;
        AllocatedLastRun = Buffer is null || !r.SharesStorageWith(Buffer);
        return r;
    }
}
