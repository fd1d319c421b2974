using Microsoft.CodeAnalysis;

namespace LayerGen.SourceGeneration;

/// <summary>What a tracked member (or an element of one) holds.</summary>
internal enum TrackedKind
{
    /// <summary>A <c>Variable</c> (or a subclass).</summary>
    Variable,

    /// <summary>A module (a <c>Module</c> subclass, or a type marked <c>[Module]</c>/<c>[Layer]</c>).</summary>
    Module,

    /// <summary>A one-dimensional array: <c>Length</c> and an indexer.</summary>
    Array,

    /// <summary><c>List&lt;T&gt;</c>, <c>IList&lt;T&gt;</c>, <c>IReadOnlyList&lt;T&gt;</c>: <c>Count</c> and an indexer.</summary>
    List,

    /// <summary><c>ImmutableArray&lt;T&gt;</c>: a struct, <c>IsDefault</c> instead of null, <c>Length</c>.</summary>
    ImmutableArray,

    /// <summary>A dictionary keyed by <c>string</c>: enumerated, the key goes into the path.</summary>
    Dictionary,
}

/// <summary>The shape of a tracked value: a variable, a module, or a collection of tracked values.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Element">For collections, what the elements are; null otherwise.</param>
internal sealed record TrackedType(TrackedKind Kind, TrackedType? Element)
{
    public static readonly TrackedType Variable = new(TrackedKind.Variable, null);
    public static readonly TrackedType Module = new(TrackedKind.Module, null);
}

/// <summary>
/// Which members a generated <c>VisitMembers</c> walks and what they hold, shared by the generators (which
/// emit from <see cref="Classify"/>) and the analyzers (which ask <see cref="IsTracked"/>), plus the
/// question only the analyzers ask: does a type hold variables or modules in a form the generator cannot walk?
/// </summary>
internal static class TrackableTypes
{
    /// <summary>Collections nested deeper than this are not tracked (guards against pathological types).</summary>
    private const int MaxDepth = 8;

    /// <summary>
    /// The type of <paramref name="member"/> when the generator considers it: an instance field, or an
    /// auto-property (one with a backing field, or no body anywhere); null otherwise. Attributes are not looked at.
    /// </summary>
    public static ITypeSymbol? StoredType(ISymbol member, CancellationToken cancellationToken)
        => StoredType(member, null, cancellationToken);

    /// <summary>
    /// <see cref="StoredType(ISymbol, CancellationToken)"/> with the properties of the containing type that
    /// have a backing field already collected (<see cref="PropertiesWithBackingFields"/>).
    /// </summary>
    public static ITypeSymbol? StoredType(ISymbol member, HashSet<IPropertySymbol>? propertiesWithBackingFields, CancellationToken cancellationToken)
    {
        if (member.IsStatic || member.IsImplicitlyDeclared)
            return null;
        switch (member)
        {
            case IFieldSymbol field when !field.IsConst && field.AssociatedSymbol is null:
                return field.Type;
            case IPropertySymbol property
                when !property.IsIndexer
                    && property.GetMethod is not null
                    && property.ExplicitInterfaceImplementations.IsEmpty
                    && ((propertiesWithBackingFields ?? PropertiesWithBackingFields(property.ContainingType)).Contains(property)
                        || TypeFacts.IsAutoPropertySyntax(property, cancellationToken)):
                return property.Type;
            default:
                return null;
        }
    }

    /// <summary>The properties of <paramref name="type"/> the compiler gives a backing field.</summary>
    public static HashSet<IPropertySymbol> PropertiesWithBackingFields(INamedTypeSymbol type)
    {
        var properties = new HashSet<IPropertySymbol>(SymbolEqualityComparer.Default);
        foreach (var member in type.GetMembers())
            if (member is IFieldSymbol { AssociatedSymbol: IPropertySymbol property })
                properties.Add(property);
        return properties;
    }

    /// <summary>Whether the generator tracks a member of type <paramref name="type"/>.</summary>
    public static bool IsTracked(ITypeSymbol type) => Classify(type) is not null;

    /// <summary>What a member of type <paramref name="type"/> holds, or null when it holds nothing tracked.</summary>
    public static TrackedType? Classify(ITypeSymbol type) => Classify(type, 0);

    private static TrackedType? Classify(ITypeSymbol type, int depth)
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

    /// <summary>
    /// Whether <paramref name="type"/> mentions a variable or a module anywhere (an element of a tuple, an
    /// argument of a generic type, the element of an array), so that a value of it can hold one.
    /// </summary>
    public static bool MentionsTrackable(ITypeSymbol type) => Mentions(type, 0);

    private static bool Mentions(ITypeSymbol type, int depth)
    {
        if (depth > MaxDepth)
            return false;
        switch (type)
        {
            case IArrayTypeSymbol array:
                return Mentions(array.ElementType, depth + 1);
            case ITypeParameterSymbol parameter:
                foreach (var constraint in parameter.ConstraintTypes)
                    if (Mentions(constraint, depth + 1))
                        return true;
                return false;
            case INamedTypeSymbol named:
                if (named.TypeKind == TypeKind.Class && (TypeFacts.IsVariableType(named) || TypeFacts.IsModuleType(named)))
                    return true;
                if (named.IsTupleType)
                {
                    foreach (var element in named.TupleElements)
                        if (Mentions(element.Type, depth + 1))
                            return true;
                    return false;
                }
                foreach (var argument in named.TypeArguments)
                    if (Mentions(argument, depth + 1))
                        return true;
                return false;
            default:
                return false;
        }
    }
}
