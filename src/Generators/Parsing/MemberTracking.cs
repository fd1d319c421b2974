using LayerGen.Generators.Models;
using LayerGen.SourceGeneration;
using Microsoft.CodeAnalysis;

namespace LayerGen.Generators.Parsing;

/// <summary>
/// Finds the members a generated <c>VisitMembers</c> reports (shared by the <c>[Module]</c> and
/// <c>[Layer]</c> parsers): instance fields and auto-properties holding variables, modules, or
/// collections of them, in declaration order, minus <c>[NotTracked]</c>, renamed by <c>[TrackAs]</c>.
/// </summary>
internal static class MemberTracking
{
    /// <summary>Collections nested deeper than this are not tracked (guards against pathological types).</summary>
    private const int MaxDepth = 8;

    /// <summary>The tracked members declared in <paramref name="type"/> (not its bases), in declaration order.</summary>
    public static EquatableArray<TrackedMember> Collect(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
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
                        && (autoProperties.Contains(property) || TypeFacts.IsAutoPropertySyntax(property, cancellationToken)):
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
                else if (TypeFacts.IsLayerGenType(attribute.AttributeClass, KnownNames.Simple.NotTrackedAttribute))
                    notTracked = true;
                else if (TypeFacts.IsLayerGenType(attribute.AttributeClass, KnownNames.Simple.TrackAsAttribute)
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
        return members.ToEquatableArray();
    }

    /// <summary>What a member of type <paramref name="type"/> holds, or null when it holds nothing tracked.</summary>
    public static TrackedType? Classify(ITypeSymbol type, int depth)
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
                    if (TypeFacts.IsVariableType(named)) return TrackedType.Variable;
                    if (TypeFacts.IsModuleType(named)) return TrackedType.Module;
                }
                if (!named.IsGenericType)
                    return null;
                var definition = named.OriginalDefinition;
                var args = named.TypeArguments;
                if (args.Length == 1)
                {
                    if (TypeFacts.IsType(definition, "List", "System", "Collections", "Generic")
                        || TypeFacts.IsType(definition, "IList", "System", "Collections", "Generic")
                        || TypeFacts.IsType(definition, "IReadOnlyList", "System", "Collections", "Generic"))
                        return Collection(TrackedKind.List, args[0], depth);
                    if (TypeFacts.IsType(definition, "ImmutableArray", "System", "Collections", "Immutable"))
                        return Collection(TrackedKind.ImmutableArray, args[0], depth);
                }
                else if (args.Length == 2 && args[0].SpecialType == SpecialType.System_String)
                {
                    if (TypeFacts.IsType(definition, "Dictionary", "System", "Collections", "Generic")
                        || TypeFacts.IsType(definition, "IDictionary", "System", "Collections", "Generic")
                        || TypeFacts.IsType(definition, "IReadOnlyDictionary", "System", "Collections", "Generic"))
                        return Collection(TrackedKind.Dictionary, args[1], depth);
                }
                return null;
            default:
                return null;
        }
    }

    private static TrackedType? Collection(TrackedKind kind, ITypeSymbol elementType, int depth)
        => Classify(elementType, depth + 1) is { } element ? new TrackedType(kind, element) : null;
}
