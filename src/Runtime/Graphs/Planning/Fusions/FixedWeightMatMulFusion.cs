namespace LayerGen.Graphs;

/// <summary>
/// A lone float32 rank-2 MatMul by a fixed weight (a variable or a constant): runs as a <see cref="DenseStep"/>
/// without bias, so the weight is packed once instead of at every product.
/// </summary>
internal sealed class FixedWeightMatMulFusion : PlanFusionRule
{
    /// <inheritdoc/>
    public override PlanFusion? TryFuse(PlanFusionContext context, GraphNode node)
    {
        if (node.Op is not MatMulOp matMul || !DenseStep.Fits(context, node) || !context.IsFixed(node.Inputs[1])) return null;
        int id = node.Id;
        int[] inputs = [.. node.Inputs];
        return new PlanFusion(id, matMul, inputs, [id],
            (spec, buffer) => new DenseStep(id, matMul, inputs, spec, buffer, Kernels.FusedActivation.None, fixedWeight: true, hasBias: false, context.RunFixed));
    }
}
