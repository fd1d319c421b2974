using LayerGen.Generators.Models;
using LayerGen.SourceGeneration;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generators.Parsing;

/// <summary>
/// Turns a <c>[Layer]</c> class symbol into a <see cref="LayerModel"/> (strings, bools, enums and records
/// only). Returns null for a class the generator cannot extend; leaves out <see cref="LayerModel.Call"/>
/// or <see cref="LayerModel.Config"/> when the <c>Call</c> or the constructor cannot be used. It never
/// reports anything: the analyzers say why.
/// </summary>
internal static class LayerParser
{
    private const int MaxBaseDepth = 32;

    /// <summary>The keys <c>Layer.GetConfig()</c> writes itself (Keras's base config).</summary>
    private static readonly HashSet<string> BaseConfigKeys = new(StringComparer.Ordinal) { "name", "trainable", "dtype", "activity_regularizer" };

    /// <summary>The transform of <c>ForAttributeWithMetadataName</c>.</summary>
    public static LayerModel? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetNode is not ClassDeclarationSyntax || context.TargetSymbol is not INamedTypeSymbol type)
            return null;
        return Parse(type, context.SemanticModel.Compilation, cancellationToken);
    }

    /// <summary>Parses <paramref name="type"/>; null when it is not a class the generator can extend.</summary>
    public static LayerModel? Parse(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!CanExtend(type, compilation, cancellationToken, out bool supplyBase, out var layerType))
            return null;

        string package = TypeFacts.GetAttribute(type, KnownNames.Simple.LayerAttribute) is { } attribute
            && attribute.NamedArguments.FirstOrDefault(a => a.Key == "Package").Value.Value is string { Length: > 0 } p
            ? p
            : compilation.AssemblyName ?? "";

        return new LayerModel(
            HierarchyInfo.From(type),
            HierarchyInfo.NameWithTypeParameters(type),
            type.Name,
            Naming.ToSnakeCase(type.Name),
            package + ">" + type.Name,
            supplyBase,
            EmitDefaultName: type.GetMembers("DefaultName").IsEmpty,
            EmitRegisteredName: type.GetMembers("RegisteredName").IsEmpty,
            EmitVisitMembers: type.GetMembers("VisitMembers").IsEmpty,
            InsideLayerGen: SymbolEqualityComparer.Default.Equals(layerType.ContainingAssembly, type.ContainingAssembly),
            MemberTracking.Collect(type, cancellationToken),
            ParseCall(type, compilation, cancellationToken),
            ParseConfig(type, compilation, cancellationToken));
    }

    /// <summary>Whether the generator writes a part for <paramref name="type"/>: a partial class deriving from nothing or from a layer.</summary>
    private static bool CanExtend(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken, out bool supplyBase, out INamedTypeSymbol layerType)
    {
        supplyBase = false;
        layerType = null!;
        if (!TypeFacts.IsExtendableClass(type) || !TypeFacts.IsPartialAll(type, cancellationToken))
            return false;
        if (compilation.GetTypeByMetadataName(KnownNames.Layer) is not { } layer)
            return false; // LayerGen is not referenced
        layerType = layer;

        var baseType = type.BaseType;
        if (baseType is null || baseType.SpecialType == SpecialType.System_Object)
            supplyBase = true;
        else if (!TypeFacts.IsLayerType(baseType))
            return false; // derives from something that is not a layer
        return true;
    }

    /// <summary>
    /// <paramref name="type"/> and its base classes as they will be once generated: a <c>[Layer]</c> that
    /// names no base continues with <c>LayerGen.Layer</c> (the generated part supplies it).
    /// </summary>
    private static IEnumerable<INamedTypeSymbol> WithBases(INamedTypeSymbol type, Compilation compilation)
    {
        int depth = 0;
        INamedTypeSymbol? t = type;
        while (t is not null && t.SpecialType != SpecialType.System_Object && depth++ < MaxBaseDepth)
        {
            yield return t;
            var next = t.BaseType;
            if ((next is null || next.SpecialType == SpecialType.System_Object)
                && TypeFacts.HasAttribute(t, KnownNames.Simple.LayerAttribute)
                && !TypeFacts.IsLayerGenType(t, KnownNames.Simple.Layer))
                next = compilation.GetTypeByMetadataName(KnownNames.Layer);
            t = next;
        }
    }

    // ------------------------------------------------------------------ Call and Build

    /// <summary>The classes whose <c>Call</c>/<c>Build</c> count: the class and its bases up to the runtime's own layer types.</summary>
    private static IEnumerable<INamedTypeSymbol> UserHierarchy(INamedTypeSymbol type)
    {
        int depth = 0;
        for (INamedTypeSymbol? t = type; t is not null && depth < MaxBaseDepth; t = t.BaseType, depth++)
        {
            if (t.SpecialType == SpecialType.System_Object || TypeFacts.IsRuntimeBase(t))
                yield break;
            yield return t;
        }
    }

    private static IMethodSymbol? FindMethod(INamedTypeSymbol type, string name, Func<IMethodSymbol, bool> accept)
    {
        foreach (var t in UserHierarchy(type))
            foreach (var member in t.GetMembers(name))
                if (member is IMethodSymbol { IsStatic: false, MethodKind: MethodKind.Ordinary, IsGenericMethod: false } method
                    && (SymbolEqualityComparer.Default.Equals(t, type) || method.DeclaredAccessibility != Accessibility.Private)
                    && accept(method))
                    return method;
        return null;
    }

    internal static CallInfo? ParseCall(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
        => ParseCall(type, compilation, cancellationToken, out _);

    /// <summary>The call entry point of <paramref name="type"/>; <paramref name="signature"/> gets the parameter types of its <c>Invoke</c>.</summary>
    private static CallInfo? ParseCall(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken, out string[] signature)
    {
        signature = [];
        cancellationToken.ThrowIfCancellationRequested();
        var call = FindMethod(type, "Call", static _ => true);
        if (call is null)
            return null;

        bool returnsArray;
        if (TypeFacts.IsTensor(call.ReturnType))
            returnsArray = false;
        else if (call.ReturnType is IArrayTypeSymbol { Rank: 1 } array && TypeFacts.IsTensor(array.ElementType))
            returnsArray = true;
        else
            return null;

        var parameters = new CallParameter[call.Parameters.Length];
        var tensors = new List<IParameterSymbol>();
        bool trainingDefault = false;
        for (int i = 0; i < call.Parameters.Length; i++)
        {
            var parameter = call.Parameters[i];
            if (parameter.RefKind != RefKind.None || parameter.IsParams)
                return null;
            string name = HierarchyInfo.EscapeIdentifier(parameter.Name);
            string typeName = parameter.Type.ToDisplayString(TypeFacts.FullyQualifiedNullable);
            if (parameter.Name == "training" && IsBoolean(parameter.Type))
            {
                trainingDefault = parameter.HasExplicitDefaultValue && parameter.ExplicitDefaultValue is true;
                parameters[i] = new CallParameter(CallParameterKind.Training, name, "bool?", "null", "");
            }
            else if (parameter.Name == "mask" && TypeFacts.IsTensor(parameter.Type))
            {
                parameters[i] = new CallParameter(CallParameterKind.Mask, name, typeName,
                    Literals.DefaultValue(parameter) ?? (parameter.Type.NullableAnnotation == NullableAnnotation.NotAnnotated ? null : "null"), "");
            }
            else if (TypeFacts.IsTensor(parameter.Type) && parameter.Type.NullableAnnotation != NullableAnnotation.Annotated)
            {
                tensors.Add(parameter);
                parameters[i] = new CallParameter(CallParameterKind.Tensor, name, typeName, null, Naming.ToSnakeCase(parameter.Name) + "_shape");
            }
            else
            {
                parameters[i] = new CallParameter(CallParameterKind.Other, name, typeName, Literals.DefaultValue(parameter), Naming.ToSnakeCase(parameter.Name));
            }
        }

        // A default on Invoke only where every later parameter has one too (C# requires it).
        bool laterHaveDefaults = true;
        for (int i = parameters.Length - 1; i >= 0; i--)
        {
            if (!laterHaveDefaults && parameters[i].DefaultValue is not null && parameters[i].Kind != CallParameterKind.Other)
                parameters[i] = parameters[i] with { DefaultValue = null };
            laterHaveDefaults &= parameters[i].DefaultValue is not null;
        }

        var build = FindMethod(type, "Build", method =>
            method.ReturnsVoid
            && method.Parameters.Length == tensors.Count
            && method.Parameters.All(p => p.RefKind == RefKind.None && TypeFacts.IsShape(p.Type)));
        if (build is not null && tensors.Count > 1)
        {
            // Keras keys a shapes_dict by the build method's parameter names.
            int t = 0;
            for (int i = 0; i < parameters.Length; i++)
                if (parameters[i].Kind == CallParameterKind.Tensor)
                    parameters[i] = parameters[i] with { Key = Naming.ToSnakeCase(build.Parameters[t++].Name) };
        }

        signature = [.. call.Parameters.Select(p => p.Name == "training" && IsBoolean(p.Type) ? "bool?" : Display(p.Type))];
        return new CallInfo(
            parameters.ToEquatableArray(),
            returnsArray,
            trainingDefault,
            HasBuild: build is not null,
            InvokeIsNew: BaseHasInvoke(type, signature, compilation, cancellationToken),
            EmitInvoke: type.GetMembers("Invoke").IsEmpty,
            EmitInvokeRecorded: type.GetMembers("InvokeRecorded").IsEmpty);
    }

    /// <summary>A type for signature comparisons: <c>global::</c>-qualified, nullable reference annotations ignored.</summary>
    private static string Display(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);

    private static string[] Signature(IMethodSymbol method) => [.. method.Parameters.Select(p => Display(p.Type))];

    /// <summary>Whether a base class has (or will get from this generator) an <c>Invoke</c> the generated one hides.</summary>
    private static bool BaseHasInvoke(INamedTypeSymbol type, string[] signature, Compilation compilation, CancellationToken cancellationToken)
    {
        foreach (var t in WithBases(type, compilation).Skip(1))
        {
            foreach (var member in t.GetMembers("Invoke"))
                if (member is IMethodSymbol { IsStatic: false, DeclaredAccessibility: not Accessibility.Private } method
                    && Signature(method).SequenceEqual(signature))
                    return true;
            if (GeneratedHere(t, compilation, cancellationToken)
                && ParseCall(t, compilation, cancellationToken, out var baseSignature) is { EmitInvoke: true }
                && baseSignature.SequenceEqual(signature))
                return true;
        }
        return false;
    }

    /// <summary>Whether <paramref name="type"/> is a <c>[Layer]</c> this compilation generates code for (a source class, not metadata).</summary>
    private static bool GeneratedHere(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
        => !type.DeclaringSyntaxReferences.IsEmpty
           && TypeFacts.HasAttribute(type, KnownNames.Simple.LayerAttribute)
           && CanExtend(type.OriginalDefinition, compilation, cancellationToken, out _, out _);

    private static bool IsBoolean(ITypeSymbol type)
        => type.SpecialType == SpecialType.System_Boolean
           || type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T, TypeArguments: [{ SpecialType: SpecialType.System_Boolean }] };

    // ------------------------------------------------------------------ config

    internal static ConfigInfo? ParseConfig(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        bool userFromConfig = type.GetMembers("FromConfig").Any(m => m is IMethodSymbol { IsStatic: true, Parameters.Length: 1 });
        var parameters = ConfigParameters(type, compilation);
        if (parameters is null)
        {
            // A constructor argument cannot be kept: no config is generated (the analyzers say why), but a
            // FromConfig written by hand is still registered.
            return userFromConfig && CanRegister(type)
                ? new ConfigInfo(EquatableArray<ConfigParameter>.Empty, false, false, false, EmitRegistration: true)
                : null;
        }

        bool emitFromConfig = type.GetMembers("FromConfig").IsEmpty;
        return new ConfigInfo(
            parameters.Value,
            EmitGetConfig: type.GetMembers("GetConfig").IsEmpty,
            emitFromConfig,
            FromConfigIsNew: emitFromConfig && BaseHasFromConfig(type, compilation, cancellationToken),
            EmitRegistration: (emitFromConfig || userFromConfig) && CanRegister(type));
    }

    /// <summary>The config constructor's parameters with the members they are read back from, or null when one cannot be kept.</summary>
    private static EquatableArray<ConfigParameter>? ConfigParameters(INamedTypeSymbol type, Compilation compilation)
    {
        if (type.IsAbstract)
            return null;
        var constructor = ConfigConstructor(type);
        if (constructor is null)
            return null;

        var parameters = new List<ConfigParameter>(constructor.Parameters.Length);
        foreach (var parameter in constructor.Parameters)
        {
            if (parameter.RefKind != RefKind.None)
                return null;
            if (Classify(parameter.Type) is not { } value)
                return null;
            if (FindMember(type, parameter, compilation) is not { } member)
                return null;
            parameters.Add(new ConfigParameter(
                HierarchyInfo.EscapeIdentifier(parameter.Name),
                Naming.ToSnakeCase(parameter.Name),
                "this." + HierarchyInfo.EscapeIdentifier(member.Name),
                value.Kind,
                value.Container,
                value.IsNullable,
                value.ElementType,
                Literals.DefaultValue(parameter),
                WrittenByBase: BaseConfigKeys.Contains(Naming.ToSnakeCase(parameter.Name))
                    || (member.ContainingType is { } owner
                        && (TypeFacts.IsLayerGenType(owner, KnownNames.Simple.Layer) || TypeFacts.IsLayerGenType(owner, KnownNames.Simple.Module)))));
        }
        return parameters.ToEquatableArray();
    }

    /// <summary>The constructor marked <c>[ConfigConstructor]</c>, else the only public one, else null.</summary>
    private static IMethodSymbol? ConfigConstructor(INamedTypeSymbol type)
    {
        IMethodSymbol? onlyPublic = null;
        int publicCount = 0;
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
    /// The field or property a constructor parameter is read back from: same name with case and underscores
    /// ignored, in the class or a base class (not private there), of a type convertible to the parameter's.
    /// </summary>
    private static ISymbol? FindMember(INamedTypeSymbol type, IParameterSymbol parameter, Compilation compilation)
    {
        string wanted = Normalize(parameter.Name);
        foreach (var t in WithBases(type, compilation))
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
                if (Normalize(member.Name) != wanted)
                    continue;
                if (!compilation.ClassifyCommonConversion(memberType, parameter.Type).IsImplicit)
                    continue;
                return member;
            }
        }
        return null;
    }

    /// <summary>A name with case, underscores and an <c>m_</c> prefix ignored (<c>_units</c>, <c>m_units</c>, <c>Units</c> all give <c>units</c>).</summary>
    private static string Normalize(string name)
        => (name.StartsWith("m_", StringComparison.Ordinal) ? name.Substring(2) : name).Replace("_", "").ToLowerInvariant();

    private sealed record ConfigValue(ConfigValueKind Kind, ConfigContainer Container, bool IsNullable, string ElementType);

    /// <summary>What a constructor parameter of type <paramref name="type"/> puts into the config, or null when it cannot go there.</summary>
    private static ConfigValue? Classify(ITypeSymbol type)
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
        if (TypeFacts.IsLayerGenType(named, KnownNames.Simple.Activation)) return (ConfigValueKind.Activation, "");
        if (TypeFacts.IsLayerGenType(named, KnownNames.Simple.Initializer)) return (ConfigValueKind.Initializer, "");
        if (TypeFacts.IsLayerGenType(named, KnownNames.Simple.Regularizer)) return (ConfigValueKind.Regularizer, "");
        if (TypeFacts.IsLayerGenType(named, KnownNames.Simple.Constraint)) return (ConfigValueKind.Constraint, "");
        if (IsJsonNodes(named, "JsonNode")) return (ConfigValueKind.Json, "");
        if (IsJsonNodes(named, "JsonObject")) return (ConfigValueKind.JsonObject, "");
        string name = named.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        if (named.TypeKind == TypeKind.Enum) return (ConfigValueKind.Enum, name);
        if (named.TypeKind == TypeKind.Class && TypeFacts.IsLayerType(named)) return (ConfigValueKind.Layer, name);
        return null;
    }

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

    /// <summary>Whether a base class has (or will get from this generator) a static <c>FromConfig</c> the generated one hides.</summary>
    private static bool BaseHasFromConfig(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
    {
        foreach (var t in WithBases(type, compilation).Skip(1))
        {
            foreach (var member in t.GetMembers("FromConfig"))
                if (member is IMethodSymbol { IsStatic: true, Parameters.Length: 1, DeclaredAccessibility: not Accessibility.Private })
                    return true;
            if (GeneratedHere(t, compilation, cancellationToken)
                && ParseConfig(t.OriginalDefinition, compilation, cancellationToken) is { EmitFromConfig: true })
                return true;
        }
        return false;
    }

    /// <summary>A module initializer can register the class: not generic, and reachable from the module (no private or protected nesting).</summary>
    private static bool CanRegister(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            if (t.IsGenericType)
                return false;
            if (t.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
                return false;
        }
        return true;
    }
}
