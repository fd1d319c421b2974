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
using Microsoft.CodeAnalysis.Text;

namespace LayerGen.Analyzers.CodeFixes;

/// <summary>LG0002: adds <c>partial</c> to the declaration.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFix)), Shared]
public sealed class MakePartialCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticIds.NotPartial];

    public override FixAllProvider GetFixAllProvider() => new SequentialFixAllProvider(this);

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root?.FindToken(diagnostic.Location.SourceSpan.Start).Parent is not TypeDeclarationSyntax declaration)
                continue;
            context.RegisterCodeFix(CodeAction.Create(
                $"Make '{declaration.Identifier.ValueText}' partial",
                async ct =>
                {
                    var editor = await DocumentEditor.CreateAsync(context.Document, ct).ConfigureAwait(false);
                    var generator = editor.Generator;
                    editor.ReplaceNode(declaration, generator.WithModifiers(declaration, generator.GetModifiers(declaration).WithPartial(true)));
                    return editor.GetChangedDocument();
                },
                equivalenceKey: nameof(MakePartialCodeFix)), diagnostic);
        }
    }
}

/// <summary>LG0008: calls <c>Invoke</c> instead of <c>Call</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseInvokeCodeFix)), Shared]
public sealed class UseInvokeCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticIds.DirectCall];

    public override FixAllProvider GetFixAllProvider() => new SequentialFixAllProvider(this);

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
            return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root.FindNode(diagnostic.Location.SourceSpan) is not SimpleNameSyntax name
                || name.Parent is not MemberAccessExpressionSyntax access
                || model.GetTypeInfo(access.Expression, context.CancellationToken).Type is not { } receiver
                || (model.LookupSymbols(access.SpanStart, receiver, "Invoke").IsEmpty && !(receiver is INamedTypeSymbol named && LayerGenSymbols.IsLayerClass(named))))
                continue; // no Invoke to call (the layer is not generated)
            context.RegisterCodeFix(CodeAction.Create(
                "Call Invoke",
                ct => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceToken(name.Identifier,
                    SyntaxFactory.Identifier(name.Identifier.LeadingTrivia, "Invoke", name.Identifier.TrailingTrivia)))),
                equivalenceKey: nameof(UseInvokeCodeFix)), diagnostic);
        }
    }
}

/// <summary>LG0007: marks the member <c>[NotTracked]</c>, saying on purpose that it is not saved or trained.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NotTrackedCodeFix)), Shared]
public sealed class NotTrackedCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticIds.UntrackableMember];

    public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(async (context, document, diagnostics) =>
    {
        var editor = await DocumentEditor.CreateAsync(document, context.CancellationToken).ConfigureAwait(false);
        var done = new HashSet<SyntaxNode>();
        foreach (var diagnostic in diagnostics)
            if (await FindDeclarationAsync(document, diagnostic, context.CancellationToken).ConfigureAwait(false) is { } declaration && done.Add(declaration))
                AddAttribute(editor, declaration);
        return editor.GetChangedDocument();
    });

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (await FindDeclarationAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false) is not { } declaration)
                continue;
            context.RegisterCodeFix(CodeAction.Create(
                "Mark [NotTracked]",
                async ct =>
                {
                    var editor = await DocumentEditor.CreateAsync(context.Document, ct).ConfigureAwait(false);
                    AddAttribute(editor, declaration);
                    return editor.GetChangedDocument();
                },
                equivalenceKey: nameof(NotTrackedCodeFix)), diagnostic);
        }
    }

    private static void AddAttribute(DocumentEditor editor, SyntaxNode declaration)
    {
        var attribute = editor.Generator.Attribute(SyntaxFactory.ParseName("global::LayerGen.Modules.NotTracked").WithAdditionalAnnotations(Simplifier.Annotation));
        editor.AddAttribute(declaration, attribute);
    }

    /// <summary>The field or property declaration in this document the diagnostic is about.</summary>
    private static async Task<SyntaxNode?> FindDeclarationAsync(Document document, Diagnostic diagnostic, CancellationToken ct)
    {
        var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
        var node = root?.FindNode(diagnostic.Location.SourceSpan);
        ISymbol? member = null;
        if (node is AssignmentExpressionSyntax assignment)
        {
            var model = await document.GetSemanticModelAsync(ct).ConfigureAwait(false);
            member = model?.GetSymbolInfo(assignment.Left, ct).Symbol;
        }
        else if (node is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax or PropertyDeclarationSyntax } equals)
        {
            node = equals.Parent;
        }
        if (member is not null)
        {
            node = null;
            foreach (var reference in member.DeclaringSyntaxReferences)
                if (reference.SyntaxTree == root!.SyntaxTree)
                    node = reference.GetSyntax(ct);
        }
        else if (node is not (VariableDeclaratorSyntax or PropertyDeclarationSyntax)
                 && diagnostic.AdditionalLocations is [var declared, ..] && declared.SourceTree == root?.SyntaxTree)
        {
            // a value put into a collection of object: the diagnostic carries the member's declaration
            node = root!.FindNode(declared.SourceSpan);
        }
        return node switch
        {
            VariableDeclaratorSyntax { Parent.Parent: FieldDeclarationSyntax field } => field,
            PropertyDeclarationSyntax property => property,
            _ => null,
        };
    }
}

/// <summary>LG0006: gives <c>Build</c> the signature the generated <c>Invoke</c> calls: <c>void Build(Shape ...)</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(BuildSignatureCodeFix)), Shared]
public sealed class BuildSignatureCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticIds.BuildMismatch];

    public override FixAllProvider GetFixAllProvider() => new SequentialFixAllProvider(this);

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root?.FindToken(diagnostic.Location.SourceSpan.Start).Parent is not MethodDeclarationSyntax method
                || !diagnostic.Properties.TryGetValue(LayerDeclarationAnalyzer.BuildParametersKey, out var names) || names is null)
                continue;
            bool returnsVoid = method.ReturnType is PredefinedTypeSyntax { Keyword.RawKind: (int)SyntaxKind.VoidKeyword };
            if (!returnsVoid && method.DescendantNodes().OfType<ReturnStatementSyntax>().Any(r => r.Expression is not null))
                continue; // returns a value: changing the return type would not compile
            var parameters = ParameterNames(method, names.Length == 0 ? [] : names.Split(','));
            var fixedMethod = Rewrite(method, parameters, returnsVoid);
            var changed = context.Document.WithSyntaxRoot(root.ReplaceNode(method, fixedMethod));
            if (!await StillCompilesAsync(context.Document, method, changed, context.CancellationToken).ConfigureAwait(false))
                continue; // the body uses what the new signature takes away: no fix beats a fix that breaks the build
            context.RegisterCodeFix(CodeAction.Create(
                $"Change to 'void Build({string.Join(", ", parameters.Select(p => "Shape " + p))})'",
                ct => Task.FromResult(changed),
                equivalenceKey: nameof(BuildSignatureCodeFix)), diagnostic);
        }
    }

    /// <summary>
    /// The parameter names of the new signature: the user's own name wherever they already have a parameter in
    /// that position (the generated <c>Invoke</c> passes shapes by position, and the body keeps reading its names),
    /// the proposed name elsewhere, made unique.
    /// </summary>
    private static string[] ParameterNames(MethodDeclarationSyntax method, string[] proposed)
    {
        var existing = method.ParameterList.Parameters;
        var result = new string[proposed.Length];
        for (int i = 0; i < proposed.Length; i++)
            result[i] = i < existing.Count ? existing[i].Identifier.Text : proposed[i];
        for (int i = existing.Count; i < result.Length; i++)
        {
            string name = proposed[i];
            for (int n = 2; Array.IndexOf(result, name, 0, i) >= 0; n++)
                name = proposed[i] + n;
            result[i] = name;
        }
        return result;
    }

    private static MethodDeclarationSyntax Rewrite(MethodDeclarationSyntax method, string[] parameters, bool returnsVoid)
    {
        var shape = SyntaxFactory.ParseTypeName("global::LayerGen.Tensors.Shape").WithAdditionalAnnotations(Simplifier.Annotation);
        var existing = method.ParameterList.Parameters;
        var list = SyntaxFactory.ParameterList(SyntaxFactory.SeparatedList(parameters.Select((p, i) =>
            i < existing.Count
                ? existing[i].WithModifiers(default).WithDefault(null).WithType(shape.WithTriviaFrom(existing[i].Type ?? shape))
                : SyntaxFactory.Parameter(SyntaxFactory.Identifier(p)).WithType(shape.WithTrailingTrivia(SyntaxFactory.Space)))));
        var fixedMethod = method.WithParameterList(list.WithTriviaFrom(method.ParameterList));
        if (!returnsVoid)
            fixedMethod = fixedMethod.WithReturnType(SyntaxFactory.PredefinedType(SyntaxFactory.Token(SyntaxKind.VoidKeyword)).WithTriviaFrom(method.ReturnType));
        return fixedMethod;
    }

    /// <summary>Whether the changed <c>Build</c> has no compile error the original did not have (a dropped parameter still read, an <c>int[]</c> member used on the new <c>Shape</c>, ...).</summary>
    private static async Task<bool> StillCompilesAsync(Document original, MethodDeclarationSyntax method, Document changed, CancellationToken ct)
    {
        var before = await original.GetSemanticModelAsync(ct).ConfigureAwait(false);
        var after = await changed.GetSemanticModelAsync(ct).ConfigureAwait(false);
        var afterRoot = await changed.GetSyntaxRootAsync(ct).ConfigureAwait(false);
        if (before is null || after is null || afterRoot is null)
            return false;
        var fixedMethod = afterRoot.FindToken(method.Identifier.SpanStart).Parent?.FirstAncestorOrSelf<MethodDeclarationSyntax>();
        if (fixedMethod is null)
            return false;
        static List<string> Errors(SemanticModel model, TextSpan span, CancellationToken ct)
            => [.. model.GetDiagnostics(span, ct).Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal)];
        var old = Errors(before, method.Span, ct);
        var now = Errors(after, fixedMethod.Span, ct);
        foreach (var id in old)
            now.Remove(id);
        return now.Count == 0;
    }
}

/// <summary>LG0003: keeps the constructor parameter in a read-only property of the same name.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(KeepParameterCodeFix)), Shared]
public sealed class KeepParameterCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticIds.ParameterNotKept];

    public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(async (context, document, diagnostics) =>
    {
        var editor = await DocumentEditor.CreateAsync(document, context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            if (Find(editor.OriginalRoot, diagnostic) is { } parameter && CanFix(parameter, editor.SemanticModel, context.CancellationToken))
                Apply(editor, parameter);
        return editor.GetChangedDocument();
    });

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root is null || model is null || Find(root, diagnostic) is not { } parameter || !CanFix(parameter, model, context.CancellationToken))
                continue;
            context.RegisterCodeFix(CodeAction.Create(
                $"Keep '{parameter.Identifier.ValueText}' in property '{PropertyName(parameter)}'",
                async ct =>
                {
                    var editor = await DocumentEditor.CreateAsync(context.Document, ct).ConfigureAwait(false);
                    Apply(editor, parameter);
                    return editor.GetChangedDocument();
                },
                equivalenceKey: nameof(KeepParameterCodeFix)), diagnostic);
        }
    }

    private static ParameterSyntax? Find(SyntaxNode root, Diagnostic diagnostic)
        => root.FindToken(diagnostic.Location.SourceSpan.Start).Parent as ParameterSyntax;

    internal static string PropertyName(ParameterSyntax parameter)
    {
        string name = parameter.Identifier.ValueText.TrimStart('_');
        return name.Length == 0 ? "Value" : char.ToUpperInvariant(name[0]) + name.Substring(1);
    }

    private static bool CanFix(ParameterSyntax parameter, SemanticModel model, CancellationToken ct)
    {
        if (parameter.Type is null || parameter.Parent?.Parent is not (ConstructorDeclarationSyntax { Body: not null } or ConstructorDeclarationSyntax { ExpressionBody: not null } or TypeDeclarationSyntax))
            return false;
        var type = parameter.FirstAncestorOrSelf<TypeDeclarationSyntax>();
        string name = PropertyName(parameter);
        return type is not null && !type.Members.Any(m => m switch
        {
            PropertyDeclarationSyntax p => p.Identifier.ValueText == name,
            FieldDeclarationSyntax f => f.Declaration.Variables.Any(v => v.Identifier.ValueText == name),
            MethodDeclarationSyntax m2 => m2.Identifier.ValueText == name,
            _ => false,
        }) && type.Identifier.ValueText != name
            // a primary-constructor parameter the members write to cannot be read from a get-only property instead
            && !(parameter.Parent.Parent is TypeDeclarationSyntax && CapturedUses(type, parameter, model, ct).Any(IsWritten));
    }

    /// <summary>
    /// The uses of a primary-constructor parameter that capture it into the object (in member bodies, not in field or
    /// property initializers or the base-type arguments). Once a property is initialised from the parameter they must
    /// read the property, or the compiler reports CS9124 (captured and also used to initialise a member).
    /// </summary>
    private static IEnumerable<IdentifierNameSyntax> CapturedUses(TypeDeclarationSyntax type, ParameterSyntax parameter, SemanticModel model, CancellationToken ct)
    {
        var symbol = model.GetDeclaredSymbol(parameter, ct);
        if (symbol is null)
            yield break;
        foreach (var member in type.Members)
        {
            foreach (var id in member.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (id.Identifier.ValueText != parameter.Identifier.ValueText || IsInitializer(id, member)
                    || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(id, ct).Symbol, symbol))
                    continue;
                yield return id;
            }
        }
    }

    private static bool IsInitializer(SyntaxNode use, MemberDeclarationSyntax member)
        => member switch
        {
            FieldDeclarationSyntax field => field.Declaration.Variables.Any(v => v.Initializer?.Span.Contains(use.Span) == true),
            PropertyDeclarationSyntax property => property.Initializer?.Span.Contains(use.Span) == true,
            EventFieldDeclarationSyntax e => e.Declaration.Variables.Any(v => v.Initializer?.Span.Contains(use.Span) == true),
            _ => false,
        };

    private static bool IsWritten(IdentifierNameSyntax use) => use.Parent switch
    {
        AssignmentExpressionSyntax assignment => assignment.Left == use,
        PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax => use.Parent.IsKind(SyntaxKind.PreIncrementExpression) || use.Parent.IsKind(SyntaxKind.PreDecrementExpression)
                                                                      || use.Parent.IsKind(SyntaxKind.PostIncrementExpression) || use.Parent.IsKind(SyntaxKind.PostDecrementExpression),
        ArgumentSyntax argument => argument.RefKindKeyword.IsKind(SyntaxKind.RefKeyword) || argument.RefKindKeyword.IsKind(SyntaxKind.OutKeyword),
        _ => false,
    };

    private static void Apply(DocumentEditor editor, ParameterSyntax parameter)
    {
        string name = PropertyName(parameter);
        var value = SyntaxFactory.IdentifierName(parameter.Identifier.WithoutTrivia());
        var property = SyntaxFactory.PropertyDeclaration(parameter.Type!.WithoutTrivia(), SyntaxFactory.Identifier(name))
            .AddModifiers(SyntaxFactory.Token(SyntaxKind.PublicKeyword))
            .WithAccessorList(SyntaxFactory.AccessorList(SyntaxFactory.SingletonList(
                SyntaxFactory.AccessorDeclaration(SyntaxKind.GetAccessorDeclaration).WithSemicolonToken(SyntaxFactory.Token(SyntaxKind.SemicolonToken)))));
        switch (parameter.Parent!.Parent)
        {
            case TypeDeclarationSyntax type: // primary constructor: members read the property, initializers the parameter
                foreach (var use in CapturedUses(type, parameter, editor.SemanticModel, default).ToList())
                    editor.ReplaceNode(use, SyntaxFactory.IdentifierName(name).WithTriviaFrom(use));
                property = property.WithInitializer(SyntaxFactory.EqualsValueClause(value)).WithSemicolonToken(SyntaxFactory.Token(SyntaxKind.SemicolonToken));
                editor.AddMember(type, property.WithAdditionalAnnotations(Microsoft.CodeAnalysis.Formatting.Formatter.Annotation));
                break;
            case ConstructorDeclarationSyntax constructor:
                var assignment = SyntaxFactory.ExpressionStatement(SyntaxFactory.AssignmentExpression(SyntaxKind.SimpleAssignmentExpression,
                    SyntaxFactory.IdentifierName(name), value));
                editor.InsertBefore(constructor, property.WithAdditionalAnnotations(Microsoft.CodeAnalysis.Formatting.Formatter.Annotation));
                editor.ReplaceNode(constructor, (current, _) =>
                {
                    var c = (ConstructorDeclarationSyntax)current;
                    var body = c.Body ?? SyntaxFactory.Block(SyntaxFactory.ExpressionStatement(c.ExpressionBody!.Expression));
                    c = c.WithExpressionBody(null).WithSemicolonToken(default)
                        .WithParameterList(c.ParameterList.WithTrailingTrivia(SyntaxFactory.ElasticMarker))
                        .WithBody(body.WithStatements(body.Statements.Insert(0, assignment)));
                    return c.WithAdditionalAnnotations(Microsoft.CodeAnalysis.Formatting.Formatter.Annotation);
                });
                break;
        }
    }
}
