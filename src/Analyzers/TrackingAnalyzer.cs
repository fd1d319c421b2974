using System.Collections.Immutable;
using LayerGen.SourceGeneration;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace LayerGen.Analyzers;

/// <summary>
/// LG0007: a member of a <c>[Module]</c>/<c>[Layer]</c> holds variables or modules in a form the generated
/// <c>VisitMembers</c> does not walk (a tuple, another collection, an <c>object</c> field assigned one, a collection
/// of <c>object</c> such as <c>List&lt;object&gt;</c> that a variable or module is put into).
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
            start.RegisterOperationAction(AnalyzeObjectCollection, OperationKind.Invocation, OperationKind.SimpleAssignment,
                OperationKind.FieldInitializer, OperationKind.PropertyInitializer);
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

    // ------------------------------------------------------------------ collections of object

    /// <summary>
    /// A variable or module put into a member of a module whose type is a collection of <c>object</c> (or <c>dynamic</c>):
    /// <c>items.Add(v)</c>, <c>items[0] = v</c>, <c>items = [v]</c>, <c>List&lt;object&gt; items = new() { v }</c>.
    /// The member's type mentions nothing trackable, so the declaration alone says nothing; what goes in does.
    /// </summary>
    private static void AnalyzeObjectCollection(OperationAnalysisContext context)
    {
        ISymbol? member;
        IEnumerable<IOperation> values;
        switch (context.Operation)
        {
            case IInvocationOperation invocation when MemberOf(invocation.Instance) is { } target:
                member = target; values = invocation.Arguments.Select(a => a.Value); break;
            case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.IsIndexer: true } indexer } assignment
                when MemberOf(indexer.Instance) is { } target:
                member = target; values = [assignment.Value]; break;
            case ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation element } assignment
                when MemberOf(element.ArrayReference) is { } target:
                member = target; values = [assignment.Value]; break;
            case ISimpleAssignmentOperation { Target: IMemberReferenceOperation { Member: var target } } assignment:
                member = target; values = Elements(assignment.Value); break;
            case IFieldInitializerOperation { InitializedFields: [var f] } initializer:
                member = f; values = Elements(initializer.Value); break;
            case IPropertyInitializerOperation { InitializedProperties: [var p] } initializer:
                member = p; values = Elements(initializer.Value); break;
            default:
                return;
        }
        if (member is null || !IsTarget(member.ContainingType) || IsNotTracked(member))
            return;
        if (TrackableTypes.StoredType(member, context.CancellationToken) is not { } storedType
            || !HoldsObjects(storedType) || TrackableTypes.IsTracked(storedType) || TrackableTypes.MentionsTrackable(storedType))
            return;
        foreach (var value in values)
        {
            var operand = value;
            while (operand is IConversionOperation conversion)
                operand = conversion.Operand;
            if (operand.Type is not { } valueType || (!TrackableTypes.IsTracked(valueType) && !TrackableTypes.MentionsTrackable(valueType)))
                continue;
            // the member's declaration goes along, for the [NotTracked] fix
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.UntrackableMember, value.Syntax.GetLocation(), member.Locations,
                member.Name, member.ContainingType.Name, storedType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)));
        }
    }

    /// <summary>The member of <c>this</c> an instance expression reads (<c>items</c>, <c>this.items</c>), or null.</summary>
    private static ISymbol? MemberOf(IOperation? instance)
    {
        while (instance is IConversionOperation conversion)
            instance = conversion.Operand;
        return instance is IMemberReferenceOperation { Instance: null or IInstanceReferenceOperation } reference
               && reference.Member is IFieldSymbol or IPropertySymbol
            ? reference.Member
            : null;
    }

    /// <summary>The elements a collection expression or a collection initializer puts into a new collection.</summary>
    private static IEnumerable<IOperation> Elements(IOperation value)
    {
        while (value is IConversionOperation conversion)
            value = conversion.Operand;
        switch (value)
        {
            case ICollectionExpressionOperation collection:
                return collection.Elements.Select(e => e is ISpreadOperation spread ? spread.Operand : e);
            case IObjectCreationOperation { Initializer: { } initializer }:
                return initializer.Initializers.SelectMany(i => i is IInvocationOperation add ? add.Arguments.Select(a => a.Value) : []);
            case IArrayCreationOperation { Initializer: { } array }:
                return array.ElementValues;
            default:
                return [];
        }
    }

    /// <summary>Whether <paramref name="type"/> is a collection whose element (or a type argument) is <c>object</c> or <c>dynamic</c>.</summary>
    private static bool HoldsObjects(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol array => IsObject(array.ElementType) || HoldsObjects(array.ElementType),
        INamedTypeSymbol { IsGenericType: true } named => named.TypeArguments.Any(a => IsObject(a) || HoldsObjects(a)),
        _ => false,
    };

    private static bool IsObject(ITypeSymbol type) => type.SpecialType == SpecialType.System_Object || type.TypeKind == TypeKind.Dynamic;
}
