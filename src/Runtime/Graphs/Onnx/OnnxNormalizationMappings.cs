namespace LayerGen.Graphs;

/// <summary>The ONNX translations of the normalization ops (<c>src/Runtime/Ops/Normalization/</c>).</summary>
internal static class OnnxNormalizationMappings
{
#pragma warning disable CA2255 // registration is what module initializers are for
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Register()
    {
        OnnxOpMappings.Register<LayerNormOp>("LayerNorm", LayerNorm);
        OnnxOpMappings.RegisterNoTranslation("LayerNormGrad", "a gradient-only op (the backward pass of LayerNorm); gradients are not exported to ONNX");
    }
#pragma warning restore CA2255

    // ONNX LayerNormalization (opset 17) over the last axis, biased variance: the same function.
    private static void LayerNorm(LayerNormOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("LayerNormalization", node.Inputs, node.Output, ("axis", -1L), ("epsilon", (float)op.Epsilon));
}
