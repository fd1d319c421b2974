using LayerGen.Generators.Models;
using LayerGen.SourceGeneration;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generators.Parsing;

/// <summary>
/// Turns a <c>[Module]</c> class symbol into a <see cref="ModuleModel"/>: strings, bools and enums only,
/// so the pipeline can cache it. Returns null for input the generator does not handle (not partial, a
/// struct or record, static, a base class that is not a module, ...): the analyzers report those.
/// </summary>
internal static class ModuleParser
{
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
        if (!TypeFacts.IsExtendableClass(type))
            return null;
        if (TypeFacts.HasAttribute(type, KnownNames.Simple.LayerAttribute))
            return null; // a [Layer] belongs to the layer generator
        if (!TypeFacts.IsPartialAll(type, cancellationToken))
            return null;

        var moduleType = compilation.GetTypeByMetadataName(KnownNames.Module);
        if (moduleType is null)
            return null; // LayerGen is not referenced

        bool supplyBase;
        var baseType = type.BaseType;
        if (baseType is null || baseType.SpecialType == SpecialType.System_Object)
            supplyBase = true;
        else if (TypeFacts.IsModuleType(baseType))
            supplyBase = false;
        else
            return null; // derives from something that is not a module

        if (!type.GetMembers("VisitMembers").IsEmpty)
            return null; // written by hand: nothing to generate without clashing

        return new ModuleModel(
            HierarchyInfo.From(type),
            "class",
            HierarchyInfo.NameWithTypeParameters(type),
            Naming.ToSnakeCase(type.Name),
            supplyBase,
            EmitDefaultName: type.GetMembers("DefaultName").IsEmpty && TypeFacts.NeedsDefaultName(type, layerType: null, cancellationToken),
            VisitMembersIsProtectedInternal: SymbolEqualityComparer.Default.Equals(moduleType.ContainingAssembly, type.ContainingAssembly),
            MemberTracking.Collect(type, cancellationToken),
            CallsBaseVisitMembers: !supplyBase && !SymbolEqualityComparer.Default.Equals(baseType, moduleType));
    }
}
