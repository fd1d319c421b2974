using LayerGen.Generators.Models;
using LayerGen.SourceGeneration;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generators.Parsing;

/// <summary>
/// Turns a <c>[KerasSerializable]</c> class symbol into a <see cref="KerasObjectModel"/>: its kind (the first
/// of <see cref="KnownNames.KerasObjectKinds"/> it derives from), Keras's class and registered names, the
/// aliases on the attribute and the config (<see cref="ConfigParser"/>, as for layers). Returns null for a
/// class the generator cannot extend; it never reports anything (the analyzers say why).
/// </summary>
internal static class KerasObjectParser
{
    /// <summary>The transform of <c>ForAttributeWithMetadataName</c>.</summary>
    public static KerasObjectModel? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetNode is not ClassDeclarationSyntax || context.TargetSymbol is not INamedTypeSymbol type)
            return null;
        return Parse(type, context.SemanticModel.Compilation, cancellationToken);
    }

    /// <summary>Parses <paramref name="type"/>; null when it is not a partial class deriving from one of the kinds.</summary>
    public static KerasObjectModel? Parse(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!TypeFacts.IsExtendableClass(type) || !TypeFacts.IsPartialAll(type, cancellationToken))
            return null;
        if (TypeFacts.KerasObjectKind(type) is not { } kind)
            return null;

        var attribute = TypeFacts.GetAttribute(type, KnownNames.Simple.KerasSerializableAttribute);
        string? Named(string name) => attribute?.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value as string;
        string package = Named("Package") is { Length: > 0 } p ? p : compilation.AssemblyName ?? "";
        string className = Named("ClassName") is { Length: > 0 } c ? c : type.Name;
        var aliases = new List<string>();
        if (attribute is { ConstructorArguments: [{ Kind: TypedConstantKind.Array } values] })
            foreach (var value in values.Values)
                if (value.Value is string { Length: > 0 } alias)
                    aliases.Add(alias);

        return new KerasObjectModel(
            HierarchyInfo.From(type),
            HierarchyInfo.NameWithTypeParameters(type),
            type.Name,
            className,
            package + ">" + className,
            kind.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            aliases.ToEquatableArray(),
            EmitClassName: type.GetMembers("ClassName").IsEmpty,
            EmitRegisteredName: type.GetMembers("RegisteredName").IsEmpty,
            PrepareConfig: kind.GetMembers(KnownNames.PrepareConfigMethod).Any(static m => m is IMethodSymbol { IsStatic: true, Parameters.Length: 2 }),
            ConfigParser.Parse(type, compilation, Rules(type, kind, cancellationToken), cancellationToken));
    }

    /// <summary>
    /// The config rules of a kind: no base is supplied, and <c>base.GetConfig()</c> writes what is kept in a member
    /// of the kind's base class (<c>Loss.Name</c>, <c>Optimizer.Clipnorm</c>) or of a base class that is itself
    /// <c>[KerasSerializable]</c> (<c>AdamW</c> inherits <c>Adam</c>'s keys).
    /// </summary>
    private static ConfigRules Rules(INamedTypeSymbol type, INamedTypeSymbol kind, CancellationToken cancellationToken) => new(
        SuppliedBase: null,
        (_, member) => member.ContainingType is { } owner
            && !SymbolEqualityComparer.Default.Equals(owner.OriginalDefinition, type.OriginalDefinition)
            && (SymbolEqualityComparer.Default.Equals(owner.OriginalDefinition, kind)
                || TypeFacts.HasAttribute(owner.OriginalDefinition, KnownNames.Simple.KerasSerializableAttribute)),
        t => !t.DeclaringSyntaxReferences.IsEmpty
             && TypeFacts.HasAttribute(t, KnownNames.Simple.KerasSerializableAttribute)
             && TypeFacts.IsExtendableClass(t.OriginalDefinition)
             && TypeFacts.IsPartialAll(t.OriginalDefinition, cancellationToken)
             && TypeFacts.KerasObjectKind(t.OriginalDefinition) is not null);
}
