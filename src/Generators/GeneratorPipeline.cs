using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace LayerGen.Generators;

/// <summary>
/// The pipeline every LayerGen generator runs: classes carrying one attribute
/// (<c>ForAttributeWithMetadataName</c>), parsed into a value-equatable model (null for input that is skipped,
/// its diagnostics left to the analyzers), then one file emitted per model. Each generator names its attribute,
/// parser, emitter and tracking names; the steps between are written once here.
/// </summary>
internal static class GeneratorPipeline
{
    /// <summary>Registers the pipeline for classes marked with <paramref name="attributeMetadataName"/>; returns the models (for outputs over all of them).</summary>
    public static IncrementalValuesProvider<TModel> Register<TModel>(
        IncrementalGeneratorInitializationContext context,
        string attributeMetadataName,
        Func<GeneratorAttributeSyntaxContext, CancellationToken, TModel?> parse,
        Func<TModel, CancellationToken, string> emit,
        Func<TModel, string> hintName,
        string parseTrackingName,
        string modelsTrackingName)
        where TModel : class
    {
        var models = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                attributeMetadataName,
                static (node, _) => node is ClassDeclarationSyntax,
                (syntaxContext, cancellationToken) => parse(syntaxContext, cancellationToken))
            .WithTrackingName(parseTrackingName)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(modelsTrackingName);

        context.RegisterSourceOutput(models, (output, model) =>
            output.AddSource(hintName(model), SourceText.From(emit(model, output.CancellationToken), Encoding.UTF8)));
        return models;
    }
}
