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

    /// <summary>The <c>RegisteredName</c> override (<c>package&gt;ClassName</c>) of a layer or Keras object.</summary>
    public static void WriteRegisteredName(IndentedSourceWriter writer, string registeredName)
    {
        writer.WriteLine("/// <summary>Keras's registered name, <c>package&gt;ClassName</c>.</summary>");
        writer.WriteLine(GeneratedCodeAttribute);
        writer.WriteLine("public override string RegisteredName => " + Naming.StringLiteral(registeredName) + ";");
    }
}
