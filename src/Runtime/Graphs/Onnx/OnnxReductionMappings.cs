using LayerGen.Kernels;

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
        OnnxOpMappings.Register<ReducedCountOp>("ReducedCount", ReducedCount);
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
        if (NoAxes(op, emitter, node)) return;
        if (op.Axes is null) emitter.Node("ReduceMax", node.Inputs, node.Output, ("keepdims", op.KeepDims ? 1L : 0L));
        else emitter.Node("ReduceMax", node.Inputs, node.Output, ("axes", OnnxNodeEmitter.Longs(op.Axes)), ("keepdims", op.KeepDims ? 1L : 0L));
    }

    private static void Mean(MeanOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        if (NoAxes(op, emitter, node)) return;
        if (op.Axes is null) emitter.Node("ReduceMean", node.Inputs, node.Output, ("keepdims", op.KeepDims ? 1L : 0L));
        else emitter.Node("ReduceMean", node.Inputs, node.Output, ("axes", OnnxNodeEmitter.Longs(op.Axes)), ("keepdims", op.KeepDims ? 1L : 0L));
    }

    private static void Min(MinOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        if (NoAxes(op, emitter, node)) return;
        if (op.Axes is null) emitter.Node("ReduceMin", node.Inputs, node.Output, ("keepdims", op.KeepDims ? 1L : 0L));
        else emitter.Node("ReduceMin", node.Inputs, node.Output, ("axes", OnnxNodeEmitter.Longs(op.Axes)), ("keepdims", op.KeepDims ? 1L : 0L));
    }

    private static void Prod(ProdOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        if (NoAxes(op, emitter, node)) return;
        if (op.Axes is null) emitter.Node("ReduceProd", node.Inputs, node.Output, ("keepdims", op.KeepDims ? 1L : 0L));
        else emitter.Node("ReduceProd", node.Inputs, node.Output, ("axes", OnnxNodeEmitter.Longs(op.Axes)), ("keepdims", op.KeepDims ? 1L : 0L));
    }

    private static void Sum(SumOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        if (NoAxes(op, emitter, node)) return;
        emitter.Node("ReduceSum", op.Axes is null ? [node.Inputs[0]] : [node.Inputs[0], emitter.Const("axes", OnnxNodeEmitter.Longs(op.Axes))], node.Output, ("keepdims", op.KeepDims ? 1L : 0L));
    }

    /// <summary>
    /// A reduction over an empty axis list reduces nothing (its output is its input), but ONNX reads missing or empty
    /// axes as "every axis": write an <c>Identity</c> instead. True when it did.
    /// </summary>
    private static bool NoAxes(ReductionOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        if (op.Axes is not { Length: 0 }) return false;
        emitter.Node("Identity", [node.Inputs[0]], node.Output);
        return true;
    }

    /// <summary>
    /// The number of elements a reduction folds together, as a scalar of the input's dtype: a constant when the reduced
    /// dimensions are known, otherwise the product of the input's runtime shape over the reduced axes.
    /// </summary>
    private static void ReducedCount(ReducedCountOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        var spec = node.InputSpec(0);
        var reduced = Reduce.Mask(op.Name, spec.Shape, op.Axes);
        var axes = Enumerable.Range(0, reduced.Length).Where(i => reduced[i]).ToArray();
        if (axes.All(i => spec.Shape[i] >= 0))
        {
            long count = 1;
            foreach (int i in axes) count *= spec.Shape[i];
            emitter.Node("Identity", [emitter.ScalarConst("count", count, node.OutputSpec.DType)], node.Output);
            return;
        }
        var shape = emitter.Temp("shape");
        emitter.Node("Shape", [node.Inputs[0]], shape);
        var dims = shape;
        if (axes.Length < reduced.Length)
        {
            dims = emitter.Temp("dims");
            emitter.Node("Gather", [shape, emitter.Const("axes", OnnxNodeEmitter.Longs(axes))], dims, ("axis", 0L));
        }
        var count64 = emitter.Temp("count");
        emitter.Node("ReduceProd", [dims], count64, ("keepdims", 0L));
        emitter.Node("Cast", [count64], node.Output, ("to", (long)OnnxNodeEmitter.ElemType(node.OutputSpec.DType)));
    }
}
