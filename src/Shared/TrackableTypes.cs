using Microsoft.CodeAnalysis;

namespace LayerGen.SourceGeneration;

/// <summary>
/// Which member types a generated <c>VisitMembers</c> can walk: the rules of <c>MemberTracking.Classify</c>
/// in the generator (keep them in step until the generator uses this class), plus the question the
/// analyzers ask: does a type hold variables or modules in a form the generator cannot walk?
/// </summary>
internal static class TrackableTypes
{
    private const int MaxDepth = 8;

    /// <summary>Whether the generator tracks a member of type <paramref name="type"/>.</summary>
    public static bool IsTracked(ITypeSymbol type) => IsTracked(type, 0);

    private static bool IsTracked(ITypeSymbol type, int depth)
    {
        if (depth > MaxDepth)
            return false;
        switch (type)
        {
            case IArrayTypeSymbol array:
                return array.Rank == 1 && IsTracked(array.ElementType, depth + 1);
            case ITypeParameterSymbol parameter:
                foreach (var constraint in parameter.ConstraintTypes)
                    if (constraint is INamedTypeSymbol { TypeKind: TypeKind.Class } c && (TypeFacts.IsVariableType(c) || TypeFacts.IsModuleType(c)))
                        return true;
                return false;
            case INamedTypeSymbol named:
                if (named.TypeKind == TypeKind.Class && (TypeFacts.IsVariableType(named) || TypeFacts.IsModuleType(named)))
                    return true;
                if (!named.IsGenericType)
                    return false;
                var definition = named.OriginalDefinition;
                var args = named.TypeArguments;
                if (args.Length == 1
                    && (TypeFacts.IsType(definition, "List", "System", "Collections", "Generic")
                        || TypeFacts.IsType(definition, "IList", "System", "Collections", "Generic")
                        || TypeFacts.IsType(definition, "IReadOnlyList", "System", "Collections", "Generic")
                        || TypeFacts.IsType(definition, "ImmutableArray", "System", "Collections", "Immutable")))
                    return IsTracked(args[0], depth + 1);
                if (args.Length == 2 && args[0].SpecialType == SpecialType.System_String
                    && (TypeFacts.IsType(definition, "Dictionary", "System", "Collections", "Generic")
                        || TypeFacts.IsType(definition, "IDictionary", "System", "Collections", "Generic")
                        || TypeFacts.IsType(definition, "IReadOnlyDictionary", "System", "Collections", "Generic")))
                    return IsTracked(args[1], depth + 1);
                return false;
            default:
                return false;
        }
    }

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
