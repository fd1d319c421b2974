using LayerGen.Generators.Emitting;
using LayerGen.Generators.Parsing;
using LayerGen.SourceGeneration;
using Microsoft.CodeAnalysis;

namespace LayerGen.Generators;

/// <summary>
/// The <c>[Layer]</c> generator: for each <c>partial</c> class marked <c>[Layer]</c> it writes what
/// docs/design/layer-contract.md fixes: the <c>Layer</c> base when none is named, the default and
/// registered names, <c>VisitMembers</c>, the public <c>Invoke</c> that builds, checks and records
/// around the user's <c>Call</c>, <c>InvokeRecorded</c>, <c>GetConfig</c>/<c>FromConfig</c> from the
/// constructor, and the <c>[ModuleInitializer]</c> that registers the class.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class LayerGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps (used by the incrementality tests).</summary>
    public static class TrackingNames
    {
        /// <summary>The parsed model of each <c>[Layer]</c> class (null for input that is skipped).</summary>
        public const string Parse = "LayerGen.Layers.Layer.Parse";

        /// <summary>The models that generate a file.</summary>
        public const string Models = "LayerGen.Layers.Layer.Models";
    }

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
        => GeneratorPipeline.Register(
            context,
            KnownNames.LayerAttribute,
            static (syntaxContext, cancellationToken) => LayerParser.Parse(syntaxContext, cancellationToken),
            static (model, cancellationToken) => LayerEmitter.Emit(model, cancellationToken),
            static model => model.HintName,
            TrackingNames.Parse,
            TrackingNames.Models);
}
