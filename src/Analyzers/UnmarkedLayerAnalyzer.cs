using System.Collections.Immutable;
using LayerGen.SourceGeneration;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LayerGen.Analyzers;

/// <summary>
/// LG0015: a class derives from <c>Model</c> (or from another layer and holds variables or modules) but is not
/// marked <c>[Layer]</c>, so the generator writes nothing for it: its members are not tracked and, for a model,
/// its <c>Call</c> is never run. A class that walks its own members (overrides <c>VisitMembers</c>) is left
/// alone, and a subclass of a model that runs its own layers (<c>Sequential</c>) is reported only for members it adds.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnmarkedLayerAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [Descriptors.UnmarkedLayer];

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (LayerGenSymbols.Create(start.Compilation) is not { Layer: { } layer })
                return;
            var model = start.Compilation.GetTypeByMetadataName(KnownNames.Model);
            start.RegisterSymbolAction(c => Analyze(c, layer, model), SymbolKind.NamedType);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, INamedTypeSymbol layer, INamedTypeSymbol? model)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind != TypeKind.Class || type.IsStatic || type.DeclaringSyntaxReferences.IsEmpty)
            return;
        if (LayerGenSymbols.IsLayerClass(type) || LayerGenSymbols.IsModuleClass(type))
            return; // the generator handles it (or TypeDeclarationAnalyzer says why not)
        if (!DerivesFrom(type, layer))
            return;
        if (type.GetMembers("VisitMembers").Any(m => m is IMethodSymbol { IsOverride: true }))
            return; // walks its own members

        // A model whose base runs its own layers (Sequential overrides InvokeRecorded) needs no Call.
        bool isModel = model is not null && DerivesFrom(type, model) && !RunsItself(type, model);
        var members = TrackedMembers(type, context.CancellationToken);
        if (!isModel && members.Count == 0)
            return;
        if (isModel && members.Count == 0 && IsFunctionalSubclass(type, model!, context.CancellationToken))
            return; // Keras's custom train_step pattern: a functional model subclassed only to override its steps

        string consequence = members.Count == 0
            ? "its Call is never run and its layers are not tracked"
            : (members.Count == 1 ? "member '" + members[0] + "' is" : "members " + string.Join(", ", members.Select(m => "'" + m + "'")) + " are")
              + " not tracked (not trained, not saved)" + (isModel ? " and its Call is never run" : "");
        string baseName = (isModel ? model! : type.BaseType!).ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.UnmarkedLayer, LayerGenSymbols.IdentifierLocation(type, context.CancellationToken),
            type.Name, baseName, consequence));
    }

    /// <summary>
    /// Whether <paramref name="type"/> derives directly from <c>Model</c>, declares no <c>Call</c>, and every constructor
    /// passes arguments to the base (Model's constructors with arguments build a functional graph from inputs and
    /// outputs, which needs no <c>Call</c>). Read from syntax: the base list's argument list of a primary constructor, or
    /// each declared constructor's <c>: base(...)</c>.
    /// </summary>
    private static bool IsFunctionalSubclass(INamedTypeSymbol type, INamedTypeSymbol model, CancellationToken cancellationToken)
    {
        if (!SymbolEqualityComparer.Default.Equals(type.BaseType?.OriginalDefinition, model) || !type.GetMembers("Call").IsEmpty)
            return false;
        bool anyConstructor = false;
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration)
                return false;
            if (declaration.BaseList?.Types.OfType<PrimaryConstructorBaseTypeSyntax>().FirstOrDefault() is { } primary)
            {
                if (primary.ArgumentList.Arguments.Count == 0) return false;
                anyConstructor = true;
            }
            foreach (var constructor in declaration.Members.OfType<ConstructorDeclarationSyntax>())
            {
                if (constructor.Modifiers.Any(m => m.ValueText == "static")) continue;
                if (constructor.Initializer is not { } init || init.ArgumentList.Arguments.Count == 0) return false;
                anyConstructor = true; // ': this(...)' ends at a constructor checked here too
            }
        }
        return anyConstructor;
    }

    /// <summary>Whether a class from <paramref name="type"/> down to <paramref name="model"/> (excluded) overrides <c>InvokeRecorded</c> by hand.</summary>
    private static bool RunsItself(INamedTypeSymbol type, INamedTypeSymbol model)
    {
        for (INamedTypeSymbol? t = type; t is not null && !SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, model); t = t.BaseType)
            if (!LayerGenSymbols.IsLayerClass(t) && t.GetMembers("InvokeRecorded").Any(m => m is IMethodSymbol { IsOverride: true }))
                return true;
        return false;
    }

    private static bool DerivesFrom(INamedTypeSymbol type, INamedTypeSymbol baseType)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
            if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, baseType))
                return true;
        return false;
    }

    /// <summary>The instance fields and auto-properties declared here that hold variables or modules.</summary>
    private static List<string> TrackedMembers(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var withBackingFields = TrackableTypes.PropertiesWithBackingFields(type);
        var names = new List<string>();
        foreach (var member in type.GetMembers())
        {
            if (member.IsImplicitlyDeclared || TypeFacts.GetAttribute(member, KnownNames.Simple.NotTrackedAttribute) is not null)
                continue;
            if (TrackableTypes.StoredType(member, withBackingFields, cancellationToken) is { } stored
                && (TrackableTypes.IsTracked(stored) || TrackableTypes.MentionsTrackable(stored)))
                names.Add(member.Name);
        }
        return names;
    }
}
