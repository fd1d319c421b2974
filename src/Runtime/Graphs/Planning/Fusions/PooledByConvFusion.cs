namespace LayerGen.Graphs;

/// <summary>
/// A <see cref="MaxPoolOp"/> whose values <see cref="ConvKeepPoolFusion"/>'s step computes in its own pass
/// (<see cref="PlanFusionContext.PooledByConv"/>): runs as a <see cref="PooledByConvStep"/>. One node: the step keeps the
/// op's input, so liveness and order are unchanged.
/// </summary>
internal sealed class PooledByConvFusion : PlanFusionRule
{
    /// <inheritdoc/>
    public override PlanFusion? TryFuse(PlanFusionContext context, GraphNode node)
    {
        if (node.Op is not MaxPoolOp op || !context.PooledByConv.TryGetValue(node.Id, out var pooled)) return null;
        int[] inputs = [.. node.Inputs];
        int id = node.Id;
        return new PlanFusion(id, op, inputs, [id], (spec, buffer) => new PooledByConvStep(id, op, inputs, spec, buffer, pooled));
    }
}
