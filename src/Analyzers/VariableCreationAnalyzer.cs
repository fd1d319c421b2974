using System.Collections.Immutable;
using LayerGen.SourceGeneration;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace LayerGen.Analyzers;

/// <summary>
/// LG0001: a <c>[Layer]</c> creates a variable (<c>new Variable(...)</c> anywhere, <c>AddWeight</c> in the
/// constructor or an initializer) outside <c>Build</c>. LG0009: it calls <c>AddWeight</c> in <c>Call</c> or
/// another method, which throws once the layer is built.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class VariableCreationAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Property for the fixer: where the creation is (<see cref="Constructor"/>, <see cref="Initializer"/>, <see cref="Method"/>).</summary>
    public const string PlaceKey = "Place";
    public const string Constructor = "Constructor";
    public const string Initializer = "Initializer";
    public const string Method = "Method";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [Descriptors.VariableOutsideBuild, Descriptors.AddWeightOutsideBuild];

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (LayerGenSymbols.Create(start.Compilation) is not { Layer: not null })
                return;
            start.RegisterOperationAction(AnalyzeCreation, OperationKind.ObjectCreation);
            start.RegisterOperationAction(AnalyzeInvocation, OperationKind.Invocation);
        });
    }

    /// <summary>Whether <paramref name="symbol"/> (the member an operation is in) belongs to a user's layer class.</summary>
    private static bool InLayer(ISymbol symbol)
        => symbol.ContainingType is { } type
           && (LayerGenSymbols.IsLayerClass(type) || TypeFacts.IsLayerType(type))
           && !type.DeclaringSyntaxReferences.IsEmpty;

    /// <summary>Where an operation is, for the message and the fixer; null inside <c>Build</c>.</summary>
    private static (string Place, string Text)? Where(ISymbol symbol)
        => symbol switch
        {
            IMethodSymbol { MethodKind: MethodKind.Ordinary, Name: "Build", IsStatic: false } => null,
            IMethodSymbol { MethodKind: MethodKind.Constructor } => (Constructor, "its constructor"),
            IMethodSymbol { MethodKind: MethodKind.StaticConstructor } => (Initializer, "its static constructor"),
            IMethodSymbol { MethodKind: MethodKind.Ordinary, Name: "Call" } => (Method, "Call"),
            IMethodSymbol method => (Method, $"method '{method.Name}'"),
            IFieldSymbol or IPropertySymbol => (Initializer, $"the initializer of '{symbol.Name}'"),
            _ => (Method, $"'{symbol.Name}'"),
        };

    private static void AnalyzeCreation(OperationAnalysisContext context)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        if (!TypeFacts.IsVariableType(creation.Type) || !InLayer(context.ContainingSymbol))
            return;
        if (Where(context.ContainingSymbol) is not { } where)
            return;
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.VariableOutsideBuild, creation.Syntax.GetLocation(),
            ImmutableDictionary<string, string?>.Empty.Add(PlaceKey, where.Place),
            context.ContainingSymbol.ContainingType.Name, where.Text));
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (invocation.TargetMethod is not { Name: "AddWeight", IsStatic: false } method || !TypeFacts.IsLayerType(method.ContainingType))
            return;
        if (!InLayer(context.ContainingSymbol) || Where(context.ContainingSymbol) is not { } where)
            return;
        var descriptor = where.Place == Method ? Descriptors.AddWeightOutsideBuild : Descriptors.VariableOutsideBuild;
        context.ReportDiagnostic(Diagnostic.Create(descriptor, invocation.Syntax.GetLocation(),
            ImmutableDictionary<string, string?>.Empty.Add(PlaceKey, where.Place),
            context.ContainingSymbol.ContainingType.Name, where.Text));
    }
}
