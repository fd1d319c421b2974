namespace LayerGen.Graphs;

/// <summary>
/// A convolution's bias gradient, <c>ReduceToLike(g, b)</c> over a <c>[N, H, W, C]</c> gradient <c>g</c> that a
/// <see cref="MaxPoolReluGradStep"/> produced: adds that step's per-image sums (<see cref="PlannedImageSums"/>) in image
/// order from +0, the order <c>Sum</c> over leading axes uses (<see cref="Kernels.ColumnSums.AddBlocks"/>), so the same
/// bits as the op without reading <c>g</c> again. Runs the op itself when the sums were not written this run.
/// </summary>
internal sealed class BiasGradFromImageSumsStep(int nodeId, Op op, int[] inputs, TensorSpec spec, Tensor? buffer, PlannedImageSums sums)
    : PlanStep(nodeId, op, inputs, spec, buffer)
{
    /// <inheritdoc/>
    public override Tensor Execute()
    {
        if (Buffer is null || !sums.HasProducer || !sums.Filled) return base.Execute();
        var total = Buffer.Lend<float>()[..sums.Channels];
        total.Clear();
        var perImage = sums.PerImage.AsSpan();
        for (int at = 0; at < perImage.Length; at += sums.Channels)
            System.Numerics.Tensors.TensorPrimitives.Add(total, perImage.Slice(at, sums.Channels), total);
        AllocatedLastRun = false;
        return Buffer;
    }
}
