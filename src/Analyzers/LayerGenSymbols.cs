using LayerGen.SourceGeneration;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Analyzers;

/// <summary>LayerGen's runtime types, resolved once per compilation; null when LayerGen is not referenced.</summary>
internal sealed class LayerGenSymbols
{
    private LayerGenSymbols(INamedTypeSymbol module, INamedTypeSymbol? layer)
    {
        Module = module;
        Layer = layer;
    }

    public INamedTypeSymbol Module { get; }
    public INamedTypeSymbol? Layer { get; }

    public static LayerGenSymbols? Create(Compilation compilation)
        => compilation.GetTypeByMetadataName(KnownNames.Module) is { } module
            ? new LayerGenSymbols(module, compilation.GetTypeByMetadataName(KnownNames.Layer))
            : null;

    /// <summary>Whether <paramref name="type"/> is marked <c>[Layer]</c>.</summary>
    public static bool IsLayerClass(INamedTypeSymbol type) => TypeFacts.HasAttribute(type, KnownNames.Simple.LayerAttribute);

    /// <summary>Whether <paramref name="type"/> is marked <c>[Module]</c>.</summary>
    public static bool IsModuleClass(INamedTypeSymbol type) => TypeFacts.HasAttribute(type, KnownNames.Simple.ModuleAttribute);

    /// <summary>The identifier of the user's declaration of <paramref name="type"/> (the one carrying attributes, else the first).</summary>
    public static Location IdentifierLocation(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        TypeDeclarationSyntax? first = null;
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration)
                continue;
            if (declaration.AttributeLists.Count > 0)
                return declaration.Identifier.GetLocation();
            first ??= declaration;
        }
        return first?.Identifier.GetLocation() ?? (type.Locations.IsEmpty ? Location.None : type.Locations[0]);
    }

    /// <summary>The identifier of a member's declaration (a method, a property, a field variable, a parameter).</summary>
    public static Location MemberLocation(ISymbol symbol)
        => symbol.Locations.IsEmpty ? Location.None : symbol.Locations[0];
}
