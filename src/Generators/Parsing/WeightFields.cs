using LayerGen.SourceGeneration;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generators.Parsing;

/// <summary>
/// Finds the fields of a <c>[Layer]</c> that hold nothing but weights the layer made with <c>AddWeight</c>: the
/// runtime's <c>Layer.VisitMembers</c> reports every such weight already (it keeps them from <c>AddWeight</c> on,
/// under their weight names, before the generated part's members; the walks keep a variable's first report), so
/// the generated <c>VisitMembers</c> leaves those fields out (issue 23: a layer whose variables all come from
/// <c>AddWeight</c>, like <c>Dense</c>, gets no <c>VisitMembers</c> at all).
/// </summary>
/// <remarks>
/// Decided from the syntax of the class's parts (no binding: the compiler binds the bodies later anyway), and only
/// where nothing else can write the field: a <c>private</c> instance field of type <c>Variable</c> (nullable or
/// not), whose initializer is absent, <c>null</c> or <c>default</c> (with or without <c>!</c>), and whose every
/// write in the class is <c>field = AddWeight(...)</c> or <c>field ??= AddWeight(...)</c> (also through
/// <c>this.</c>; <c>AddWeight</c> unqualified or on <c>this</c>). Any other use of the name as an assignment target,
/// a <c>ref</c>/<c>out</c> argument, a <c>ref</c> expression or part of a deconstruction keeps the field tracked, as
/// does a declaration of another <c>AddWeight</c> between the class and <c>Layer</c>. The check looks at names only,
/// so a local or a member of another object with the same name can only keep the field tracked (the safe side).
/// </remarks>
internal static class WeightFields
{
    /// <summary>Whether <paramref name="field"/> of <paramref name="layer"/> only ever holds weights made by <c>AddWeight</c>.</summary>
    public static bool OnlyHoldsAddedWeights(IFieldSymbol field, INamedTypeSymbol layer, CancellationToken cancellationToken)
    {
        if (field.DeclaredAccessibility != Accessibility.Private || field.IsStatic
            || !TypeFacts.IsLayerGenType(field.Type, KnownNames.Simple.Variable)
            || !AddWeightIsLayers(layer))
            return false;

        string name = field.Name;
        foreach (var reference in field.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Initializer: { } initializer }
                && !IsNullOrDefault(initializer.Value))
                return false;
        }
        foreach (var reference in layer.DeclaringSyntaxReferences)
        {
            foreach (var node in reference.GetSyntax(cancellationToken).DescendantNodes())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (node is IdentifierNameSyntax identifier && identifier.Identifier.ValueText == name && !IsReadOrAddedWeight(identifier))
                    return false;
            }
        }
        return true;
    }

    /// <summary>
    /// No type between <paramref name="layer"/> and <c>Layer</c> (itself included) declares an <c>AddWeight</c> of its own.
    /// A chain that ends without <c>Layer</c> is one whose base the generator supplies (only valid layers get here).
    /// </summary>
    private static bool AddWeightIsLayers(INamedTypeSymbol layer)
    {
        for (var t = layer; t is not null && !TypeFacts.IsLayerGenType(t, KnownNames.Simple.Layer); t = t.BaseType)
        {
            if (!t.GetMembers("AddWeight").IsEmpty)
                return false;
        }
        return true;
    }

    /// <summary>
    /// Whether this use of the field's name only reads it, or writes a weight from <c>AddWeight</c>; false for any
    /// other write (or a use the check cannot classify as either).
    /// </summary>
    private static bool IsReadOrAddedWeight(IdentifierNameSyntax identifier)
    {
        // `name` or `this.name` (any other `x.name` is another object's member: leave it to the parent checks below).
        ExpressionSyntax use = identifier;
        if (identifier.Parent is MemberAccessExpressionSyntax access && access.Name == identifier)
        {
            if (access.Expression is not ThisExpressionSyntax)
                return !IsWriteTarget(access);
            use = access;
        }
        if (use.Parent is AssignmentExpressionSyntax assignment && assignment.Left == use)
            return assignment.Kind() is SyntaxKind.SimpleAssignmentExpression or SyntaxKind.CoalesceAssignmentExpression
                && IsAddWeightCall(assignment.Right);
        return !IsWriteTarget(use);
    }

    /// <summary>A write other than a plain assignment: <c>ref</c>/<c>out</c> argument, <c>ref</c> expression, deconstruction target.</summary>
    private static bool IsWriteTarget(ExpressionSyntax use)
    {
        switch (use.Parent)
        {
            case AssignmentExpressionSyntax assignment when assignment.Left == use:
                return true;
            case ArgumentSyntax argument when !argument.RefKindKeyword.IsKind(SyntaxKind.None) && !argument.RefKindKeyword.IsKind(SyntaxKind.InKeyword):
                return true;
            case RefExpressionSyntax:
                return true;
            case ArgumentSyntax { Parent: TupleExpressionSyntax }:
                // (a, name) = ...: a deconstruction writes it; a tuple read is harmless but rare: keep it simple.
                return true;
            default:
                return false;
        }
    }

    /// <summary><c>AddWeight(...)</c> or <c>this.AddWeight(...)</c>, with or without a trailing <c>!</c>.</summary>
    private static bool IsAddWeightCall(ExpressionSyntax expression)
    {
        while (expression is PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression } suppressed)
            expression = suppressed.Operand;
        while (expression is ParenthesizedExpressionSyntax parenthesized)
            expression = parenthesized.Expression;
        return expression is InvocationExpressionSyntax invocation
            && invocation.Expression switch
            {
                IdentifierNameSyntax { Identifier.ValueText: "AddWeight" } => true,
                MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: IdentifierNameSyntax { Identifier.ValueText: "AddWeight" } } => true,
                _ => false,
            };
    }

    /// <summary><c>null</c>, <c>default</c>, <c>default(T)</c>, each with or without <c>!</c>.</summary>
    private static bool IsNullOrDefault(ExpressionSyntax expression)
    {
        while (expression is PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression } suppressed)
            expression = suppressed.Operand;
        return expression.Kind() is SyntaxKind.NullLiteralExpression or SyntaxKind.DefaultLiteralExpression or SyntaxKind.DefaultExpression;
    }
}
