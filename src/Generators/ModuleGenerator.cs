using LayerGen.Generators.Emitting;
using LayerGen.Generators.Parsing;
using LayerGen.SourceGeneration;
using Microsoft.CodeAnalysis;

namespace LayerGen.Generators;

/// <summary>
/// The <c>[Module]</c> generator: for each <c>partial</c> class marked <c>[Module]</c> it writes the
/// <c>VisitMembers</c> override that lists the class's variables and submodules (what <c>tf.Module</c>
/// finds at run time by walking <c>__dict__</c>; none when the class has no tracked member of its own), the
/// default name where the runtime's differs, and the <c>Module</c> base when the class names none.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ModuleGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps (used by the incrementality tests).</summary>
    public static class TrackingNames
    {
        /// <summary>The parsed model of each <c>[Module]</c> class (null for input that is skipped).</summary>
        public const string Parse = "LayerGen.Modules.Module.Parse";

        /// <summary>The models that generate a file.</summary>
        public const string Models = "LayerGen.Modules.Module.Models";
    }

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
        => GeneratorPipeline.Register(
            context,
            KnownNames.ModuleAttribute,
            static (syntaxContext, cancellationToken) => ModuleParser.Parse(syntaxContext, cancellationToken),
            static (model, cancellationToken) => ModuleEmitter.Emit(model, cancellationToken),
            static model => model.HintName,
            TrackingNames.Parse,
            TrackingNames.Models);
}
