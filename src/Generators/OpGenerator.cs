using LayerGen.Generators.Emitting;
using LayerGen.Generators.Parsing;
using LayerGen.SourceGeneration;
using Microsoft.CodeAnalysis;

namespace LayerGen.Generators;

/// <summary>
/// The <c>[Op]</c> generator: for each <c>partial</c> op class marked <c>[Op("Name")]</c> it writes, from the
/// constructor's parameters (the op's attributes, declared once), the static <c>Create(OpAttributes)</c> factory,
/// <c>WriteAttributes</c>, <c>DescribeAttributes</c>, <c>Name</c>, and the <c>[ModuleInitializer]</c> that
/// registers the op in <c>OpRegistry</c>: no reflection, so trimming and NativeAOT keep it.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class OpGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps (used by the incrementality tests).</summary>
    public static class TrackingNames
    {
        /// <summary>The parsed model of each <c>[Op]</c> class (null for input that is skipped).</summary>
        public const string Parse = "LayerGen.Operations.Op.Parse";

        /// <summary>The models that generate a file.</summary>
        public const string Models = "LayerGen.Operations.Op.Models";
    }

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
        => GeneratorPipeline.Register(
            context,
            KnownNames.OpAttribute,
            static (syntaxContext, cancellationToken) => OpParser.Parse(syntaxContext, cancellationToken),
            static (model, cancellationToken) => OpEmitter.Emit(model, cancellationToken),
            static model => model.HintName,
            TrackingNames.Parse,
            TrackingNames.Models);
}
