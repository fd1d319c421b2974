using LayerGen.SourceGeneration;

namespace LayerGen.Generators.Emitting;

/// <summary>Text every emitter writes.</summary>
internal static class EmitterText
{
    /// <summary>The attribute on every generated member.</summary>
    public const string GeneratedCodeAttribute =
        "[global::System.CodeDom.Compiler.GeneratedCode(\"" + KnownNames.GeneratorName + "\", \"" + KnownNames.GeneratorVersion + "\")]";
}
