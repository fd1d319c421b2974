using System.Collections.Immutable;
using LayerGen.SourceGeneration;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LayerGen.Analyzers;

/// <summary>
/// Whether the generators can extend a <c>[Module]</c>/<c>[Layer]</c> class at all: LG0002 (not partial),
/// LG0010 (a struct, record, static or file-local class), LG0011 (a base that is not a module/layer),
/// LG0012 (both attributes).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TypeDeclarationAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [Descriptors.NotPartial, Descriptors.NotAClass, Descriptors.WrongBase, Descriptors.ModuleAndLayer];

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (LayerGenSymbols.Create(start.Compilation) is null)
                return;
            start.RegisterSymbolAction(Analyze, SymbolKind.NamedType);
        });
    }

    private static void Analyze(SymbolAnalysisContext context)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        bool isLayer = LayerGenSymbols.IsLayerClass(type), isModule = LayerGenSymbols.IsModuleClass(type);
        var ct = context.CancellationToken;
        if (!isLayer && !isModule)
        {
            // A type containing a [Module]/[Layer] must be partial too (reported here, where it is declared).
            if (ContainsMarkedType(type, 0) is { } nested)
                ReportNotPartial(context, type, nested, ct);
            return;
        }
        string attribute = isLayer ? "Layer" : "Module";

        string? kind = type switch
        {
            { TypeKind: TypeKind.Struct, IsRecord: true } => "a record struct",
            { TypeKind: TypeKind.Struct } => "a struct",
            { TypeKind: not TypeKind.Class } => "not a class",
            { IsStatic: true } => "a static class",
            { IsRecord: true } => "a record",
            { IsFileLocal: true } => "a file-local class",
            _ => null,
        };
        if (kind is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NotAClass, LayerGenSymbols.IdentifierLocation(type, ct), type.Name, kind, attribute));
            return;
        }

        if (isLayer && isModule)
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.ModuleAndLayer, LayerGenSymbols.IdentifierLocation(type, ct), type.Name));

        // LG0002: the class itself (containing types are reported where they are analyzed).
        ReportNotPartial(context, type, type, ct);

        // LG0011: a named base class must be a module (a layer for [Layer]).
        var baseType = type.BaseType;
        if (baseType is not null && baseType.SpecialType != SpecialType.System_Object && baseType.TypeKind != TypeKind.Error
            && !(isLayer ? TypeFacts.IsLayerType(baseType) : TypeFacts.IsModuleType(baseType)))
        {
            var location = BaseTypeLocation(type, ct) ?? LayerGenSymbols.IdentifierLocation(type, ct);
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.WrongBase, location, type.Name,
                baseType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat), isLayer ? "layer" : "module"));
        }
    }

    private static void ReportNotPartial(SymbolAnalysisContext context, INamedTypeSymbol type, INamedTypeSymbol marked, CancellationToken ct)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(ct) is TypeDeclarationSyntax declaration && !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.NotPartial, declaration.Identifier.GetLocation(), type.Name, marked.Name));
        }
    }

    /// <summary>A <c>[Module]</c>/<c>[Layer]</c> class nested (at any depth) in <paramref name="type"/>, or null.</summary>
    private static INamedTypeSymbol? ContainsMarkedType(INamedTypeSymbol type, int depth)
    {
        if (depth > 16)
            return null;
        foreach (var nested in type.GetTypeMembers())
        {
            if (LayerGenSymbols.IsLayerClass(nested) || LayerGenSymbols.IsModuleClass(nested))
                return nested;
            if (ContainsMarkedType(nested, depth + 1) is { } deeper)
                return deeper;
        }
        return null;
    }

    private static Location? BaseTypeLocation(INamedTypeSymbol type, CancellationToken ct)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
            if (reference.GetSyntax(ct) is TypeDeclarationSyntax { BaseList.Types: [var first, ..] })
                return first.GetLocation();
        return null;
    }
}
