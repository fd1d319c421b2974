using Microsoft.CodeAnalysis;

namespace LayerGen.SourceGeneration;

/// <summary>
/// Which constructor parameter types a generated layer config can hold. The same rules as
/// <c>LayerParser.Classify</c> in the generator (keep them in step until the generator uses this class).
/// </summary>
internal static class ConfigTypes
{
    /// <summary>The types a config can hold, as the analyzers list them in messages.</summary>
    public const string AllowedList =
        "int, long, float, double, bool, string, an enum, Shape, DType, Activation, Initializer, Regularizer, Constraint, " +
        "JsonNode, JsonObject, a layer, nullables of those, and one-dimensional arrays or List<T>/IList<T>/IReadOnlyList<T>/" +
        "IReadOnlyCollection<T>/ICollection<T>/IEnumerable<T> of int, long, float, double, bool, string, an enum, Shape or a layer";

    /// <summary>Whether a constructor parameter of type <paramref name="type"/> can go into a config.</summary>
    public static bool IsConfigurable(ITypeSymbol type)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            type = nullable.TypeArguments[0];

        ITypeSymbol? element = null;
        if (type is IArrayTypeSymbol array)
        {
            if (array.Rank != 1) return false;
            element = array.ElementType;
        }
        else if (type is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } generic && IsListLike(generic.OriginalDefinition))
        {
            element = generic.TypeArguments[0];
        }

        if (element is null)
            return Leaf(type) is not null;
        if (element is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T })
            return false;
        return Leaf(element) is LeafKind.Scalar or LeafKind.Shape or LeafKind.Layer;
    }

    private enum LeafKind { Scalar, Shape, Layer, Other }

    private static LeafKind? Leaf(ITypeSymbol type)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_Int32:
            case SpecialType.System_Int64:
            case SpecialType.System_Single:
            case SpecialType.System_Double:
            case SpecialType.System_Boolean:
            case SpecialType.System_String:
                return LeafKind.Scalar;
        }
        if (type is not INamedTypeSymbol named)
            return null;
        if (TypeFacts.IsLayerGenType(named, KnownNames.Simple.Shape)) return LeafKind.Shape;
        if (TypeFacts.IsLayerGenType(named, KnownNames.Simple.DType)
            || TypeFacts.IsLayerGenType(named, KnownNames.Simple.Activation)
            || TypeFacts.IsLayerGenType(named, KnownNames.Simple.Initializer)
            || TypeFacts.IsLayerGenType(named, KnownNames.Simple.Regularizer)
            || TypeFacts.IsLayerGenType(named, KnownNames.Simple.Constraint)
            || IsJsonNodes(named, "JsonNode")
            || IsJsonNodes(named, "JsonObject"))
            return LeafKind.Other;
        if (named.TypeKind == TypeKind.Enum) return LeafKind.Scalar;
        if (named.TypeKind == TypeKind.Class && TypeFacts.IsLayerType(named)) return LeafKind.Layer;
        return null;
    }

    private static bool IsJsonNodes(INamedTypeSymbol type, string name)
        => type.Name == name
           && type.ContainingType is null
           && type.ContainingNamespace is { Name: "Nodes" } nodes
           && nodes.ContainingNamespace is { Name: "Json" } json
           && json.ContainingNamespace is { Name: "Text" } text
           && text.ContainingNamespace is { Name: "System", ContainingNamespace.IsGlobalNamespace: true };

    private static bool IsListLike(INamedTypeSymbol definition)
        => TypeFacts.IsType(definition, "List", "System", "Collections", "Generic")
           || TypeFacts.IsType(definition, "IReadOnlyList", "System", "Collections", "Generic")
           || TypeFacts.IsType(definition, "IList", "System", "Collections", "Generic")
           || TypeFacts.IsType(definition, "IReadOnlyCollection", "System", "Collections", "Generic")
           || TypeFacts.IsType(definition, "ICollection", "System", "Collections", "Generic")
           || TypeFacts.IsType(definition, "IEnumerable", "System", "Collections", "Generic");

    /// <summary>
    /// A name with case, underscores and an <c>m_</c> prefix ignored: how a constructor parameter finds the
    /// member it is kept in (<c>_units</c>, <c>m_units</c>, <c>Units</c> all give <c>units</c>).
    /// </summary>
    public static string NormalizeMemberName(string name)
        => (name.StartsWith("m_", StringComparison.Ordinal) ? name.Substring(2) : name).Replace("_", "").ToLowerInvariant();
}
