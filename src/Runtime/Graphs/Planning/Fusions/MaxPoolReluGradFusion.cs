namespace LayerGen.Graphs;

/// <summary>
/// <c>ReluGrad(MaxPoolGrad(g, y), y)</c>, the backward pass through <c>MaxPool(Relu(z))</c> (a conv layer with relu
/// followed by max pooling): a <see cref="MaxPoolGradOp"/> whose only use is a <see cref="ReluGradOp"/> masking it by the
/// same tensor the pool read (the relu's output), not a graph output. Runs as one <see cref="MaxPoolReluGradStep"/>: one
/// pass and one buffer instead of two (tiling windows: <see cref="MaxPoolTiled"/>).
/// </summary>
internal sealed class MaxPoolReluGradFusion : PlanFusionRule
{
    /// <inheritdoc/>
    public override PlanFusion? TryFuse(PlanFusionContext context, GraphNode node)
    {
        if (node.Op is not MaxPoolGradOp pool) return null;
        var spec = context.Specs[node.Id];
        if (!spec.Shape.IsFullyDefined || spec.DType is not (DType.Float32 or DType.Float64)) return null;
        if (context.SoleConsumer(node.Id) is not { Op: ReluGradOp } relu) return null;
        if (relu.Inputs[0] != node.Id || relu.Inputs[1] != node.Inputs[1] || context.Specs[relu.Id] != spec) return null;
        int[] inputs = [node.Inputs[0], node.Inputs[1]];
        int id = relu.Id;
        return new PlanFusion(id, pool, inputs, [node.Id, relu.Id], (s, buffer) => new MaxPoolReluGradStep(id, pool, inputs, s, buffer));
    }
}
