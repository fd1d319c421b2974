using System.Collections.Immutable;
using LayerGen.SourceGeneration;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace LayerGen.Analyzers;

/// <summary>
/// LG0008: a layer's <c>Call</c> invoked on another instance (not <c>this</c> or <c>base</c>), which skips
/// what the generated <c>Invoke</c> does: build once, input checks, training flag, name scope, recording.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DirectCallAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [Descriptors.DirectCall];

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (LayerGenSymbols.Create(start.Compilation) is not { Layer: not null })
                return;
            start.RegisterOperationAction(Analyze, OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (invocation.TargetMethod is not { Name: "Call", IsStatic: false, MethodKind: MethodKind.Ordinary } method
            || !TypeFacts.IsLayerType(method.ContainingType)
            || TypeFacts.IsRuntimeBase(method.ContainingType))
            return;
        if (invocation.Instance is null or IInstanceReferenceOperation)
            return; // this.Call / base.Call: the layer's own business
        var location = invocation.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access }
            ? access.Name.GetLocation()
            : invocation.Syntax.GetLocation();
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.DirectCall, location,
            invocation.Instance.Type?.Name ?? method.ContainingType.Name));
    }
}
