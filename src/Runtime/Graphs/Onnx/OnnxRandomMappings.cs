namespace LayerGen.Graphs;

/// <summary>
/// The random ops (<c>src/Runtime/Ops/Random/</c>) have no ONNX translation: ONNX's <c>RandomUniformLike</c> and
/// <c>RandomNormalLike</c> draw from the runtime's own generator, not from LayerGen's seed-and-counter state, so the
/// values (and the reproducibility from a seed) would not carry over. They appear only in training graphs (dropout,
/// noise layers called with <c>training: true</c>); export the inference graph (<c>training: false</c>) instead.
/// </summary>
internal static class OnnxRandomMappings
{
    private const string Reason = "a random op drawing from LayerGen's seed-and-counter generator state (dropout and noise layers in training); ONNX export is for inference graphs: trace the model with training: false";

#pragma warning disable CA2255 // registration is what module initializers are for
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Register()
    {
        OnnxOpMappings.RegisterNoTranslation("RandomUniform", Reason);
        OnnxOpMappings.RegisterNoTranslation("RandomNormal", Reason);
    }
#pragma warning restore CA2255
}
