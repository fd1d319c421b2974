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
        var pooled = new PlannedPooled(poolSpec) { Route = RouteFits(context, value, poolNode, pool, geometry) ? new byte[poolSpec.Shape.Size] : null };
        context.PooledByConv[poolNode.Id] = pooled;
        if (pooled.Route is not null) context.PoolRoutes[value] = pooled;
        int[] inputs = group.Inputs;
        return new PlanFusion(value, conv, inputs, group.Absorbed, (spec, buffer) =>
        {
            pooled.HasProducer = true;
            return new ConvKeepPoolStep(value, conv, inputs, spec, buffer, activation, pool, poolSpec, pooled);
        });
    }

    /// <summary>
    /// Whether the convolution's value has exactly three uses, the pool, a <see cref="MaxPoolGradOp"/> of the same pooling
    /// over it (used once) and the <see cref="ReluGradOp"/> of that gradient by it (what <see cref="MaxPoolReluGradFusion"/>
    /// fuses), and the tiled kernel runs that gradient: then the gradient can read the route bytes instead of the value.
    /// </summary>
    private static bool RouteFits(PlanFusionContext context, int value, GraphNode poolNode, MaxPoolOp pool, in PoolGeometry geometry)
    {
        if (context.Uses[value] != 3 || context.Graph.OutputIds.Contains(value) || !MaxPoolTiled.Fits(geometry, DType.Float32)) return false;
        var nodes = context.Graph.Nodes;
        GraphNode? grad = null, relu = null;
        for (int i = value + 1; i < nodes.Count; i++)
        {
            var n = nodes[i];
            if (n.Kind != GraphNodeKind.Op || n == poolNode || !n.Inputs.Contains(value)) continue;
            if (n.Op is MaxPoolGradOp g && grad is null && n.Inputs.Count == 2 && n.Inputs[1] == value && n.Inputs[0] != value
                && g.Window.SequenceEqual(pool.Window) && g.Strides.SequenceEqual(pool.Strides) && g.Pads.SequenceEqual(pool.Pads)) grad = n;
            else if (n.Op is ReluGradOp && relu is null && n.Inputs.Count == 2 && n.Inputs[1] == value && n.Inputs[0] != value) relu = n;
            else return false;
        }
        return grad is not null && relu is not null && relu.Inputs[0] == grad.Id && context.SoleConsumer(grad.Id) == relu;
    }
}
