using LayerGen.Generators.Models;
using LayerGen.SourceGeneration;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generators.Parsing;

/// <summary>
/// Turns a <c>[Module]</c> class symbol into a <see cref="ModuleModel"/>: strings, bools and enums only,
/// so the pipeline can cache it. Returns null for input the generator does not handle (not partial, a
/// struct or record, static, a base class that is not a module, ...): the analyzers report those.
/// </summary>
internal static class ModuleParser
{
    /// <summary>Collections nested deeper than this are not tracked (guards against pathological types).</summary>
    private const int MaxDepth = 8;

    /// <summary>The transform of <c>ForAttributeWithMetadataName</c>.</summary>
    public static ModuleModel? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetNode is not ClassDeclarationSyntax || context.TargetSymbol is not INamedTypeSymbol type)
            return null;
        return Parse(type, context.SemanticModel.Compilation, cancellationToken);
    }

    /// <summary>Parses <paramref name="type"/>; null when it is not a class the generator can extend.</summary>
    public static ModuleModel? Parse(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (type.TypeKind != TypeKind.Class || type.IsStatic || type.IsRecord || type.IsFileLocal || type.IsImplicitlyDeclared)
            return null;
        if (HasAttribute(type, KnownNames.Simple.LayerAttribute))
            return null; // a [Layer] belongs to the layer generator
        if (!IsPartialAll(type, cancellationToken))
            return null;

        var moduleType = compilation.GetTypeByMetadataName(KnownNames.Module);
        if (moduleType is null)
            return null; // LayerGen is not referenced

        bool supplyBase;
        var baseType = type.BaseType;
        if (baseType is null || baseType.SpecialType == SpecialType.System_Object)
            supplyBase = true;
        else if (IsModuleType(baseType))
            supplyBase = false;
        else
            return null; // derives from something that is not a module

        if (!type.GetMembers("VisitMembers").IsEmpty)
            return null; // written by hand: nothing to generate without clashing

        var autoProperties = new HashSet<IPropertySymbol>(SymbolEqualityComparer.Default);
        foreach (var member in type.GetMembers())
            if (member is IFieldSymbol { AssociatedSymbol: IPropertySymbol property })
                autoProperties.Add(property);

        var members = new List<TrackedMember>();
        foreach (var member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member.IsStatic || member.IsImplicitlyDeclared)
                continue;

            ITypeSymbol memberType;
            switch (member)
            {
                case IFieldSymbol field when !field.IsConst && field.AssociatedSymbol is null:
                    memberType = field.Type;
                    break;
                case IPropertySymbol property
                    when !property.IsIndexer
                        && property.GetMethod is not null
                        && property.ExplicitInterfaceImplementations.IsEmpty
                        && (autoProperties.Contains(property) || IsAutoPropertySyntax(property, cancellationToken)):
                    memberType = property.Type;
                    break;
                default:
                    continue;
            }

            string? trackAs = null;
            bool notTracked = false, obsolete = false;
            foreach (var attribute in member.GetAttributes())
            {
                if (attribute.AttributeClass is { Name: "ObsoleteAttribute", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } })
                    obsolete = true;
                else if (IsLayerGenType(attribute.AttributeClass, KnownNames.Simple.NotTrackedAttribute))
                    notTracked = true;
                else if (IsLayerGenType(attribute.AttributeClass, KnownNames.Simple.TrackAsAttribute)
                    && attribute.ConstructorArguments is [{ Value: string name }]
                    && name.Length > 0)
                    trackAs = name;
            }
            if (notTracked)
                continue;

            var tracked = Classify(memberType, 0);
            if (tracked is null)
                continue;

            members.Add(new TrackedMember(
                "this." + HierarchyInfo.EscapeIdentifier(member.Name),
                trackAs ?? Naming.MemberPathSegment(member.Name),
                tracked,
                obsolete));
        }

        return new ModuleModel(
            HierarchyInfo.From(type),
            "class",
            HierarchyInfo.NameWithTypeParameters(type),
            Naming.ToSnakeCase(type.Name),
            supplyBase,
            EmitDefaultName: type.GetMembers("DefaultName").IsEmpty,
            VisitMembersIsProtectedInternal: SymbolEqualityComparer.Default.Equals(moduleType.ContainingAssembly, type.ContainingAssembly),
            members.ToEquatableArray());
    }

    /// <summary>What a member of type <paramref name="type"/> holds, or null when it holds nothing tracked.</summary>
    internal static TrackedType? Classify(ITypeSymbol type, int depth)
    {
        if (depth > MaxDepth)
            return null;
        switch (type)
        {
            case IArrayTypeSymbol array:
                if (array.Rank != 1) return null;
                return Collection(TrackedKind.Array, array.ElementType, depth);
            case ITypeParameterSymbol parameter:
                foreach (var constraint in parameter.ConstraintTypes)
                    if (Classify(constraint, depth) is { Kind: TrackedKind.Variable or TrackedKind.Module } leaf)
                        return leaf;
                return null;
            case INamedTypeSymbol named:
                if (named.TypeKind == TypeKind.Class)
                {
                    if (IsVariableType(named)) return TrackedType.Variable;
                    if (IsModuleType(named)) return TrackedType.Module;
                }
                if (!named.IsGenericType)
                    return null;
                var definition = named.OriginalDefinition;
                var args = named.TypeArguments;
                if (args.Length == 1)
                {
                    if (IsType(definition, "List", "System", "Collections", "Generic")
                        || IsType(definition, "IList", "System", "Collections", "Generic")
                        || IsType(definition, "IReadOnlyList", "System", "Collections", "Generic"))
                        return Collection(TrackedKind.List, args[0], depth);
                    if (IsType(definition, "ImmutableArray", "System", "Collections", "Immutable"))
                        return Collection(TrackedKind.ImmutableArray, args[0], depth);
                }
                else if (args.Length == 2 && args[0].SpecialType == SpecialType.System_String)
                {
                    if (IsType(definition, "Dictionary", "System", "Collections", "Generic")
                        || IsType(definition, "IDictionary", "System", "Collections", "Generic")
                        || IsType(definition, "IReadOnlyDictionary", "System", "Collections", "Generic"))
                        return Collection(TrackedKind.Dictionary, args[1], depth);
                }
                return null;
            default:
                return null;
        }
    }

    private static TrackedType? Collection(TrackedKind kind, ITypeSymbol elementType, int depth)
        => Classify(elementType, depth + 1) is { } element ? new TrackedType(kind, element) : null;

    /// <summary>Whether <paramref name="type"/> is <c>LayerGen.Variable</c> or derives from it.</summary>
    internal static bool IsVariableType(INamedTypeSymbol type)
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
    internal static bool IsModuleType(INamedTypeSymbol type)
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

    private static bool HasAttribute(INamedTypeSymbol type, string simpleName)
    {
        var definition = type.OriginalDefinition;
        foreach (var attribute in definition.GetAttributes())
            if (IsLayerGenType(attribute.AttributeClass, simpleName))
                return true;
        return false;
    }

    /// <summary>Whether <paramref name="type"/> is <c>LayerGen.{simpleName}</c> (non-generic).</summary>
    private static bool IsLayerGenType(INamedTypeSymbol? type, string simpleName)
        => type is { Arity: 0, ContainingType: null }
           && type.Name == simpleName
           && type.ContainingNamespace is { Name: KnownNames.Namespace, ContainingNamespace.IsGlobalNamespace: true };

    private static bool IsType(INamedTypeSymbol type, string name, string ns1, string ns2, string ns3)
        => type.Name == name
           && type.ContainingType is null
           && type.ContainingNamespace is { } n3 && n3.Name == ns3
           && n3.ContainingNamespace is { } n2 && n2.Name == ns2
           && n2.ContainingNamespace is { } n1 && n1.Name == ns1
           && n1.ContainingNamespace is { IsGlobalNamespace: true };

    /// <summary>Whether the class and every type it is nested in are declared <c>partial</c> everywhere.</summary>
    private static bool IsPartialAll(INamedTypeSymbol type, CancellationToken cancellationToken)
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
    /// backing field. Expression-bodied and block-bodied getters compute a value and are not tracked.
    /// </summary>
    private static bool IsAutoPropertySyntax(IPropertySymbol property, CancellationToken cancellationToken)
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
