using LayerGen.Generators.Emitting;
using LayerGen.Generators.Parsing;
using LayerGen.SourceGeneration;
using Microsoft.CodeAnalysis;

namespace LayerGen.Generators;

/// <summary>
/// The <c>[KerasSerializable]</c> generator: for each <c>partial</c> loss, metric, optimizer, learning-rate
/// schedule, initializer, regularizer or constraint marked <c>[KerasSerializable]</c> it writes
/// <c>ClassName</c>, <c>RegisteredName</c>, <c>GetConfig</c>/<c>FromConfig</c> from the constructor (the same
/// config code as layers) and the <c>[ModuleInitializer]</c> that registers the class and Keras's string
/// aliases in its kind's <c>KerasRegistry</c>.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class KerasObjectGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps (used by the incrementality tests).</summary>
    public static class TrackingNames
    {
        /// <summary>The parsed model of each <c>[KerasSerializable]</c> class (null for input that is skipped).</summary>
        public const string Parse = "LayerGen.Layers.KerasObject.Parse";

        /// <summary>The models that generate a file.</summary>
        public const string Models = "LayerGen.Layers.KerasObject.Models";
    }

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
        => GeneratorPipeline.Register(
            context,
            KnownNames.KerasSerializableAttribute,
            static (syntaxContext, cancellationToken) => KerasObjectParser.Parse(syntaxContext, cancellationToken),
            static (model, cancellationToken) => KerasObjectEmitter.Emit(model, cancellationToken),
            static model => model.HintName,
            TrackingNames.Parse,
            TrackingNames.Models);
}
