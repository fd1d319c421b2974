using LayerGen.Generators.Emitting;
using LayerGen.Generators.Parsing;
using LayerGen.SourceGeneration;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace LayerGen.Generators;

/// <summary>
/// The <c>[Layer]</c> generator: for each <c>partial</c> class marked <c>[Layer]</c> it writes what
/// docs/design/layer-contract.md fixes: the <c>Layer</c> base when none is named, the default and
/// registered names, <c>VisitMembers</c>, the public <c>Invoke</c> that builds, checks and records
/// around the user's <c>Call</c>, <c>InvokeRecorded</c>, <c>GetConfig</c>/<c>FromConfig</c> from the
/// constructor, and the assembly's one <c>[ModuleInitializer]</c> that registers its classes.
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

        /// <summary>The entries of the assembly's registration file (all classes at once).</summary>
        public const string Registrations = "LayerGen.Layers.Layer.Registrations";
    }

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var models = GeneratorPipeline.Register(
            context,
            KnownNames.LayerAttribute,
            static (syntaxContext, cancellationToken) => LayerParser.Parse(syntaxContext, cancellationToken),
            static (model, cancellationToken) => LayerEmitter.Emit(model, cancellationToken),
            static model => model.HintName,
            TrackingNames.Parse,
            TrackingNames.Models);

        // One module initializer registers every class of the assembly (LayerRegistrationEmitter).
        var registrations = models
            .Select(static (model, _) => LayerRegistrationEmitter.Entry(model))
            .Where(static entry => entry is not null)
            .Select(static (entry, _) => entry!)
            .Collect()
            .Select(static (entries, _) => entries.ToEquatableArray())
            .WithTrackingName(TrackingNames.Registrations);
        context.RegisterSourceOutput(registrations, static (output, entries) =>
        {
            if (!entries.IsEmpty)
                output.AddSource(LayerRegistrationEmitter.HintName,
                    SourceText.From(LayerRegistrationEmitter.Emit(entries, output.CancellationToken), Encoding.UTF8));
        });
    }
}
