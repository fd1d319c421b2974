namespace LayerGen.Graphs;

/// <summary>
/// <c>MaxPool(act(conv(x, W) + b))</c>: a group <see cref="ConvBiasActivationFusion"/> matches (float32, one group,
/// not a pointwise convolution) whose value's only use is a float32 <see cref="MaxPoolOp"/>, not a graph output: in an
/// inference plan the convolution's output is needed by nothing but the pool (a training plan keeps it for the
/// gradients, so this rule does not match there). Runs as one <see cref="ConvPoolStep"/>.
/// </summary>
internal sealed class ConvPoolFusion : PlanFusionRule
{
    private readonly ConvBiasActivationFusion _conv = new();

    /// <inheritdoc/>
    public override PlanFusion? TryFuse(PlanFusionContext context, GraphNode node)
    {
        if (node.Op is not ConvOp { Groups: 1 } conv || _conv.TryFuse(context, node) is not { } group) return null;
        if (context.SoleConsumer(group.NodeId) is not { Op: MaxPoolOp pool } poolNode) return null;
        var convSpec = context.Specs[group.NodeId];
        var x = context.Specs[node.Inputs[0]].Shape;
        var w = context.Specs[node.Inputs[1]].Shape;
        if (context.Specs[poolNode.Id].DType != DType.Float32 || !x.IsFullyDefined || !w.IsFullyDefined) return null;
        var shape = ConvAttributes.KernelShape(x, convSpec.Shape, w.Dims[..conv.SpatialRank], conv.Strides, conv.Pads, conv.Dilations, conv.Groups);
        if (shape.IsPointwise) return null;
        var activation = ((ConvStep)group.CreateStep(convSpec, null)).Activation;
        int id = poolNode.Id;
        int[] inputs = group.Inputs;
        return new PlanFusion(id, conv, inputs, [.. group.Absorbed, id],
            (spec, buffer) => new ConvPoolStep(id, conv, pool, inputs, spec, buffer, convSpec, activation));
    }
}
