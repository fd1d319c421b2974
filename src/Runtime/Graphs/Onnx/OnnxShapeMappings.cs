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

    /// <summary>
    /// Sums x over the axes where it was broadcast to, then drops x's extra leading axes. An axis is summed when x has it
    /// and like does not, or like's size there is 1 (summing an axis of size 1 changes nothing, so that also holds when
    /// x's size is 1). When like's size is unknown where x's is not 1, the axes are computed in the model from like's
    /// runtime shape. Never writes a ReduceSum without axes (ONNX reads that as "every axis").
    /// </summary>
    private static void ReduceToLike(ReduceToLikeOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        Shape x = node.InputSpec(0).Shape, like = node.InputSpec(1).Shape;
        int shift = x.Rank - like.Rank;
        var axes = new List<long>();
        bool dynamic = false;
        for (int i = 0; i < x.Rank; i++)
        {
            if (i < shift) { axes.Add(i); continue; }
            int l = like[i - shift];
            if (l == 1) axes.Add(i);
            else if (l < 0 && x[i] != 1) dynamic = true;
        }
        string summed = shift == 0 ? node.Output : emitter.Temp("summed");
        if (dynamic)
        {
            // axes = [0, shift) followed by shift + (indices where like's runtime size is 1)
            var likeShape = emitter.Temp("like_shape");
            emitter.Node("Shape", [node.Inputs[1]], likeShape);
            var isOne = emitter.Temp("is_one");
            emitter.Node("Equal", [likeShape, emitter.Const("one", [1], scalar: true)], isOne);
            var found = emitter.Temp("found");
            emitter.Node("NonZero", [isOne], found);
            var tail = emitter.Temp("tail_axes");
            emitter.Node("Reshape", [found, emitter.Const("shape", [-1])], tail);
            string dynamicAxes = tail;
            if (shift > 0)
            {
                var shifted = emitter.Temp("shifted_axes");
                emitter.Node("Add", [tail, emitter.Const("shift", [shift], scalar: true)], shifted);
                dynamicAxes = emitter.Temp("axes");
                emitter.Node("Concat", [emitter.Const("leading_axes", [.. Enumerable.Range(0, shift).Select(a => (long)a)]), shifted], dynamicAxes, ("axis", 0L));
            }
            emitter.Node("ReduceSum", [node.Inputs[0], dynamicAxes], summed, ("keepdims", 1L), ("noop_with_empty_axes", 1L));
        }
        else if (axes.Count > 0) emitter.Node("ReduceSum", [node.Inputs[0], emitter.Const("axes", [.. axes])], summed, ("keepdims", 1L));
        else emitter.Node("Identity", [node.Inputs[0]], summed);
        if (shift == 0) return;   // the reduced axes are kept as size 1: the shape is like's
        if (like.IsFullyDefined)
            emitter.Node("Reshape", [summed, emitter.Const("shape", OnnxNodeEmitter.Longs(like.ToArray()))], node.Output);
        else
        {
            var likeShape = emitter.Temp("like_shape");
            emitter.Node("Shape", [node.Inputs[1]], likeShape);
            emitter.Node("Reshape", [summed, likeShape], node.Output);
        }
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
    {
        // An empty axis list removes nothing; ONNX's Squeeze reads empty axes as "every size-1 axis".
        if (op.Axes is { Length: 0 }) emitter.Node("Identity", [node.Inputs[0]], node.Output);
        else emitter.Node("Squeeze", op.Axes is null ? [node.Inputs[0]] : [node.Inputs[0], emitter.Const("axes", OnnxNodeEmitter.Longs(op.Axes))], node.Output);
    }

    private static void Tile(TileOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Tile", [node.Inputs[0], emitter.Const("repeats", OnnxNodeEmitter.Longs(op.Multiples))], node.Output);

    private static void Transpose(TransposeOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        if (op.Perm is null) emitter.Node("Transpose", node.Inputs, node.Output);
        else emitter.Node("Transpose", node.Inputs, node.Output, ("perm", OnnxNodeEmitter.Longs(op.Perm)));
    }
}
