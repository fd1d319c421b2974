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

        var call = ParseCall(type, compilation, cancellationToken);
        var model = new LayerModel(
            HierarchyInfo.From(type),
            HierarchyInfo.NameWithTypeParameters(type),
            type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            type.Name,
            Naming.ToSnakeCase(type.Name),
            package + ">" + type.Name,
            supplyBase,
            EmitDefaultName: type.GetMembers("DefaultName").IsEmpty
                && TypeFacts.NeedsDefaultName(type, layerType, cancellationToken),
            EmitRegisteredName: type.GetMembers("RegisteredName").IsEmpty,
            EmitVisitMembers: type.GetMembers("VisitMembers").IsEmpty,
            InsideLayerGen: SymbolEqualityComparer.Default.Equals(layerType.ContainingAssembly, type.ContainingAssembly),
            MemberTracking.Collect(type, cancellationToken, leaveOutAddedWeights: true),
            call,
            ParseConfig(type, compilation, cancellationToken),
            StubInvokeRecorded: call is null && NeedsInvokeRecorded(type, layerType, compilation, cancellationToken),
            BaseMayOverrideInvokeRecorded: BaseMayOverride(type, layerType, "InvokeRecorded", cancellationToken)
                || BaseMayOverride(type, layerType, "BuildConfigFor", cancellationToken));
        // Layer.RegisteredName answers from the registration list; a base between the class and Layer may override it.
        return model.EmitRegisteredName && model.InRegistrationList && !BaseMayOverride(type, layerType, "RegisteredName", cancellationToken)
            ? model with { EmitRegisteredName = false }
            : model;
    }

    /// <summary>
    /// Whether a base class between <paramref name="type"/> and <c>Layer</c> declares member <paramref name="member"/>
    /// (<c>RegisteredName</c>, <c>InvokeRecorded</c>) or may get one from its generated part (any base in source: the
    /// generator cannot see the other parts).
    /// </summary>
    private static bool BaseMayOverride(INamedTypeSymbol type, INamedTypeSymbol layerType, string member, CancellationToken cancellationToken)
    {
        foreach (var t in TypeFacts.WithGeneratedBases(type, layerType).Skip(1))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (SymbolEqualityComparer.Default.Equals(t, layerType))
                return false;
            if (!t.DeclaringSyntaxReferences.IsEmpty || !t.GetMembers(member).IsEmpty)
                return true;
        }
        return false;
    }

    /// <summary>
    /// Whether a class without a usable <c>Call</c> gets the stub <c>InvokeRecorded</c> that throws with LG0005's message
    /// (when <c>Layer.InvokeRecorded</c> was abstract, a missing one was CS0534 in the generated part, which stopped the build
    /// before the analyzers reported LG0005; the runtime's default now needs a registered <c>Call</c> signature): not
    /// abstract itself, no <c>InvokeRecorded</c> of its own, and none inherited from a base (written by hand or generated).
    /// </summary>
    private static bool NeedsInvokeRecorded(INamedTypeSymbol type, INamedTypeSymbol layerType, Compilation compilation, CancellationToken cancellationToken)
    {
        if (type.IsAbstract || !type.GetMembers("InvokeRecorded").IsEmpty)
            return false;
        foreach (var t in TypeFacts.WithGeneratedBases(type, layerType).Skip(1))
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Layer's own InvokeRecorded (the runtime's default) replays through the registered Call signature, which a
            // class without a usable Call does not have: it still gets the stub with LG0005's message.
            if (t.GetMembers("InvokeRecorded").OfType<IMethodSymbol>().FirstOrDefault() is { } declared)
                return declared.IsAbstract || SymbolEqualityComparer.Default.Equals(t, layerType);
            if (GeneratedHere(t, compilation, cancellationToken))
            {
                var baseCall = ParseCall(t.OriginalDefinition, compilation, cancellationToken);
                if (baseCall is { EmitInvokeRecorded: true } || (baseCall is null && !t.IsAbstract))
                    return false; // the base's generated part implements it
            }
        }
        return true;
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

    // ------------------------------------------------------------------ Call and Build

    private static IMethodSymbol? FindMethod(INamedTypeSymbol type, string name, Func<IMethodSymbol, bool> accept)
    {
        foreach (var t in TypeFacts.UserHierarchy(type))
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

        if (!CallRules.ReturnsTensors(call, out bool returnsArray))
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
            else if (CallRules.IsTensorInput(parameter))
            {
                tensors.Add(parameter);
                var kind = CallRules.IsTensorList(parameter.Type) ? CallParameterKind.TensorList : CallParameterKind.Tensor;
                parameters[i] = new CallParameter(kind, name, typeName, null, Naming.ToSnakeCase(parameter.Name) + "_shape");
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

        // A list of tensors is the only tensor input of its Call (the analyzer reports LG0005 otherwise).
        if (tensors.Count > 1 && tensors.Any(t => CallRules.IsTensorList(t.Type)))
            return null;
        var build = FindMethod(type, "Build", method => CallRules.IsBuildFor(method, tensors));
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
            EmitInvoke: !UserWroteInvoke(type, signature),
            EmitInvokeRecorded: type.GetMembers("InvokeRecorded").IsEmpty,
            InvokeAccess: InvokeAccess(call));
    }

    /// <summary><c>public</c>, or the accessibility of the least accessible parameter type of <paramref name="call"/>.</summary>
    private static string InvokeAccess(IMethodSymbol call)
    {
        var least = Accessibility.Public;
        foreach (var parameter in call.Parameters)
            least = Least(least, EffectiveAccessibility(parameter.Type, 0));
        return least switch
        {
            Accessibility.Private => "private",
            Accessibility.ProtectedAndInternal => "private protected",
            Accessibility.Protected => "protected",
            Accessibility.Internal => "internal",
            Accessibility.ProtectedOrInternal => "protected internal",
            _ => "public",
        };
    }

    private static Accessibility EffectiveAccessibility(ITypeSymbol type, int depth)
    {
        if (depth > 8)
            return Accessibility.Public;
        switch (type)
        {
            case IArrayTypeSymbol array:
                return EffectiveAccessibility(array.ElementType, depth + 1);
            case INamedTypeSymbol named:
                var least = Accessibility.Public;
                for (INamedTypeSymbol? t = named; t is not null; t = t.ContainingType)
                    least = Least(least, t.DeclaredAccessibility);
                foreach (var argument in named.TypeArguments)
                    least = Least(least, EffectiveAccessibility(argument, depth + 1));
                return least;
            default:
                return Accessibility.Public; // type parameters, dynamic, pointers: no accessibility of their own
        }
    }

    /// <summary>The less accessible of two (protected and internal are both kept as <c>private protected</c>).</summary>
    private static Accessibility Least(Accessibility a, Accessibility b)
    {
        if (a == Accessibility.NotApplicable) return b;
        if (b == Accessibility.NotApplicable) return a;
        if ((a == Accessibility.Protected && b == Accessibility.Internal) || (a == Accessibility.Internal && b == Accessibility.Protected))
            return Accessibility.ProtectedAndInternal;
        return (Accessibility)Math.Min((int)a, (int)b);
    }

    /// <summary>
    /// Whether the user wrote the <c>Invoke</c> the generator would write: one with the same parameter types (or a
    /// member named <c>Invoke</c> that is not a method). An <c>Invoke</c> with other parameters is an overload: the
    /// generated one is still written, as the generated <c>InvokeRecorded</c> calls it.
    /// </summary>
    private static bool UserWroteInvoke(INamedTypeSymbol type, string[] signature)
        => type.GetMembers("Invoke").Any(m => m is not IMethodSymbol method || (!method.IsStatic && Signature(method).SequenceEqual(signature)));

    /// <summary>A type for signature comparisons: <c>global::</c>-qualified, nullable reference annotations ignored.</summary>
    private static string Display(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);

    private static string[] Signature(IMethodSymbol method) => [.. method.Parameters.Select(p => Display(p.Type))];

    /// <summary>Whether a base class has (or will get from this generator) an <c>Invoke</c> the generated one hides.</summary>
    private static bool BaseHasInvoke(INamedTypeSymbol type, string[] signature, Compilation compilation, CancellationToken cancellationToken)
    {
        foreach (var t in TypeFacts.WithGeneratedBases(type, compilation.GetTypeByMetadataName(KnownNames.Layer)).Skip(1))
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

    /// <summary>The config of a <c>[Layer]</c> class (<see cref="ConfigParser"/> with the layer's rules).</summary>
    internal static ConfigInfo? ParseConfig(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
        => ConfigParser.Parse(type, compilation, Rules(compilation, cancellationToken), cancellationToken);

    /// <summary>
    /// The layer's config rules: <c>Layer</c> is the base supplied when none is named, and <c>Layer.GetConfig()</c>
    /// writes Keras's base keys and whatever is kept in a member of <c>Layer</c> or <c>Module</c>.
    /// </summary>
    private static ConfigRules Rules(Compilation compilation, CancellationToken cancellationToken) => new(
        compilation.GetTypeByMetadataName(KnownNames.Layer),
        static (key, member) => BaseConfigKeys.Contains(key)
            || (member.ContainingType is { } owner
                && (TypeFacts.IsLayerGenType(owner, KnownNames.Simple.Layer) || TypeFacts.IsLayerGenType(owner, KnownNames.Simple.Module))),
        t => GeneratedHere(t, compilation, cancellationToken));
}
