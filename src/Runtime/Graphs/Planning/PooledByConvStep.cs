namespace LayerGen.Graphs;

/// <summary>
/// A 2×2 <see cref="MaxPoolOp"/> whose values the convolution step before it computed (<see cref="ConvKeepPoolStep"/>,
/// <see cref="PlannedPooled"/>): hands them on without reading the convolution's output again. Runs the op itself when
/// they were not written this run.
/// </summary>
internal sealed class PooledByConvStep(int nodeId, Op op, int[] inputs, TensorSpec spec, Tensor? buffer, PlannedPooled pooled)
    : PlanStep(nodeId, op, inputs, spec, buffer)
{
    /// <inheritdoc/>
    public override Tensor Execute()
    {
        if (!pooled.HasProducer || !pooled.Filled) return base.Execute();
        AllocatedLastRun = false;
        return pooled.Value;
    }
}
