using Microsoft.CodeAnalysis;

namespace LayerGen.SourceGeneration;

/// <summary>What a constructor argument holds, for the <c>Config.WriteX</c>/<c>ReadX</c> helper to use.</summary>
internal enum ConfigValueKind
{
    Int32,
    Int64,
    Single,
    Double,
    Boolean,
    String,

    /// <summary>An enum, written as its member name in snake_case.</summary>
    Enum,

    /// <summary><c>LayerGen.Tensors.DType</c>, written by its Keras name.</summary>
    DType,

    /// <summary><c>LayerGen.Tensors.Shape</c>, a list with null for unknown dimensions.</summary>
    Shape,

    /// <summary><c>LayerGen.Layers.ActivationFunction</c>, by name.</summary>
    Activation,

    /// <summary><c>LayerGen.Layers.Initializer</c>, a Keras nested object.</summary>
    Initializer,

    /// <summary><c>LayerGen.Layers.Regularizer</c>, a Keras nested object.</summary>
    Regularizer,

    /// <summary><c>LayerGen.Layers.Constraint</c>, a Keras nested object.</summary>
    Constraint,

    /// <summary><c>LayerGen.Optimizers.LearningRateSchedule</c>, a Keras nested object.</summary>
    LearningRateSchedule,

    /// <summary>A nested layer (<c>Layer</c> or a layer class), a Keras nested object through <c>LayerRegistry</c>.</summary>
    Layer,

    /// <summary><c>System.Text.Json.Nodes.JsonNode</c>, copied as is.</summary>
    Json,

    /// <summary><c>System.Text.Json.Nodes.JsonObject</c>, copied as is.</summary>
    JsonObject,
}

/// <summary>Whether a config value is one value or a list of them.</summary>
internal enum ConfigContainer
{
    /// <summary>One value.</summary>
    None,

    /// <summary><c>T[]</c>.</summary>
    Array,

    /// <summary><c>List&lt;T&gt;</c> or an interface a list implements (<c>IReadOnlyList&lt;T&gt;</c>, <c>IEnumerable&lt;T&gt;</c>, ...).</summary>
    List,
}

/// <summary>What a constructor parameter puts into a config: a plain value, so the generator's models stay free of symbols.</summary>
/// <param name="Kind">What the value (or each element of a list) is.</param>
/// <param name="Container">One value or a list.</param>
/// <param name="IsNullable">Whether the parameter (the list itself, for lists) may be null.</param>
/// <param name="ElementType">The <c>global::</c> name of the enum or layer type; empty otherwise.</param>
internal sealed record ConfigValue(ConfigValueKind Kind, ConfigContainer Container, bool IsNullable, string ElementType);

/// <summary>
/// The config rules shared by the <c>[Layer]</c> generator (which emits from them) and the analyzers (which
/// report where they fail): which constructor parameter types a config can hold, which constructor is the
/// config constructor, and which member a parameter is read back from.
/// </summary>
internal static class ConfigTypes
{
    /// <summary>The types a config can hold, as the analyzers list them in messages.</summary>
    public const string AllowedList =
        "int, long, float, double, bool, string, an enum, Shape, DType, ActivationFunction, Initializer, Regularizer, Constraint, LearningRateSchedule, " +
        "JsonNode, JsonObject, a layer, nullables of those, and one-dimensional arrays or List<T>/IList<T>/IReadOnlyList<T>/" +
        "IReadOnlyCollection<T>/ICollection<T>/IEnumerable<T> of int, long, float, double, bool, string, an enum, Shape or a layer";

    /// <summary>Whether a constructor parameter of type <paramref name="type"/> can go into a config.</summary>
    public static bool IsConfigurable(ITypeSymbol type) => Classify(type) is not null;

    /// <summary>What a constructor parameter of type <paramref name="type"/> puts into the config, or null when it cannot go there.</summary>
    public static ConfigValue? Classify(ITypeSymbol type)
    {
        bool nullable = false;
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullableType)
        {
            nullable = true;
            type = nullableType.TypeArguments[0];
        }
        else if (type.IsReferenceType && type.NullableAnnotation == NullableAnnotation.Annotated)
        {
            nullable = true;
        }

        var container = ConfigContainer.None;
        ITypeSymbol element = type;
        if (type is IArrayTypeSymbol array)
        {
            if (array.Rank != 1) return null;
            container = ConfigContainer.Array;
            element = array.ElementType;
        }
        else if (type is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } generic
                 && IsListLike(generic.OriginalDefinition))
        {
            container = ConfigContainer.List;
            element = generic.TypeArguments[0];
        }

        if (container != ConfigContainer.None)
        {
            if (element.IsValueType && element is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T })
                return null;
            if (Leaf(element) is not { } leaf)
                return null;
            if (leaf.Kind is not (ConfigValueKind.Int32 or ConfigValueKind.Int64 or ConfigValueKind.Single or ConfigValueKind.Double
                or ConfigValueKind.Boolean or ConfigValueKind.String or ConfigValueKind.Enum or ConfigValueKind.Shape or ConfigValueKind.Layer))
                return null;
            return new ConfigValue(leaf.Kind, container, nullable, leaf.ElementType);
        }

        return Leaf(type) is { } single ? new ConfigValue(single.Kind, ConfigContainer.None, nullable, single.ElementType) : null;
    }

    private static (ConfigValueKind Kind, string ElementType)? Leaf(ITypeSymbol type)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_Int32: return (ConfigValueKind.Int32, "");
            case SpecialType.System_Int64: return (ConfigValueKind.Int64, "");
            case SpecialType.System_Single: return (ConfigValueKind.Single, "");
            case SpecialType.System_Double: return (ConfigValueKind.Double, "");
            case SpecialType.System_Boolean: return (ConfigValueKind.Boolean, "");
            case SpecialType.System_String: return (ConfigValueKind.String, "");
        }
        if (type is not INamedTypeSymbol named)
            return null;
        if (TypeFacts.IsLayerGenType(named, KnownNames.Simple.DType)) return (ConfigValueKind.DType, "");
        if (TypeFacts.IsLayerGenType(named, KnownNames.Simple.Shape)) return (ConfigValueKind.Shape, "");
        if (TypeFacts.IsLayerGenType(named, KnownNames.Simple.ActivationFunction)) return (ConfigValueKind.Activation, "");
        if (TypeFacts.IsLayerGenType(named, KnownNames.Simple.Initializer)) return (ConfigValueKind.Initializer, "");
        if (TypeFacts.IsLayerGenType(named, KnownNames.Simple.Regularizer)) return (ConfigValueKind.Regularizer, "");
        if (TypeFacts.IsLayerGenType(named, KnownNames.Simple.Constraint)) return (ConfigValueKind.Constraint, "");
        if (named.Name == KnownNames.Simple.LearningRateSchedule && named.ContainingType is null
            && named.ContainingNamespace.ToDisplayString() + "." + named.Name == KnownNames.LearningRateSchedule)
            return (ConfigValueKind.LearningRateSchedule, "");
        if (IsJsonNodes(named, "JsonNode")) return (ConfigValueKind.Json, "");
        if (IsJsonNodes(named, "JsonObject")) return (ConfigValueKind.JsonObject, "");
        if (named.TypeKind == TypeKind.Enum) return (ConfigValueKind.Enum, DisplayName(named));
        if (named.TypeKind == TypeKind.Class && TypeFacts.IsLayerType(named)) return (ConfigValueKind.Layer, DisplayName(named));
        return null;
    }

    private static string DisplayName(INamedTypeSymbol type)
        => type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);

    /// <summary>Whether <paramref name="type"/> is <c>System.Text.Json.Nodes.{name}</c>.</summary>
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

    /// <summary>The config key of <paramref name="parameter"/>: its <c>[ConfigKey]</c>, else its name in snake_case.</summary>
    public static string Key(IParameterSymbol parameter)
        => TypeFacts.GetAttribute(parameter, KnownNames.Simple.ConfigKeyAttribute) is { ConstructorArguments: [{ Value: string { Length: > 0 } key }] }
            ? key
            : Naming.ToSnakeCase(parameter.Name);

    /// <summary>
    /// The config constructor: the one marked <c>[ConfigConstructor]</c>, else the only public one, else null.
    /// <paramref name="publicCount"/> counts the public constructors (when none is marked), for LG0013.
    /// </summary>
    public static IMethodSymbol? ConfigConstructor(INamedTypeSymbol type, out int publicCount)
    {
        IMethodSymbol? onlyPublic = null;
        publicCount = 0;
        foreach (var constructor in type.InstanceConstructors)
        {
            if (TypeFacts.GetAttribute(constructor, KnownNames.Simple.ConfigConstructorAttribute) is not null)
                return constructor;
            if (constructor.DeclaredAccessibility == Accessibility.Public)
            {
                publicCount++;
                onlyPublic = constructor;
            }
        }
        return publicCount == 1 ? onlyPublic : null;
    }

    /// <summary>
    /// The field or property the generated <c>GetConfig</c> reads <paramref name="parameter"/> back from: same
    /// name with case and underscores ignored (<see cref="NormalizeMemberName"/>), in the class or a base class
    /// as it will be once generated (not private there), of a type convertible to the parameter's.
    /// </summary>
    public static ISymbol? FindMember(INamedTypeSymbol type, IParameterSymbol parameter, Compilation compilation, INamedTypeSymbol? layerType)
    {
        string wanted = NormalizeMemberName(parameter.Name);
        foreach (var t in TypeFacts.WithGeneratedBases(type, layerType))
        {
            bool own = SymbolEqualityComparer.Default.Equals(t, type);
            foreach (var member in t.GetMembers())
            {
                if (member.IsStatic || member.IsImplicitlyDeclared || (!own && !compilation.IsSymbolAccessibleWithin(member, type)))
                    continue;
                ITypeSymbol memberType;
                switch (member)
                {
                    case IFieldSymbol { IsConst: false } field:
                        memberType = field.Type;
                        break;
                    case IPropertySymbol { IsIndexer: false, GetMethod: { } getter } property
                        when own || compilation.IsSymbolAccessibleWithin(getter, type):
                        memberType = property.Type;
                        break;
                    default:
                        continue;
                }
                if (NormalizeMemberName(member.Name) != wanted)
                    continue;
                if (!compilation.ClassifyCommonConversion(memberType, parameter.Type).IsImplicit)
                    continue;
                return member;
            }
        }
        return null;
    }

    /// <summary>
    /// A name with case, underscores and an <c>m_</c> prefix ignored: how a constructor parameter finds the
    /// member it is kept in (<c>_units</c>, <c>m_units</c>, <c>Units</c> all give <c>units</c>).
    /// </summary>
    public static string NormalizeMemberName(string name)
        => (name.StartsWith("m_", StringComparison.Ordinal) ? name.Substring(2) : name).Replace("_", "").ToLowerInvariant();
}
