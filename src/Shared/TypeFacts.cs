using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.SourceGeneration;

/// <summary>
/// Symbol checks on LayerGen's types, shared by the generators and the analyzers. Names only: no symbol of
/// the compilation is needed, so it works before the generated parts exist.
/// </summary>
internal static class TypeFacts
{
    /// <summary>How many base classes the hierarchy walks below follow at most (guards against cycles in broken code).</summary>
    public const int MaxBaseDepth = 32;

    /// <summary>
    /// <paramref name="type"/> and its base classes as they will be once generated: a <c>[Layer]</c> that
    /// names no base continues with <paramref name="layerType"/> (<c>LayerGen.Layers.Layer</c>, which the generated part supplies).
    /// </summary>
    public static IEnumerable<INamedTypeSymbol> WithGeneratedBases(INamedTypeSymbol type, INamedTypeSymbol? layerType)
    {
        int depth = 0;
        INamedTypeSymbol? t = type;
        while (t is not null && t.SpecialType != SpecialType.System_Object && depth++ < MaxBaseDepth)
        {
            yield return t;
            var next = t.BaseType;
            if ((next is null || next.SpecialType == SpecialType.System_Object)
                && HasAttribute(t, KnownNames.Simple.LayerAttribute)
                && !IsLayerGenType(t, KnownNames.Simple.Layer))
                next = layerType;
            t = next;
        }
    }

    /// <summary>
    /// Whether a generated part must override <c>DefaultName</c> for <paramref name="type"/> (which has none of its
    /// own): <c>Module.DefaultName</c> is the runtime type's name in snake_case, the name the generator would write,
    /// except for a generic class (<c>Wrapper`1</c>) or below a base that overrides it. A base between
    /// <paramref name="type"/> and <c>Layer</c>/<c>Module</c> that declares <c>DefaultName</c>, or that is generic
    /// (its generated part may declare one the generator cannot see), keeps the override.
    /// </summary>
    public static bool NeedsDefaultName(INamedTypeSymbol type, INamedTypeSymbol? layerType, CancellationToken cancellationToken)
    {
        if (type.Arity > 0)
            return true;
        foreach (var t in WithGeneratedBases(type, layerType).Skip(1))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (IsLayerGenType(t, KnownNames.Simple.Layer) || IsLayerGenType(t, KnownNames.Simple.Module))
                return false;
            if (t.Arity > 0 || !t.GetMembers("DefaultName").IsEmpty)
                return true;
        }
        return false;
    }

    /// <summary>The classes whose <c>Call</c>/<c>Build</c> count: <paramref name="type"/> and its bases up to the runtime's own layer types.</summary>
    public static IEnumerable<INamedTypeSymbol> UserHierarchy(INamedTypeSymbol type)
    {
        int depth = 0;
        for (INamedTypeSymbol? t = type; t is not null && depth < MaxBaseDepth; t = t.BaseType, depth++)
        {
            if (t.SpecialType == SpecialType.System_Object || IsRuntimeBase(t))
                yield break;
            yield return t;
        }
    }

    /// <summary><c>global::Namespace.Type</c> with <c>?</c> on nullable reference types.</summary>
    public static readonly SymbolDisplayFormat FullyQualifiedNullable = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>Whether <paramref name="type"/> is a class the generators can extend (not static, record, file-local or implicit; what LG0010 is about).</summary>
    public static bool IsExtendableClass(INamedTypeSymbol type)
        => type.TypeKind == TypeKind.Class && !type.IsStatic && !type.IsRecord && !type.IsFileLocal && !type.IsImplicitlyDeclared;

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

    /// <summary>
    /// Whether <paramref name="type"/> is the runtime type <paramref name="simpleName"/> (non-generic, not nested),
    /// in the namespace <see cref="KnownNames.FullName"/> gives it.
    /// </summary>
    public static bool IsLayerGenType(ITypeSymbol? type, string simpleName)
        => type is INamedTypeSymbol { Arity: 0, ContainingType: null } named
           && named.Name == simpleName
           && KnownNames.FullName(simpleName) is { } fullName
           && fullName.Length > simpleName.Length + 1
           && IsNamespace(named.ContainingNamespace, fullName, fullName.Length - simpleName.Length - 1);

    /// <summary>Whether <paramref name="ns"/> is the dotted namespace <c>dotted[..length]</c> (no allocation).</summary>
    private static bool IsNamespace(INamespaceSymbol? ns, string dotted, int length)
    {
        int end = length;
        while (ns is { IsGlobalNamespace: false })
        {
            int start = dotted.LastIndexOf('.', end - 1) + 1;
            if (end - start != ns.Name.Length || string.CompareOrdinal(dotted, start, ns.Name, 0, ns.Name.Length) != 0)
                return false;
            ns = ns.ContainingNamespace;
            end = start - 1;
            if (end < 0) return ns is { IsGlobalNamespace: true };
        }
        return false;
    }

    /// <summary>The <c>LayerGen.{simpleName}</c> attribute on <paramref name="symbol"/>, or null.</summary>
    public static AttributeData? GetAttribute(ISymbol symbol, string simpleName)
    {
        foreach (var attribute in symbol.GetAttributes())
            if (IsLayerGenType(attribute.AttributeClass, simpleName))
                return attribute;
        return null;
    }

    /// <summary>
    /// The kind's base class a <c>[KerasSerializable]</c> class derives from (the first of
    /// <see cref="KnownNames.KerasObjectKinds"/> among its bases), or null when it derives from none.
    /// </summary>
    public static INamedTypeSymbol? KerasObjectKind(INamedTypeSymbol type)
    {
        int depth = 0;
        for (var t = type.BaseType; t is not null && depth++ < MaxBaseDepth; t = t.BaseType)
            if (Array.IndexOf(KnownNames.KerasObjectKinds, t.OriginalDefinition.ToDisplayString()) >= 0)
                return t.OriginalDefinition;
        return null;
    }

    /// <summary>Whether <paramref name="type"/> (its definition) carries <c>LayerGen.{simpleName}</c>.</summary>
    public static bool HasAttribute(INamedTypeSymbol type, string simpleName)
        => GetAttribute(type.OriginalDefinition, simpleName) is not null;

    /// <summary>Whether <paramref name="type"/> is <c>LayerGen.Variables.Variable</c> or derives from it.</summary>
    public static bool IsVariableType(ITypeSymbol? type)
    {
        for (var t = type as INamedTypeSymbol; t is not null; t = t.BaseType)
            if (IsLayerGenType(t, KnownNames.Simple.Variable))
                return true;
        return false;
    }

    /// <summary>Whether <paramref name="type"/> derives from <c>LayerGen.Modules.Module</c> or it or a base is marked <c>[Module]</c>/<c>[Layer]</c>.</summary>
    public static bool IsModuleType(ITypeSymbol? type)
    {
        for (var t = type as INamedTypeSymbol; t is not null; t = t.BaseType)
        {
            if (t.SpecialType == SpecialType.System_Object)
                return false;
            if (IsLayerGenType(t, KnownNames.Simple.Module)
                || HasAttribute(t, KnownNames.Simple.ModuleAttribute)
                || HasAttribute(t, KnownNames.Simple.LayerAttribute))
                return true;
        }
        return false;
    }

    /// <summary>Whether <paramref name="type"/> derives from <c>LayerGen.Layers.Layer</c> or it or a base is marked <c>[Layer]</c>.</summary>
    public static bool IsLayerType(ITypeSymbol? type)
    {
        for (var t = type as INamedTypeSymbol; t is not null; t = t.BaseType)
        {
            if (t.SpecialType == SpecialType.System_Object)
                return false;
            if (IsLayerGenType(t, KnownNames.Simple.Layer) || HasAttribute(t, KnownNames.Simple.LayerAttribute))
                return true;
        }
        return false;
    }

    /// <summary><c>LayerGen.Layers.Layer</c>, <c>LayerGen.Models.Model</c>, <c>LayerGen.Modules.Module</c>: their own methods are not a user's <c>Call</c>/<c>Build</c>.</summary>
    public static bool IsRuntimeBase(INamedTypeSymbol type)
        => IsLayerGenType(type, KnownNames.Simple.Layer)
           || IsLayerGenType(type, KnownNames.Simple.Module)
           || IsLayerGenType(type, KnownNames.Simple.Model);

    /// <summary>Whether <paramref name="type"/> is <c>ns1.ns2.ns3.name</c>.</summary>
    public static bool IsType(INamedTypeSymbol type, string name, string ns1, string ns2, string ns3)
        => type.Name == name
           && type.ContainingType is null
           && type.ContainingNamespace is { } n3 && n3.Name == ns3
           && n3.ContainingNamespace is { } n2 && n2.Name == ns2
           && n2.ContainingNamespace is { } n1 && n1.Name == ns1
           && n1.ContainingNamespace is { IsGlobalNamespace: true };

    /// <summary>Whether <paramref name="type"/> is <c>LayerGen.Tensors.Tensor</c>.</summary>
    public static bool IsTensor(ITypeSymbol? type) => IsLayerGenType(type, KnownNames.Simple.Tensor);

    /// <summary>Whether <paramref name="type"/> is <c>LayerGen.Tensors.Shape</c>.</summary>
    public static bool IsShape(ITypeSymbol? type) => IsLayerGenType(type, KnownNames.Simple.Shape);
}
