using System.Collections.Immutable;
using LayerGen.SourceGeneration;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace LayerGen.Analyzers;

/// <summary>
/// LG0007: a member of a <c>[Module]</c>/<c>[Layer]</c> holds variables or modules in a form the generated
/// <c>VisitMembers</c> does not walk (a tuple, another collection, an <c>object</c> field assigned one).
/// The tracked forms are the generator's (<see cref="TrackableTypes"/>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TrackingAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [Descriptors.UntrackableMember];

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (LayerGenSymbols.Create(start.Compilation) is null)
                return;
            start.RegisterSymbolAction(AnalyzeType, SymbolKind.NamedType);
            start.RegisterOperationAction(AnalyzeAssignment, OperationKind.SimpleAssignment, OperationKind.FieldInitializer, OperationKind.PropertyInitializer);
        });
    }

    private static bool IsTarget(INamedTypeSymbol? type)
        => type is not null && (LayerGenSymbols.IsLayerClass(type) || LayerGenSymbols.IsModuleClass(type)) && TypeFacts.IsExtendableClass(type);

    private static bool IsNotTracked(ISymbol member) => TypeFacts.GetAttribute(member, KnownNames.Simple.NotTrackedAttribute) is not null;

    private static void AnalyzeType(SymbolAnalysisContext context)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (!IsTarget(type))
            return;
        var withBackingFields = TrackableTypes.PropertiesWithBackingFields(type);
        foreach (var member in type.GetMembers())
        {
            if (TrackableTypes.StoredType(member, withBackingFields, context.CancellationToken) is not { } memberType || IsNotTracked(member))
                continue;
            if (TrackableTypes.IsTracked(memberType) || !TrackableTypes.MentionsTrackable(memberType))
                continue;
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.UntrackableMember, LayerGenSymbols.MemberLocation(member),
                member.Name, type.Name, memberType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)));
        }
    }

    /// <summary>A variable or module stored into an <c>object</c>/<c>dynamic</c> member of a module.</summary>
    private static void AnalyzeAssignment(OperationAnalysisContext context)
    {
        ISymbol? member;
        IOperation value;
        switch (context.Operation)
        {
            case ISimpleAssignmentOperation { Target: IFieldReferenceOperation field } assignment:
                member = field.Field; value = assignment.Value; break;
            case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation property } assignment:
                member = property.Property; value = assignment.Value; break;
            case IFieldInitializerOperation { InitializedFields: [var f] } initializer:
                member = f; value = initializer.Value; break;
            case IPropertyInitializerOperation { InitializedProperties: [var p] } initializer:
                member = p; value = initializer.Value; break;
            default:
                return;
        }
        if (member is null || !IsTarget(member.ContainingType) || IsNotTracked(member))
            return;
        if (TrackableTypes.StoredType(member, context.CancellationToken) is not { SpecialType: SpecialType.System_Object } and not { TypeKind: TypeKind.Dynamic })
            return;
        while (value is IConversionOperation conversion)
            value = conversion.Operand;
        if (value.Type is not { } valueType || TrackableTypes.IsTracked(valueType) is false && !TrackableTypes.MentionsTrackable(valueType))
            return;
        var storedType = TrackableTypes.StoredType(member, context.CancellationToken)!;
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.UntrackableMember, context.Operation.Syntax.GetLocation(),
            member.Name, member.ContainingType.Name, storedType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)));
    }
}
