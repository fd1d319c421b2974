using LayerGen.Generators.Models;
using LayerGen.SourceGeneration;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generators.Parsing;

/// <summary>
/// Turns an <c>[Op]</c> class symbol into an <see cref="OpModel"/> (strings, bools, enums and records only).
/// Returns null for a class the generator cannot extend (not partial, abstract, not an op, a parameter of a
/// type op attributes cannot hold, a parameter without a property of the same name); then the op is simply
/// not registered, which the registry-driven op tests report.
/// </summary>
internal static class OpParser
{
    /// <summary>The transform of <c>ForAttributeWithMetadataName</c>.</summary>
    public static OpModel? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetNode is not ClassDeclarationSyntax || context.TargetSymbol is not INamedTypeSymbol type)
            return null;
        var names = new List<string>(context.Attributes.Length);
        foreach (var attribute in context.Attributes)
        {
            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not string { Length: > 0 } name)
                return null;
            names.Add(name);
        }
        return Parse(type, names, context.SemanticModel.Compilation, cancellationToken);
    }

    /// <summary>Parses <paramref name="type"/>, registered under <paramref name="names"/>; null when it is not an op class the generator can extend.</summary>
    public static OpModel? Parse(INamedTypeSymbol type, IReadOnlyList<string> names, Compilation compilation, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (names.Count == 0 || !TypeFacts.IsExtendableClass(type) || type.IsAbstract || !TypeFacts.IsPartialAll(type, cancellationToken))
            return null;
        var opType = compilation.GetTypeByMetadataName(KnownNames.Op);
        if (opType is null || !DerivesFrom(type, opType))
            return null;

        var factory = FindFactory(type);
        if (factory is null)
            return null;

        var parameters = new List<OpParameter>(factory.Parameters.Length);
        foreach (var parameter in factory.Parameters)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var model = ParseParameter(type, opType, parameter);
            if (model is null)
                return null;
            parameters.Add(model);
        }
        bool hasAttributes = parameters.Any(p => p.Kind != OpAttrKind.OpName);

        string factoryText;
        bool isInstance = false;
        if (factory.MethodKind != MethodKind.Constructor)
            factoryText = HierarchyInfo.EscapeIdentifier(factory.Name);
        else if (factory.Parameters.IsEmpty && HasSharedInstance(type))
        {
            factoryText = "Instance";
            isInstance = true;
        }
        else
            factoryText = "new " + HierarchyInfo.NameWithTypeParameters(type);

        return new OpModel(
            HierarchyInfo.From(type),
            HierarchyInfo.NameWithTypeParameters(type),
            names.ToEquatableArray(),
            factoryText,
            isInstance,
            parameters.ToEquatableArray(),
            EmitName: names.Count == 1 && type.GetMembers("Name").IsEmpty,
            EmitCreate: !type.GetMembers("Create").OfType<IMethodSymbol>().Any(m => m.IsStatic && m.Parameters.Length == 1),
            EmitWriteAttributes: hasAttributes && type.GetMembers("WriteAttributes").IsEmpty,
            EmitDescribeAttributes: hasAttributes && !DeclaredBelow(type, opType, "DescribeAttributes"),
            EmitRegistration: CanRegister(type));
    }

    private static bool DerivesFrom(INamedTypeSymbol type, INamedTypeSymbol baseType)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
            if (SymbolEqualityComparer.Default.Equals(t, baseType))
                return true;
        return false;
    }

    /// <summary>Whether <paramref name="type"/> or one of its bases below <paramref name="opType"/> declares <paramref name="member"/>.</summary>
    private static bool DeclaredBelow(INamedTypeSymbol type, INamedTypeSymbol opType, string member)
    {
        for (INamedTypeSymbol? t = type; t is not null && !SymbolEqualityComparer.Default.Equals(t, opType); t = t.BaseType)
            if (!t.GetMembers(member).IsEmpty)
                return true;
        return false;
    }

    /// <summary>The static method marked <c>[OpFactory]</c>, else the constructor with the most parameters.</summary>
    private static IMethodSymbol? FindFactory(INamedTypeSymbol type)
    {
        foreach (var member in type.GetMembers())
            if (member is IMethodSymbol { IsStatic: true, MethodKind: MethodKind.Ordinary } method && HasAttribute(method, KnownNames.OpFactoryAttribute))
                return method;
        IMethodSymbol? best = null;
        foreach (var constructor in type.InstanceConstructors)
            if (best is null || constructor.Parameters.Length > best.Parameters.Length)
                best = constructor;
        return best;
    }

    /// <summary>Whether the class has a static <c>Instance</c> of its own type (ops without attributes share one).</summary>
    private static bool HasSharedInstance(INamedTypeSymbol type)
    {
        foreach (var member in type.GetMembers("Instance"))
        {
            var memberType = member switch
            {
                IFieldSymbol { IsStatic: true } f => f.Type,
                IPropertySymbol { IsStatic: true } p => p.Type,
                _ => null,
            };
            if (SymbolEqualityComparer.Default.Equals(memberType, type))
                return true;
        }
        return false;
    }

    private static OpParameter? ParseParameter(INamedTypeSymbol type, INamedTypeSymbol opType, IParameterSymbol parameter)
    {
        if (HasAttribute(parameter, KnownNames.OpNameAttribute))
            return parameter.Type.SpecialType == SpecialType.System_String ? new OpParameter(OpAttrKind.OpName, "", "", null) : null;

        var kind = KindOf(parameter.Type);
        if (kind is null)
            return null;
        string name = Naming.ToSnakeCase(parameter.Name);
        string? nullText = null;
        if (GetAttribute(parameter, KnownNames.OpAttrAttribute) is { } attr)
        {
            if (attr.ConstructorArguments.Length == 1 && attr.ConstructorArguments[0].Value is string { Length: > 0 } given)
                name = given;
            foreach (var named in attr.NamedArguments)
                if (named.Key == "NullText" && named.Value.Value is string text)
                    nullText = text;
        }
        var property = FindProperty(type, opType, parameter.Name);
        return property is null ? null : new OpParameter(kind.Value, name, HierarchyInfo.EscapeIdentifier(property), nullText);
    }

    /// <summary>The readable instance property named like the parameter (case aside), on the class or a base op.</summary>
    private static string? FindProperty(INamedTypeSymbol type, INamedTypeSymbol opType, string parameterName)
    {
        for (INamedTypeSymbol? t = type; t is not null && !SymbolEqualityComparer.Default.Equals(t, opType); t = t.BaseType)
            foreach (var member in t.GetMembers())
                if (member is IPropertySymbol { IsStatic: false, GetMethod: not null, Parameters.IsEmpty: true } property
                    && string.Equals(property.Name, parameterName, StringComparison.OrdinalIgnoreCase))
                    return property.Name;
        return null;
    }

    private static OpAttrKind? KindOf(ITypeSymbol type)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            return nullable.TypeArguments[0].SpecialType == SpecialType.System_Int32 ? OpAttrKind.NullableInt : null;
        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean: return OpAttrKind.Bool;
            case SpecialType.System_Int32: return OpAttrKind.Int;
            case SpecialType.System_Double: return OpAttrKind.Double;
            case SpecialType.System_String: return OpAttrKind.String;
        }
        if (type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Int32 } array)
            return array.NullableAnnotation == NullableAnnotation.Annotated ? OpAttrKind.NullableInts : OpAttrKind.Ints;
        string full = type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString();
        if (full == KnownNames.DType) return OpAttrKind.DType;
        if (full == KnownNames.Shape) return OpAttrKind.Shape;
        return null;
    }

    private static AttributeData? GetAttribute(ISymbol symbol, string fullName)
    {
        foreach (var attribute in symbol.GetAttributes())
            if (attribute.AttributeClass?.ToDisplayString() == fullName)
                return attribute;
        return null;
    }

    private static bool HasAttribute(ISymbol symbol, string fullName) => GetAttribute(symbol, fullName) is not null;

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
