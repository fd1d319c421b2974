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
        int id = relu.Id;
        var sums = ImageSumsFor(context, relu.Id, spec);
        var (partials, convInput) = FilterPartialsFor(context, relu.Id, spec);
        int[] inputs = partials is null ? [node.Inputs[0], node.Inputs[1]] : [node.Inputs[0], node.Inputs[1], convInput];
        // Used only by the bias gradient and the kernel gradient that take the sums and partials (one use each): then the
        // step need not write the value at all when it writes both (MaxPoolReluGradStep).
        bool onlyForSums = sums is not null && partials is not null && context.Uses[relu.Id] == 2 && !context.Graph.OutputIds.Contains(relu.Id);
        // The pooled convolution's training step writes route bytes for this gradient instead of its output.
        var route = context.PoolRoutes.TryGetValue(node.Inputs[1], out var pooled) ? pooled : null;
        return new PlanFusion(id, pool, inputs, [node.Id, relu.Id], (s, buffer) =>
        {
            if (sums is not null) sums.HasProducer = true;
            if (partials is not null) partials.HasProducer = true;
            if (route is not null) route.RouteHasConsumer = true;
            return new MaxPoolReluGradStep(id, pool, inputs, s, buffer, sums, partials, onlyForSums, route);
        });
    }

    /// <summary>
    /// When the fused value (a float32 <c>[N, H, W, C]</c> convolution output gradient) is also the output gradient of a
    /// shallow convolution's <see cref="ConvFilterGradOp"/> whose per-image kernel gradient fits
    /// (<see cref="Kernels.ConvKernels.FilterGradPerImageFits"/>; its input <c>x</c> computed before this node): the
    /// partials the pass writes for it and x's node (a third input of the step), registered in <paramref name="context"/>
    /// for <see cref="FilterGradFromImagePartialsFusion"/>. Otherwise null.
    /// </summary>
    private static (PlannedFilterPartials? Partials, int ConvInput) FilterPartialsFor(PlanFusionContext context, int value, TensorSpec spec)
    {
        var shape = spec.Shape;
        if (spec.DType != DType.Float32 || shape.Rank != 4 || shape[0] <= 0) return (null, -1);
        var nodes = context.Graph.Nodes;
        for (int i = value + 1; i < nodes.Count; i++)
        {
            var n = nodes[i];
            if (n.Kind != GraphNodeKind.Op || n.Op is not ConvFilterGradOp conv || conv.SpatialRank != 2) continue;
            if (n.Inputs[1] != value || n.Inputs[0] >= value || context.FilterGradPartials.ContainsKey(n.Id)) continue;
            var x = context.Specs[n.Inputs[0]];
            if (x.DType != DType.Float32 || !x.Shape.IsFullyDefined || x.Shape.Rank != 4) continue;
            var s = ConvAttributes.KernelShape(x.Shape, shape, conv.Window, conv.Strides, conv.Pads, conv.Dilations, conv.Groups);
            if (!Kernels.ConvKernels.FilterGradPerImageFits(s) || s.N != shape[0] || s.OH != shape[1] || s.OW != shape[2] || s.Cout != shape[3]) continue;
            var partials = new PlannedFilterPartials(s);
            context.FilterGradPartials[n.Id] = partials;
            return (partials, n.Inputs[0]);
        }
        return (null, -1);
    }

    /// <summary>
    /// When the fused value (a float32 <c>[N, H, W, C]</c> convolution output gradient) is also summed to a bias's shape by
    /// a <see cref="ReduceToLikeOp"/> to a bias of shape (C) (the conv layer's bias gradient; C a multiple of 16, at most
    /// <see cref="Kernels.ColumnSums.MaxBlockedInner"/>): the per-image sums the pass writes for it, registered in
    /// <paramref name="context"/> for <see cref="BiasGradFromImageSumsFusion"/>. Otherwise null.
    /// </summary>
    private static PlannedImageSums? ImageSumsFor(PlanFusionContext context, int value, TensorSpec spec)
    {
        var shape = spec.Shape;
        if (spec.DType != DType.Float32 || shape.Rank != 4) return null;
        int c = shape[3];
        if (c % 16 != 0 || c > Kernels.ColumnSums.MaxBlockedInner || shape[0] <= 0) return null;
        var nodes = context.Graph.Nodes;
        for (int i = value + 1; i < nodes.Count; i++)
        {
            var n = nodes[i];
            if (n.Kind != GraphNodeKind.Op || n.Op is not ReduceToLikeOp || n.Inputs[0] != value || n.Inputs[1] == value) continue;
            var bias = context.Specs[n.Id].Shape;
            if (bias.Rank != 1 || bias[0] != c || context.BiasGradSums.ContainsKey(n.Id)) continue;
            var sums = new PlannedImageSums(shape[0], c);
            context.BiasGradSums[n.Id] = sums;
            return sums;
        }
        return null;
    }
}
