namespace LayerGen.Graphs;

/// <summary>The ONNX translations of the shape ops (<c>src/Runtime/Ops/Shape/</c>).</summary>
internal static class OnnxShapeMappings
{
#pragma warning disable CA2255 // registration is what module initializers are for
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Register()
    {
        OnnxOpMappings.Register<BroadcastToOp>("BroadcastTo", BroadcastTo);
        OnnxOpMappings.Register<BroadcastToLikeOp>("BroadcastToLike", BroadcastToLike);
        OnnxOpMappings.Register<ConcatOp>("Concat", Concat);
        OnnxOpMappings.Register<GatherOp>("Gather", Gather);
        OnnxOpMappings.Register<OneHotOp>("OneHot", OneHot);
        OnnxOpMappings.Register<PadOp>("Pad", Pad);
        OnnxOpMappings.Register<ReduceToLikeOp>("ReduceToLike", ReduceToLike);
        OnnxOpMappings.Register<ReshapeOp>("Reshape", Reshape);
        OnnxOpMappings.Register<ReshapeLikeOp>("ReshapeLike", ReshapeLike);
        OnnxOpMappings.Register<ExpandDimsOp>("ExpandDims", ExpandDims);
        OnnxOpMappings.Register<SliceOp>("Slice", Slice);
        OnnxOpMappings.Register<SqueezeOp>("Squeeze", Squeeze);
        OnnxOpMappings.Register<TileOp>("Tile", Tile);
        OnnxOpMappings.Register<TransposeOp>("Transpose", Transpose);
        OnnxOpMappings.RegisterNoTranslation("GatherGrad", "a gradient-only op (the backward pass of Gather); gradients are not exported to ONNX");
        OnnxOpMappings.RegisterNoTranslation("PadGrad", "a gradient-only op (the backward pass of Pad); gradients are not exported to ONNX");
        OnnxOpMappings.RegisterNoTranslation("SliceGrad", "a gradient-only op (the backward pass of Slice); gradients are not exported to ONNX");
        OnnxOpMappings.RegisterNoTranslation("TileGrad", "a gradient-only op (the backward pass of Tile); gradients are not exported to ONNX");
    }
#pragma warning restore CA2255

    private static void BroadcastTo(BroadcastToOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Expand", [node.Inputs[0], emitter.Const("shape", OnnxNodeEmitter.Longs(op.Shape.ToArray()))], node.Output);

    private static void BroadcastToLike(BroadcastToLikeOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        var shape = emitter.Temp("shape");
        emitter.Node("Shape", [node.Inputs[1]], shape);
        emitter.Node("Expand", [node.Inputs[0], shape], node.Output);
    }

    private static void Concat(ConcatOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Concat", node.Inputs, node.Output, ("axis", (long)op.Axis));

    private static void Gather(GatherOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Gather", node.Inputs, node.Output, ("axis", (long)op.Axis));

    private static void OneHot(OneHotOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        // ONNX wraps negative indices; LayerGen gives all-off rows for them: map negatives past the end first.
        // ONNX Runtime implements int64 indices and depth with float values: cast around that.
        string output = node.Output;
        string idx = emitter.Temp("idx64");
        emitter.Node("Cast", [node.Inputs[0]], idx, ("to", 7L));
        string negative = emitter.Temp("negative"), safe = emitter.Temp("safe");
        emitter.Node("Less", [idx, emitter.Const("zero", [0], scalar: true)], negative);
        emitter.Node("Where", [negative, emitter.Const("past_end", [op.Depth], scalar: true), idx], safe);
        string values = emitter.Initializer("values", Tensor.From(new[] { (float)op.Off, (float)op.On }));
        string hot = op.DType == DType.Float32 ? output : emitter.Temp("onehot");
        emitter.Node("OneHot", [safe, emitter.Const("depth", [op.Depth], scalar: true), values], hot, ("axis", -1L));
        if (op.DType != DType.Float32) emitter.Node("Cast", [hot], output, ("to", (long)OnnxNodeEmitter.ElemType(op.DType)));
    }

    private static void Pad(PadOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Pad", [node.Inputs[0], emitter.Const("pads", [.. OnnxNodeEmitter.Longs(op.Before), .. OnnxNodeEmitter.Longs(op.After)]), emitter.ScalarConst("value", op.Value, node.OutputSpec.DType)], node.Output);

    private static void ReduceToLike(ReduceToLikeOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        Shape x = node.InputSpec(0).Shape, like = node.InputSpec(1).Shape;
        if (!x.IsFullyDefined || !like.IsFullyDefined)
            throw new OnnxExportException($"ONNX export: ReduceToLike needs known shapes, got {x} to {like}.");
        var axes = new List<long>();
        int shift = x.Rank - like.Rank;
        for (int i = 0; i < x.Rank; i++)
            if (i < shift || (like[i - shift] == 1 && x[i] != 1)) axes.Add(i);
        var summed = emitter.Temp("summed");
        emitter.Node("ReduceSum", axes.Count == 0 ? [node.Inputs[0]] : [node.Inputs[0], emitter.Const("axes", [.. axes])], summed, ("keepdims", 1L));
        emitter.Node("Reshape", [summed, emitter.Const("shape", OnnxNodeEmitter.Longs(like.ToArray()))], node.Output);
    }

    private static void Reshape(ReshapeOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Reshape", [node.Inputs[0], emitter.Const("shape", OnnxNodeEmitter.Longs(op.Shape.ToArray()))], node.Output);

    private static void ReshapeLike(ReshapeLikeOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        var shape = emitter.Temp("shape");
        emitter.Node("Shape", [node.Inputs[1]], shape);
        emitter.Node("Reshape", [node.Inputs[0], shape], node.Output);
    }

    private static void ExpandDims(ExpandDimsOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        int axis = op.Axis < 0 ? op.Axis + node.OutputSpec.Shape.Rank : op.Axis;
        emitter.Node("Unsqueeze", [node.Inputs[0], emitter.Const("axes", [axis])], node.Output);
    }

    private static void Slice(SliceOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        var ends = new long[op.Begin.Length];
        for (int i = 0; i < ends.Length; i++) ends[i] = op.Size[i] == -1 ? long.MaxValue : op.Begin[i] + op.Size[i];
        emitter.Node("Slice", [node.Inputs[0], emitter.Const("starts", OnnxNodeEmitter.Longs(op.Begin)), emitter.Const("ends", ends), emitter.Const("axes", OnnxNodeEmitter.Longs(Enumerable.Range(0, ends.Length)))], node.Output);
    }

    private static void Squeeze(SqueezeOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Squeeze", op.Axes is null ? [node.Inputs[0]] : [node.Inputs[0], emitter.Const("axes", OnnxNodeEmitter.Longs(op.Axes))], node.Output);

    private static void Tile(TileOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Tile", [node.Inputs[0], emitter.Const("repeats", OnnxNodeEmitter.Longs(op.Multiples))], node.Output);

    private static void Transpose(TransposeOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        if (op.Perm is null) emitter.Node("Transpose", node.Inputs, node.Output);
        else emitter.Node("Transpose", node.Inputs, node.Output, ("perm", OnnxNodeEmitter.Longs(op.Perm)));
    }
}
