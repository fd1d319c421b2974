namespace LayerGen.Graphs;

/// <summary>
/// <c>act(conv(x, W) + b)</c>, a convolution layer: a float32 <see cref="ConvOp"/> whose only use is an Add of a bias
/// of shape (Cout) or (1, …, 1, Cout), optionally followed by an activation the fused kernel knows
/// (<see cref="Kernels.BiasActivation.Of"/>) that is the Add's only use; no intermediate value is a graph output. Runs as
/// one <see cref="ConvStep"/>: one buffer instead of three, the bias and activation applied in one pass.
/// </summary>
internal sealed class ConvBiasActivationFusion : PlanFusionRule
{
    /// <inheritdoc/>
    public override PlanFusion? TryFuse(PlanFusionContext context, GraphNode node)
    {
        if (node.Op is not ConvOp conv) return null;
        var specs = context.Specs;
        var y = specs[node.Id];
        if (y.DType != DType.Float32 || !y.Shape.IsFullyDefined) return null;
        if (context.SoleConsumer(node.Id) is not { Op: AddOp } add) return null;
        int bias = add.Inputs[0] == node.Id ? add.Inputs[1] : add.Inputs[0];
        if (bias == node.Id || specs[add.Id] != y) return null;
        var b = specs[bias].Shape;
        int cout = y.Shape[^1];
        if (b.Rank < 1 || b.Rank > y.Shape.Rank || b[^1] != cout) return null;
        for (int i = 0; i < b.Rank - 1; i++)
            if (b[i] != 1) return null;
        var last = add;
        var activation = Kernels.FusedActivation.None;
        if (context.SoleConsumer(add.Id) is { Op: { } actOp } act && Kernels.BiasActivation.Of(actOp) is { } a && specs[act.Id] == y)
        {
            activation = a;
            last = act;
        }
        int[] absorbed = last == add ? [node.Id, add.Id] : [node.Id, add.Id, last.Id];
        int[] inputs = [node.Inputs[0], node.Inputs[1], bias];
        int id = last.Id;
        return new PlanFusion(id, conv, inputs, absorbed, (spec, buffer) => new ConvStep(id, conv, inputs, spec, buffer, activation));
    }
}
