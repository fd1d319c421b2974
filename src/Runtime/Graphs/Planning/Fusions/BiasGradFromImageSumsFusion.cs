namespace LayerGen.Graphs;

/// <summary>
/// A convolution's bias gradient (<see cref="ReduceToLikeOp"/> of a <c>[N, H, W, C]</c> gradient to the bias's shape) whose
/// per-image sums <see cref="MaxPoolReluGradFusion"/>'s step writes in its own pass (<see cref="PlanFusionContext.BiasGradSums"/>):
/// runs as a <see cref="BiasGradFromImageSumsStep"/> that adds N·C sums instead of reading the N·H·W·C gradient.
/// Same bits as the op. One node: the step keeps the op's inputs, so the gradient's liveness and the order are unchanged.
/// </summary>
internal sealed class BiasGradFromImageSumsFusion : PlanFusionRule
{
    /// <inheritdoc/>
    public override PlanFusion? TryFuse(PlanFusionContext context, GraphNode node)
    {
        if (node.Op is not ReduceToLikeOp op || !context.BiasGradSums.TryGetValue(node.Id, out var sums)) return null;
        int[] inputs = [.. node.Inputs];
        int id = node.Id;
        return new PlanFusion(id, op, inputs, [id], (spec, buffer) =>
        {
            sums.HasConsumer = buffer is not null;
            return new BiasGradFromImageSumsStep(id, op, inputs, spec, buffer, sums);
        });
    }
}
