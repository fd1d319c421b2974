using System.Collections.Immutable;
using System.Composition;
using LayerGen.SourceGeneration;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Simplification;

namespace LayerGen.Analyzers.CodeFixes;

/// <summary>LG0015: marks the class <c>[Layer]</c> and makes it <c>partial</c>, so the generator tracks its members and wires its <c>Call</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MarkLayerCodeFix)), Shared]
public sealed class MarkLayerCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticIds.UnmarkedLayer];

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root?.FindToken(diagnostic.Location.SourceSpan.Start).Parent is not ClassDeclarationSyntax declaration)
                continue;
            context.RegisterCodeFix(CodeAction.Create(
                "Mark [Layer] and partial",
                async ct =>
                {
                    var editor = await DocumentEditor.CreateAsync(context.Document, ct).ConfigureAwait(false);
                    var generator = editor.Generator;
                    var attribute = generator.Attribute(SyntaxFactory.ParseName("global::" + KnownNames.LayerAttribute.Substring(0, KnownNames.LayerAttribute.Length - "Attribute".Length))
                        .WithAdditionalAnnotations(Simplifier.Annotation));
                    var changed = generator.AddAttributes(declaration, attribute);
                    changed = generator.WithModifiers(changed, generator.GetModifiers(declaration).WithPartial(true));
                    editor.ReplaceNode(declaration, changed);
                    return editor.GetChangedDocument();
                },
                equivalenceKey: nameof(MarkLayerCodeFix)), diagnostic);
        }
    }
}
