using System.Collections.Immutable;
using System.Composition;
using LayerGen.Analyzers;
using LayerGen.SourceGeneration;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Simplification;

namespace LayerGen.Analyzers.CodeFixes;

/// <summary>LG0012: removes <c>[Module]</c> from a class that is also a <c>[Layer]</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveModuleAttributeCodeFix)), Shared]
public sealed class RemoveModuleAttributeCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticIds.ModuleAndLayer];

    public override FixAllProvider GetFixAllProvider() => new SequentialFixAllProvider(this);

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root?.FindToken(diagnostic.Location.SourceSpan.Start).Parent is not TypeDeclarationSyntax declaration || model is null)
                continue;
            var attribute = declaration.AttributeLists.SelectMany(l => l.Attributes)
                .FirstOrDefault(a => TypeFacts.IsLayerGenType(model.GetTypeInfo(a, context.CancellationToken).Type, KnownNames.Simple.ModuleAttribute)
                                     || model.GetSymbolInfo(a, context.CancellationToken).Symbol?.ContainingType is { } t && TypeFacts.IsLayerGenType(t, KnownNames.Simple.ModuleAttribute));
            if (attribute is null)
                continue;
            context.RegisterCodeFix(CodeAction.Create(
                "Remove [Module]",
                async ct =>
                {
                    var editor = await DocumentEditor.CreateAsync(context.Document, ct).ConfigureAwait(false);
                    editor.RemoveNode(attribute);
                    return editor.GetChangedDocument();
                },
                equivalenceKey: nameof(RemoveModuleAttributeCodeFix)), diagnostic);
        }
    }
}

/// <summary>LG0013: marks the public constructor with the most parameters <c>[ConfigConstructor]</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MarkConfigConstructorCodeFix)), Shared]
public sealed class MarkConfigConstructorCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticIds.NoConfigConstructor];

    public override FixAllProvider GetFixAllProvider() => new SequentialFixAllProvider(this);

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root?.FindToken(diagnostic.Location.SourceSpan.Start).Parent is not ClassDeclarationSyntax declaration)
                continue;
            var constructor = declaration.Members.OfType<ConstructorDeclarationSyntax>()
                .Where(c => c.Modifiers.Any(SyntaxKind.PublicKeyword) && !c.Modifiers.Any(SyntaxKind.StaticKeyword))
                .OrderByDescending(c => c.ParameterList.Parameters.Count)
                .FirstOrDefault();
            if (constructor is null)
                continue; // a public constructor in another part: let the user choose
            string signature = string.Join(", ", constructor.ParameterList.Parameters.Select(p => p.Type?.ToString()));
            context.RegisterCodeFix(CodeAction.Create(
                $"Mark '{declaration.Identifier.ValueText}({signature})' [ConfigConstructor]",
                async ct =>
                {
                    var editor = await DocumentEditor.CreateAsync(context.Document, ct).ConfigureAwait(false);
                    editor.AddAttribute(constructor, editor.Generator.Attribute(
                        SyntaxFactory.ParseName("global::LayerGen.Modules.ConfigConstructor").WithAdditionalAnnotations(Simplifier.Annotation)));
                    return editor.GetChangedDocument();
                },
                equivalenceKey: nameof(MarkConfigConstructorCodeFix)), diagnostic);
        }
    }
}
