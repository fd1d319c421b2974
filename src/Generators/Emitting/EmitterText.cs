using LayerGen.SourceGeneration;

namespace LayerGen.Generators.Emitting;

/// <summary>Text every emitter writes.</summary>
internal static class EmitterText
{
    /// <summary>The attribute on every generated member.</summary>
    public const string GeneratedCodeAttribute =
        "[global::System.CodeDom.Compiler.GeneratedCode(\"" + KnownNames.GeneratorName + "\", \"" + KnownNames.GeneratorVersion + "\")]";

    /// <summary>
    /// Writes the members of a generated part, one section each, separated by a blank line; checks for
    /// cancellation between sections.
    /// </summary>
    public static void WriteSections(IndentedSourceWriter writer, List<Action> sections, CancellationToken cancellationToken)
    {
        for (int i = 0; i < sections.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (i > 0) writer.WriteLine();
            sections[i]();
        }
    }
}
