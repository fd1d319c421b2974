namespace LayerGen.Graphs;

/// <summary>
/// The ONNX translations of the pooling ops (<c>src/Runtime/Ops/Pooling/</c>). ONNX's MaxPool, AveragePool and Resize
/// read NCHW, LayerGen's ops channels-last: each node is wrapped in two Transposes.
/// </summary>
internal static class OnnxPoolingMappings
{
#pragma warning disable CA2255 // registration is what module initializers are for
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Register()
    {
        OnnxOpMappings.Register<MaxPoolOp>("MaxPool", MaxPool);
        OnnxOpMappings.Register<AvgPoolOp>("AvgPool", AvgPool);
        OnnxOpMappings.Register<ResizeBilinearOp>("ResizeBilinear", ResizeBilinear);
        OnnxOpMappings.RegisterNoTranslation("MaxPoolGrad", "a gradient-only op (the backward pass of MaxPool); gradients are not exported to ONNX");
        OnnxOpMappings.RegisterNoTranslation("MaxPoolGradGrad", "a gradient-only op (the backward pass of MaxPoolGrad); gradients are not exported to ONNX");
        OnnxOpMappings.RegisterNoTranslation("AvgPoolGrad", "a gradient-only op (the backward pass of AvgPool); gradients are not exported to ONNX");
        OnnxOpMappings.RegisterNoTranslation("ResizeBilinearGrad", "a gradient-only op (the backward pass of ResizeBilinear); gradients are not exported to ONNX");
    }
#pragma warning restore CA2255

    private static void MaxPool(MaxPoolOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => ChannelsFirst(emitter, node, "MaxPool", ("kernel_shape", OnnxNodeEmitter.Longs(op.Window)), ("strides", OnnxNodeEmitter.Longs(op.Strides)), ("pads", OnnxNodeEmitter.Longs(op.Pads)));

    private static void AvgPool(AvgPoolOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => ChannelsFirst(emitter, node, "AveragePool", ("kernel_shape", OnnxNodeEmitter.Longs(op.Window)), ("strides", OnnxNodeEmitter.Longs(op.Strides)), ("pads", OnnxNodeEmitter.Longs(op.Pads)), ("count_include_pad", 0L));

    private static void ResizeBilinear(ResizeBilinearOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        // sizes = [N, C] of the NCHW input (the batch may be symbolic) followed by the output height and width.
        var input = ToChannelsFirst(emitter, node);
        string shape = emitter.Temp("shape"), batchAndChannels = emitter.Temp("batch_channels"), sizes = emitter.Temp("sizes");
        emitter.Node("Shape", [input], shape);
        emitter.Node("Slice", [shape, emitter.Const("starts", [0]), emitter.Const("ends", [2])], batchAndChannels);
        emitter.Node("Concat", [batchAndChannels, emitter.Const("size", OnnxNodeEmitter.Longs(op.Size))], sizes, ("axis", 0L));
        string resized = emitter.Temp("resized");
        emitter.Node("Resize", [input, "", "", sizes], resized, ("mode", "linear"), ("coordinate_transformation_mode", "half_pixel"));
        FromChannelsFirst(emitter, node, resized);
    }

    private static void ChannelsFirst(OnnxNodeEmitter emitter, OnnxNodeContext node, string opType, params (string Name, object Value)[] attributes)
    {
        var input = ToChannelsFirst(emitter, node);
        string pooled = emitter.Temp(opType);
        emitter.Node(opType, [input], pooled, attributes);
        FromChannelsFirst(emitter, node, pooled);
    }

    private static string ToChannelsFirst(OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        int rank = node.InputSpec(0).Shape.Rank;
        string t = emitter.Temp("nchw");
        emitter.Node("Transpose", [node.Inputs[0]], t, ("perm", (long[])[0, rank - 1, .. Enumerable.Range(1, rank - 2).Select(a => (long)a)]));
        return t;
    }

    private static void FromChannelsFirst(OnnxNodeEmitter emitter, OnnxNodeContext node, string value)
    {
        int rank = node.OutputSpec.Shape.Rank;
        emitter.Node("Transpose", [value], node.Output, ("perm", (long[])[0, .. Enumerable.Range(2, rank - 2).Select(a => (long)a), 1]));
    }
}
