namespace LayerGen.Graphs;

/// <summary>
/// <c>act(x @ W + b)</c>, a dense layer: a float32 rank-2 MatMul whose only use is an Add of a bias of shape (n)
/// or (1, n), optionally followed by an activation the fused kernel knows (<see cref="Kernels.BiasActivation.Of"/>:
/// Relu, Sigmoid, Tanh) that is the Add's only use; no intermediate value is a graph output. Runs as one
/// <see cref="DenseStep"/>.
/// </summary>
internal sealed class MatMulBiasActivationFusion : PlanFusionRule
{
    /// <inheritdoc/>
    public override PlanFusion? TryFuse(PlanFusionContext context, GraphNode node)
    {
        if (node.Op is not MatMulOp matMul || !DenseStep.Fits(context, node)) return null;
        var specs = context.Specs;
        var mm = specs[node.Id];
        if (context.SoleConsumer(node.Id) is not { Op: AddOp } add) return null;
        int bias = add.Inputs[0] == node.Id ? add.Inputs[1] : add.Inputs[0];
        if (bias == node.Id || specs[add.Id] != mm) return null;
        var b = specs[bias].Shape;
        int n = mm.Shape[1];
        if (!((b.Rank == 1 && b[0] == n) || (b.Rank == 2 && b[0] == 1 && b[1] == n))) return null;
        var last = add;
        var activation = Kernels.FusedActivation.None;
        if (context.SoleConsumer(add.Id) is { Op: { } actOp } act && Kernels.BiasActivation.Of(actOp) is { } a && specs[act.Id] == mm)
        {
            activation = a;
            last = act;
        }
        int[] absorbed = last == add ? [node.Id, add.Id] : [node.Id, add.Id, last.Id];
        int[] inputs = [node.Inputs[0], node.Inputs[1], bias];
        bool fixedWeight = context.IsFixed(node.Inputs[1]);
        int id = last.Id;
        return new PlanFusion(id, matMul, inputs, absorbed,
            (spec, buffer) => new DenseStep(id, matMul, inputs, spec, buffer, activation, fixedWeight, hasBias: true, context.RunFixed));
    }
}
