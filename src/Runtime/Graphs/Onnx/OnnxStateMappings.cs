namespace LayerGen.Graphs;

/// <summary>
/// The state ops (<c>src/Runtime/Ops/State/</c>) have no ONNX translation: an ONNX model is a pure function of its
/// inputs and initializers and cannot write a variable. Assignments appear only in training graphs
/// (BatchNormalization's moving statistics with <c>training: true</c>); export the inference graph instead.
/// </summary>
internal static class OnnxStateMappings
{
#pragma warning disable CA2255 // registration is what module initializers are for
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Register()
    {
        OnnxOpMappings.RegisterNoTranslation("AssignVariable", "a variable assignment (BatchNormalization's moving statistics in training); ONNX models cannot write variables: trace the model with training: false");
    }
#pragma warning restore CA2255
}
