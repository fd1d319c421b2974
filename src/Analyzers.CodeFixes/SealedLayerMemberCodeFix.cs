using System.Collections.Immutable;
using System.Composition;
using LayerGen.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Analyzers.CodeFixes;

/// <summary>
/// CS0628 (new protected member in a sealed type) on a sealed <c>[Layer]</c>'s <c>Call</c> or <c>Build</c>:
/// makes it <c>private</c>. The generated <c>Invoke</c> is part of the same class, so a private <c>Call</c> and
/// <c>Build</c> are what a sealed layer declares (docs/layers.md); <c>protected</c> is for layers others derive from.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SealedLayerMemberCodeFix)), Shared]
public sealed class SealedLayerMemberCodeFix : CodeFixProvider
{
    /// <summary>The compiler's "new protected member declared in sealed type".</summary>
    public const string NewProtectedMemberInSealedType = "CS0628";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [NewProtectedMemberInSealedType];

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => new SequentialFixAllProvider(this);

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
            return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root.FindToken(diagnostic.Location.SourceSpan.Start).Parent is not MethodDeclarationSyntax { Identifier.ValueText: "Call" or "Build" } method
                || model.GetDeclaredSymbol(method, context.CancellationToken)?.ContainingType is not { } type
                || !LayerGenSymbols.IsLayerClass(type))
                continue;
            context.RegisterCodeFix(CodeAction.Create(
                $"Make '{method.Identifier.ValueText}' private (the layer is sealed)",
                ct => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(method, MakePrivate(method)))),
                equivalenceKey: nameof(SealedLayerMemberCodeFix)), diagnostic);
        }
    }

    /// <summary><c>protected</c> becomes <c>private</c>, <c>protected internal</c> becomes <c>internal</c>; trivia stays where it was.</summary>
    private static MethodDeclarationSyntax MakePrivate(MethodDeclarationSyntax method)
    {
        var modifiers = method.Modifiers;
        int index = modifiers.IndexOf(SyntaxKind.ProtectedKeyword);
        if (index < 0)
            return method;
        var protectedToken = modifiers[index];
        bool other = modifiers.Any(SyntaxKind.InternalKeyword) || modifiers.Any(SyntaxKind.PrivateKeyword);
        if (!other)
            return method.WithModifiers(modifiers.Replace(protectedToken,
                SyntaxFactory.Token(protectedToken.LeadingTrivia, SyntaxKind.PrivateKeyword, protectedToken.TrailingTrivia)));
        var removed = modifiers.RemoveAt(index);
        if (index < removed.Count)
            removed = removed.Replace(removed[index], removed[index].WithLeadingTrivia(protectedToken.LeadingTrivia));
        return method.WithModifiers(removed);
    }
}
