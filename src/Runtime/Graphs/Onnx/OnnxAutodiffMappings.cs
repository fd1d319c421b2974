namespace LayerGen.Graphs;

/// <summary>The ONNX translations of the autodiff ops (<c>src/Runtime/Ops/Autodiff/</c>).</summary>
internal static class OnnxAutodiffMappings
{
#pragma warning disable CA2255 // registration is what module initializers are for
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Register()
    {
        OnnxOpMappings.Register<StopGradientOp>("StopGradient", StopGradient);
    }
#pragma warning restore CA2255

    private static void StopGradient(StopGradientOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
        => emitter.Node("Identity", node.Inputs, node.Output);
}
