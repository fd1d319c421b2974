namespace LayerGen.Graphs;

/// <summary>The ONNX translations of the reduction ops (<c>src/Runtime/Ops/Reduction/</c>).</summary>
internal static class OnnxReductionMappings
{
#pragma warning disable CA2255 // registration is what module initializers are for
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Register()
    {
        OnnxOpMappings.Register<ArgMaxOp>("ArgMax", ArgMax);
        OnnxOpMappings.Register<ArgMaxOp>("ArgMin", ArgMax);
        OnnxOpMappings.Register<MaxOp>("Max", Max);
        OnnxOpMappings.Register<MeanOp>("Mean", Mean);
        OnnxOpMappings.Register<MinOp>("Min", Min);
        OnnxOpMappings.Register<ProdOp>("Prod", Prod);
        OnnxOpMappings.Register<SumOp>("Sum", Sum);
        OnnxOpMappings.RegisterNoTranslation("ProdExceptSelf", "a gradient-only op (the backward pass of Prod); gradients are not exported to ONNX");
        OnnxOpMappings.RegisterNoTranslation("ReducedCount", "a gradient-only op (the backward pass of Mean); gradients are not exported to ONNX");
    }
#pragma warning restore CA2255

    private static void ArgMax(ArgMaxOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        string type = op.Smallest ? "ArgMin" : "ArgMax";
        if (op.Axis is int axis) emitter.Node(type, node.Inputs, node.Output, ("axis", (long)axis), ("keepdims", op.KeepDims ? 1L : 0L));
        else
        {
            var flat = emitter.Temp("flat");
            emitter.Node("Reshape", [node.Inputs[0], emitter.Const("shape", [-1])], flat);
            var idx = emitter.Temp("idx");
            emitter.Node(type, [flat], idx, ("axis", 0L), ("keepdims", 0L));
            emitter.Node("Reshape", [idx, emitter.Const("shape", OnnxNodeEmitter.Longs(node.OutputSpec.Shape.ToArray()))], node.Output);
        }
    }

    private static void Max(MaxOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        if (op.Axes is null) emitter.Node("ReduceMax", node.Inputs, node.Output, ("keepdims", op.KeepDims ? 1L : 0L));
        else emitter.Node("ReduceMax", node.Inputs, node.Output, ("axes", OnnxNodeEmitter.Longs(op.Axes)), ("keepdims", op.KeepDims ? 1L : 0L));
    }

    private static void Mean(MeanOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        if (op.Axes is null) emitter.Node("ReduceMean", node.Inputs, node.Output, ("keepdims", op.KeepDims ? 1L : 0L));
        else emitter.Node("ReduceMean", node.Inputs, node.Output, ("axes", OnnxNodeEmitter.Longs(op.Axes)), ("keepdims", op.KeepDims ? 1L : 0L));
    }

    private static void Min(MinOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        if (op.Axes is null) emitter.Node("ReduceMin", node.Inputs, node.Output, ("keepdims", op.KeepDims ? 1L : 0L));
        else emitter.Node("ReduceMin", node.Inputs, node.Output, ("axes", OnnxNodeEmitter.Longs(op.Axes)), ("keepdims", op.KeepDims ? 1L : 0L));
    }

    private static void Prod(ProdOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        if (op.Axes is null) emitter.Node("ReduceProd", node.Inputs, node.Output, ("keepdims", op.KeepDims ? 1L : 0L));
        else emitter.Node("ReduceProd", node.Inputs, node.Output, ("axes", OnnxNodeEmitter.Longs(op.Axes)), ("keepdims", op.KeepDims ? 1L : 0L));
    }

    private static void Sum(SumOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("ReduceSum", op.Axes is null ? [node.Inputs[0]] : [node.Inputs[0], emitter.Const("axes", OnnxNodeEmitter.Longs(op.Axes))], node.Output, ("keepdims", op.KeepDims ? 1L : 0L));
}
