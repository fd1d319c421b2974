namespace LayerGen.Graphs;

/// <summary>
/// The ONNX translations of the convolution ops (<c>src/Runtime/Ops/Convolution/</c>). LayerGen's ops are channels_last
/// with Keras's kernel layouts; ONNX's Conv and ConvTranspose are channels_first with (out, in, *window) kernels, so the
/// translations wrap them in Transpose nodes (ONNX Runtime folds those of constant kernels).
/// </summary>
internal static class OnnxConvolutionMappings
{
#pragma warning disable CA2255 // registration is what module initializers are for
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Register()
    {
        OnnxOpMappings.Register<ConvOp>("Conv", Conv);
        OnnxOpMappings.Register<ConvTransposeOp>("ConvTranspose", ConvTranspose);
        OnnxOpMappings.RegisterNoTranslation("ConvFilterGrad", "a gradient-only op (the kernel gradient of Conv and ConvTranspose); gradients are not exported to ONNX");
    }
#pragma warning restore CA2255

    private static void Conv(ConvOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        int r = op.SpatialRank;
        var window = node.InputSpec(1).Shape.Dims[..r].ToArray();
        string x = ToChannelsFirst(emitter, node.Inputs[0], r);
        string w = KernelToOnnx(emitter, node.Inputs[1], r);
        string y = emitter.Temp("conv_nchw");
        emitter.Node("Conv", [x, w], y,
            ("dilations", OnnxNodeEmitter.Longs(op.Dilations)), ("group", (long)op.Groups), ("kernel_shape", OnnxNodeEmitter.Longs(window)),
            ("pads", OnnxNodeEmitter.Longs(op.Pads)), ("strides", OnnxNodeEmitter.Longs(op.Strides)));
        emitter.Node("Transpose", [y], node.Output, ("perm", ChannelsLastPerm(r)));
    }

    private static void ConvTranspose(ConvTransposeOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        int r = op.SpatialRank;
        var inputShape = node.InputSpec(0).Shape;
        var window = node.InputSpec(1).Shape.Dims[..r].ToArray();
        var outputPadding = op.OutputPadding(inputShape.Dims.Slice(1, r), window);
        string x = ToChannelsFirst(emitter, node.Inputs[0], r);
        // LayerGen's (*window, Cout/groups, Cin) is ONNX's (Cin, Cout/groups, *window): the same permutation as Conv's kernel.
        string w = KernelToOnnx(emitter, node.Inputs[1], r);
        string y = emitter.Temp("conv_transpose_nchw");
        emitter.Node("ConvTranspose", [x, w], y,
            ("dilations", OnnxNodeEmitter.Longs(op.Dilations)), ("group", (long)op.Groups), ("kernel_shape", OnnxNodeEmitter.Longs(window)),
            ("output_padding", OnnxNodeEmitter.Longs(outputPadding)), ("pads", OnnxNodeEmitter.Longs(op.Pads)), ("strides", OnnxNodeEmitter.Longs(op.Strides)));
        emitter.Node("Transpose", [y], node.Output, ("perm", ChannelsLastPerm(r)));
    }

    /// <summary>(N, *spatial, C) → (N, C, *spatial).</summary>
    private static string ToChannelsFirst(OnnxNodeEmitter emitter, string input, int r)
    {
        var perm = new long[r + 2];
        perm[1] = r + 1;
        for (int i = 0; i < r; i++) perm[2 + i] = 1 + i;
        string t = emitter.Temp("nchw");
        emitter.Node("Transpose", [input], t, ("perm", perm));
        return t;
    }

    /// <summary>(N, C, *spatial) → (N, *spatial, C).</summary>
    private static long[] ChannelsLastPerm(int r)
    {
        var perm = new long[r + 2];
        for (int i = 0; i < r; i++) perm[1 + i] = 2 + i;
        perm[r + 1] = 1;
        return perm;
    }

    /// <summary>A Keras kernel (*window, a, b) → ONNX's (b, a, *window).</summary>
    private static string KernelToOnnx(OnnxNodeEmitter emitter, string kernel, int r)
    {
        var perm = new long[r + 2];
        perm[0] = r + 1;
        perm[1] = r;
        for (int i = 0; i < r; i++) perm[2 + i] = i;
        string t = emitter.Temp("kernel_onnx");
        emitter.Node("Transpose", [kernel], t, ("perm", perm));
        return t;
    }
}
