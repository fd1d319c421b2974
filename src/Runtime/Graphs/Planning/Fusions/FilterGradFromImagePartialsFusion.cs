namespace LayerGen.Graphs;

/// <summary>
/// A shallow convolution's kernel gradient (<see cref="ConvFilterGradOp"/>) whose per-image partials
/// <see cref="MaxPoolReluGradFusion"/>'s step computes in its own pass (<see cref="PlanFusionContext.FilterGradPartials"/>):
/// runs as a <see cref="FilterGradFromImagePartialsStep"/> that adds N partials instead of reading the N·H·W·C gradient.
/// Same bits as the op. One node: the step keeps the op's inputs, so liveness and order are unchanged.
/// </summary>
internal sealed class FilterGradFromImagePartialsFusion : PlanFusionRule
{
    /// <inheritdoc/>
    public override PlanFusion? TryFuse(PlanFusionContext context, GraphNode node)
    {
        if (node.Op is not ConvFilterGradOp op || !context.FilterGradPartials.TryGetValue(node.Id, out var partials)) return null;
        int[] inputs = [.. node.Inputs];
        int id = node.Id;
        return new PlanFusion(id, op, inputs, [id], (spec, buffer) =>
        {
            partials.HasConsumer = buffer is not null && buffer.DType == DType.Float32;
            return new FilterGradFromImagePartialsStep(id, op, inputs, spec, buffer, partials);
        });
    }
}
