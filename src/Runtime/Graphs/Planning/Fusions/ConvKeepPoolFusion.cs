namespace LayerGen.Graphs;

/// <summary>
/// In a training plan, <c>act(conv(x, W) + b)</c> (a group <see cref="ConvBiasActivationFusion"/> matches) whose value is
/// also read by the gradients and by a float32 2×2 <see cref="MaxPoolOp"/> (not a graph output) that the direct kernel
/// computes from registers (<see cref="Kernels.ConvPoolDirect.Fits"/>, every cell in a window): runs as one
/// <see cref="ConvKeepPoolStep"/> that writes the convolution's output and the pooled values in one pass, registered in
/// <see cref="PlanFusionContext.PooledByConv"/> for <see cref="PooledByConvFusion"/>. (An inference plan, where the pool is
/// the only use, takes <see cref="ConvPoolFusion"/> first.)
/// </summary>
internal sealed class ConvKeepPoolFusion : PlanFusionRule
{
    private readonly ConvBiasActivationFusion _conv = new();

    /// <inheritdoc/>
    public override PlanFusion? TryFuse(PlanFusionContext context, GraphNode node)
    {
        if (node.Op is not ConvOp { Groups: 1 } conv || _conv.TryFuse(context, node) is not { } group) return null;
        int value = group.NodeId;
        var nodes = context.Graph.Nodes;
        GraphNode? poolNode = null;
        for (int i = value + 1; i < nodes.Count && poolNode is null; i++)
            if (nodes[i].Kind == GraphNodeKind.Op && nodes[i].Op is MaxPoolOp && nodes[i].Inputs[0] == value) poolNode = nodes[i];
        if (poolNode is null || poolNode.Op is not MaxPoolOp pool || context.Graph.OutputIds.Contains(poolNode.Id)
            || context.PooledByConv.ContainsKey(poolNode.Id)) return null;
        var convSpec = context.Specs[value];
        var poolSpec = context.Specs[poolNode.Id];
        var x = context.Specs[node.Inputs[0]];
        var w = context.Specs[node.Inputs[1]].Shape;
        if (poolSpec.DType != DType.Float32 || x.DType != DType.Float32 || !poolSpec.Shape.IsFullyDefined || !x.Shape.IsFullyDefined
            || !w.IsFullyDefined || poolSpec.Shape.Rank != 4) return null;
        var shape = ConvAttributes.KernelShape(x.Shape, convSpec.Shape, w.Dims[..conv.SpatialRank], conv.Strides, conv.Pads, conv.Dilations, conv.Groups);
        var geometry = PoolGeometry.Of(convSpec.Shape, poolSpec.Shape, pool.Window, pool.Strides, pool.Pads);
        var activation = ((ConvStep)group.CreateStep(convSpec, null)).Activation;
        if (!Kernels.ConvPoolDirect.Fits(shape, geometry, activation) || !Kernels.ConvPoolDirect.CoversAll(geometry)) return null;
        var pooled = new PlannedPooled(poolSpec);
        context.PooledByConv[poolNode.Id] = pooled;
        int[] inputs = group.Inputs;
        return new PlanFusion(value, conv, inputs, group.Absorbed, (spec, buffer) =>
        {
            pooled.HasProducer = true;
            return new ConvKeepPoolStep(value, conv, inputs, spec, buffer, activation, pool, poolSpec, pooled);
        });
    }
}
