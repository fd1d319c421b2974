using LayerGen.SourceGeneration;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generators.Parsing;

/// <summary>Symbol checks shared by the <c>[Module]</c> and <c>[Layer]</c> parsers.</summary>
internal static class SymbolFacts
{
    /// <summary><c>global::Namespace.Type</c> with <c>?</c> on nullable reference types.</summary>
    public static readonly SymbolDisplayFormat FullyQualifiedNullable = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>Whether <paramref name="type"/> is a class the generators can extend (not static, record, file-local or implicit).</summary>
    public static bool IsExtendableClass(INamedTypeSymbol type)
        => type.TypeKind == TypeKind.Class && !type.IsStatic && !type.IsRecord && !type.IsFileLocal && !type.IsImplicitlyDeclared;

    /// <summary>Whether <paramref name="type"/> is <c>LayerGen.Variable</c> or derives from it.</summary>
    public static bool IsVariableType(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? t = type; t is not null; t = t.BaseType)
            if (IsLayerGenType(t, KnownNames.Simple.Variable))
                return true;
        return false;
    }

    /// <summary>
    /// Whether <paramref name="type"/> is a module: it derives from <c>LayerGen.Module</c>, or it or a base
    /// is marked <c>[Module]</c>/<c>[Layer]</c> (those derive from <c>Module</c> once generated, which
    /// this compilation does not see yet).
    /// </summary>
    public static bool IsModuleType(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? t = type; t is not null; t = t.BaseType)
        {
            if (t.SpecialType == SpecialType.System_Object)
                return false;
            if (IsLayerGenType(t, KnownNames.Simple.Module))
                return true;
            if (HasAttribute(t, KnownNames.Simple.ModuleAttribute) || HasAttribute(t, KnownNames.Simple.LayerAttribute))
                return true;
        }
        return false;
    }

    /// <summary>
    /// Whether <paramref name="type"/> is a layer: it derives from <c>LayerGen.Layer</c>, or it or a base is
    /// marked <c>[Layer]</c> (derives from <c>Layer</c> once generated).
    /// </summary>
    public static bool IsLayerType(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? t = type; t is not null; t = t.BaseType)
        {
            if (t.SpecialType == SpecialType.System_Object)
                return false;
            if (IsLayerGenType(t, KnownNames.Simple.Layer))
                return true;
            if (HasAttribute(t, KnownNames.Simple.LayerAttribute))
                return true;
        }
        return false;
    }

    /// <summary>Whether <paramref name="type"/> (its definition) carries <c>LayerGen.{simpleName}</c>.</summary>
    public static bool HasAttribute(INamedTypeSymbol type, string simpleName)
        => GetAttribute(type.OriginalDefinition, simpleName) is not null;

    /// <summary>The <c>LayerGen.{simpleName}</c> attribute on <paramref name="symbol"/>, or null.</summary>
    public static AttributeData? GetAttribute(ISymbol symbol, string simpleName)
    {
        foreach (var attribute in symbol.GetAttributes())
            if (IsLayerGenType(attribute.AttributeClass, simpleName))
                return attribute;
        return null;
    }

    /// <summary>Whether <paramref name="type"/> is <c>LayerGen.{simpleName}</c> (non-generic).</summary>
    public static bool IsLayerGenType(INamedTypeSymbol? type, string simpleName)
        => type is { Arity: 0, ContainingType: null }
           && type.Name == simpleName
           && type.ContainingNamespace is { Name: KnownNames.Namespace, ContainingNamespace.IsGlobalNamespace: true };

    /// <summary>Whether <paramref name="type"/> is <c>LayerGen.{simpleName}</c> (non-generic), taking any type symbol.</summary>
    public static bool IsLayerGenType(ITypeSymbol? type, string simpleName)
        => type is INamedTypeSymbol named && IsLayerGenType(named, simpleName);

    /// <summary>Whether <paramref name="type"/> is <c>ns1.ns2.ns3.name</c>.</summary>
    public static bool IsType(INamedTypeSymbol type, string name, string ns1, string ns2, string ns3)
        => type.Name == name
           && type.ContainingType is null
           && type.ContainingNamespace is { } n3 && n3.Name == ns3
           && n3.ContainingNamespace is { } n2 && n2.Name == ns2
           && n2.ContainingNamespace is { } n1 && n1.Name == ns1
           && n1.ContainingNamespace is { IsGlobalNamespace: true };

    /// <summary>Whether the class and every type it is nested in are declared <c>partial</c> everywhere.</summary>
    public static bool IsPartialAll(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            if (t.DeclaringSyntaxReferences.IsEmpty)
                return false;
            foreach (var reference in t.DeclaringSyntaxReferences)
                if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration
                    || !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                    return false;
        }
        return true;
    }

    /// <summary>
    /// A property with no body anywhere (<c>{ get; }</c>, <c>{ get; init; }</c>): the compiler gives it a
    /// backing field. Expression-bodied and block-bodied getters compute a value.
    /// </summary>
    public static bool IsAutoPropertySyntax(IPropertySymbol property, CancellationToken cancellationToken)
    {
        foreach (var reference in property.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is not PropertyDeclarationSyntax declaration)
                return false;
            if (declaration.ExpressionBody is not null || declaration.AccessorList is null)
                return false;
            foreach (var accessor in declaration.AccessorList.Accessors)
                if (accessor.Body is not null || accessor.ExpressionBody is not null)
                    return false;
        }
        return !property.DeclaringSyntaxReferences.IsEmpty;
    }
}
