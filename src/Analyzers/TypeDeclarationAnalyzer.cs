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
/// LG0012 (both attributes); for <c>[KerasSerializable]</c>, LG0002, LG0010 and LG0011 (a class that derives from
/// no loss, metric, optimizer, schedule, initializer, regularizer or constraint).
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
        if (!isLayer && !isModule && TypeFacts.HasAttribute(type, KnownNames.Simple.KerasSerializableAttribute))
        {
            AnalyzeKerasObject(context, type, ct);
            return;
        }
        if (!isLayer && !isModule)
        {
            // A type containing a [Module]/[Layer]/[KerasSerializable] must be partial too (reported here, where it is declared).
            if (ContainsMarkedType(type, 0) is { } nested)
                ReportNotPartial(context, type, nested, ct);
            return;
        }
        string attribute = isLayer ? "Layer" : "Module";
        if (ReportNotAClass(context, type, attribute, ct))
            return;

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

    /// <summary>LG0010 when <paramref name="type"/> is not an ordinary class; true when reported.</summary>
    private static bool ReportNotAClass(SymbolAnalysisContext context, INamedTypeSymbol type, string attribute, CancellationToken ct)
    {
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
        if (kind is null)
            return false;
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.NotAClass, LayerGenSymbols.IdentifierLocation(type, ct), type.Name, kind, attribute));
        return true;
    }

    /// <summary>A <c>[KerasSerializable]</c> class: an ordinary partial class deriving from one of the kinds.</summary>
    private static void AnalyzeKerasObject(SymbolAnalysisContext context, INamedTypeSymbol type, CancellationToken ct)
    {
        if (ReportNotAClass(context, type, "KerasSerializable", ct))
            return;
        ReportNotPartial(context, type, type, ct);
        if (TypeFacts.KerasObjectKind(type) is null && type.BaseType is not { TypeKind: TypeKind.Error })
        {
            var location = BaseTypeLocation(type, ct) ?? LayerGenSymbols.IdentifierLocation(type, ct);
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.WrongBase, location, type.Name,
                type.BaseType?.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) ?? "object",
                "loss, metric, optimizer, learning-rate schedule, initializer, regularizer or constraint"));
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

    /// <summary>A <c>[Module]</c>/<c>[Layer]</c>/<c>[KerasSerializable]</c> class nested (at any depth) in <paramref name="type"/>, or null.</summary>
    private static INamedTypeSymbol? ContainsMarkedType(INamedTypeSymbol type, int depth)
    {
        if (depth > 16)
            return null;
        foreach (var nested in type.GetTypeMembers())
        {
            if (LayerGenSymbols.IsLayerClass(nested) || LayerGenSymbols.IsModuleClass(nested)
                || TypeFacts.HasAttribute(nested, KnownNames.Simple.KerasSerializableAttribute))
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
