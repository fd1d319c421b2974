using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Benchmarks.GeneratedVolume;

/// <summary>
/// The least an attribute-driven generator does on the volume project: finds the <c>[Layer]</c> and <c>[Module]</c>
/// classes with <c>ForAttributeWithMetadataName</c> (as LayerGen's generators do) and reads the type of every member
/// (as any parser of them must), then writes nothing. Built with <c>-p:FloorMode=walk</c> it skips the members.
/// build_breakdown.py loads it next to the generated files compiled as plain sources: the difference to the real
/// attributed build is what LayerGen's parsers and emitters cost beyond this floor.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class FloorGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        foreach (var attribute in new[] { "LayerGen.Modules.LayerAttribute", "LayerGen.Modules.ModuleAttribute" })
        {
            var names = context.SyntaxProvider.ForAttributeWithMetadataName(
                attribute,
                static (node, _) => node is ClassDeclarationSyntax,
                static (syntaxContext, cancellationToken) => Describe((INamedTypeSymbol)syntaxContext.TargetSymbol, cancellationToken));
            context.RegisterSourceOutput(names.Collect(), static (_, _) => { });
        }
    }

    private static string Describe(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
#if FLOOR_WALK
        return type.Name;
#else
        int length = 0;
        foreach (var member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            length += member switch
            {
                IFieldSymbol field => field.Type.Name.Length,
                IPropertySymbol property => property.Type.Name.Length,
                IMethodSymbol method => method.Parameters.Length,
                _ => 0,
            };
        }
        return type.Name + length;
#endif
    }
}
