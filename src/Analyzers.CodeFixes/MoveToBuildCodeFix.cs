using System.Collections.Immutable;
using System.Composition;
using LayerGen.Analyzers;
using LayerGen.SourceGeneration;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.FindSymbols;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace LayerGen.Analyzers.CodeFixes;

/// <summary>
/// LG0001 and LG0009: moves the statement that creates a variable into <c>Build</c> (adding
/// <c>protected void Build(Shape inputShape)</c> when the layer has none). Constructor arguments the
/// statement uses are kept in fields of the same name (which the generated config reads too); a Call
/// argument's <c>x.Shape</c> becomes Build's shape. A second fix, for the whole layer, sizes the weights'
/// input dimension from <c>inputShape[^1]</c> where a constructor argument only did that, and drops that
/// argument from the constructor and its callers.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MoveToBuildCodeFix)), Shared]
public sealed class MoveToBuildCodeFix : CodeFixProvider
{
    private const string MoveKey = "MoveToBuild";
    private const string InputShapeKey = "MoveToBuildFromInputShape";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticIds.VariableOutsideBuild, DiagnosticIds.AddWeightOutsideBuild];

    public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(async (context, document, diagnostics) =>
    {
        bool fromInputShape = context.CodeActionEquivalenceKey == InputShapeKey;
        var solution = await MoveAsync(document, diagnostics, fromInputShape, context.CancellationToken).ConfigureAwait(false);
        if (solution is null)
            return null;
        // Dropping a constructor argument from callers in other files is more than a document's fix.
        if (solution.GetChanges(document.Project.Solution).GetProjectChanges().SelectMany(p => p.GetChangedDocuments()).Any(id => id != document.Id))
            return null;
        return solution.GetDocument(document.Id);
    });

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var document = context.Document;
        var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
            return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (Plan(root, model, diagnostic, context.CancellationToken) is not { } plan)
                continue;
            context.RegisterCodeFix(CodeAction.Create(
                "Create the variable in Build",
                async ct => await MoveAsync(document, [diagnostic], false, ct).ConfigureAwait(false) ?? document.Project.Solution,
                equivalenceKey: MoveKey), diagnostic);

            // The whole layer, sized from the input shape: only when a constructor argument just sized an input dimension.
            var all = await AllInClassAsync(document, plan.Class, context.CancellationToken).ConfigureAwait(false);
            var plans = all.Select(d => Plan(root, model, d, context.CancellationToken)).ToList();
            if (plans.All(p => p is not null) && InputDimensionParameters(plans!, model, context.CancellationToken).Count > 0)
            {
                var names = string.Join(", ", InputDimensionParameters(plans!, model, context.CancellationToken).Select(p => p.Name));
                context.RegisterCodeFix(CodeAction.Create(
                    $"Create the layer's variables in Build, sized from inputShape[^1] instead of '{names}'",
                    async ct => await MoveAsync(document, all, true, ct).ConfigureAwait(false) ?? document.Project.Solution,
                    equivalenceKey: InputShapeKey), diagnostic);
            }
        }
    }

    private static async Task<ImmutableArray<Diagnostic>> AllInClassAsync(Document document, ClassDeclarationSyntax declaration, CancellationToken ct)
    {
        var compilation = await document.Project.GetCompilationAsync(ct).ConfigureAwait(false);
        var tree = await document.GetSyntaxTreeAsync(ct).ConfigureAwait(false);
        if (compilation is null || tree is null)
            return [];
        var diagnostics = await compilation.WithAnalyzers([new VariableCreationAnalyzer()]).GetAnalyzerDiagnosticsAsync(ct).ConfigureAwait(false);
        return [.. diagnostics.Where(d => d.Location.SourceTree == tree && declaration.Span.Contains(d.Location.SourceSpan)).OrderBy(d => d.Location.SourceSpan.Start)];
    }

    /// <summary>What moving one creation takes.</summary>
    private sealed record MovePlan(
        ClassDeclarationSyntax Class,
        SyntaxNode Origin,                      // the statement, or the initializer (EqualsValueClause)
        ExpressionSyntax Target,                // what the Build statement assigns
        ExpressionSyntax Value,                 // the assigned value
        ISymbol TargetSymbol,
        IMethodSymbol? Method);                 // the method or constructor the statement is in

    private static MovePlan? Plan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken ct)
    {
        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        if (node.FirstAncestorOrSelf<ClassDeclarationSyntax>() is not { } @class)
            return null;
        foreach (var ancestor in node.AncestorsAndSelf())
        {
            switch (ancestor)
            {
                case EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent.Parent: FieldDeclarationSyntax } declarator } equals:
                    return model.GetDeclaredSymbol(declarator, ct) is IFieldSymbol { IsStatic: false } field
                        ? new MovePlan(@class, equals, IdentifierName(declarator.Identifier.WithoutTrivia()), equals.Value, field, null)
                        : null;
                case EqualsValueClauseSyntax { Parent: PropertyDeclarationSyntax property } equals:
                    if (model.GetDeclaredSymbol(property, ct) is not IPropertySymbol { IsStatic: false, SetMethod: null or { IsInitOnly: false } } p)
                        return null;
                    return new MovePlan(@class, equals, IdentifierName(property.Identifier.WithoutTrivia()), equals.Value, p, null);
                case ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax assignment } statement
                    when assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) || assignment.IsKind(SyntaxKind.CoalesceAssignmentExpression):
                    if (statement.Parent is not BlockSyntax
                        || model.GetSymbolInfo(assignment.Left, ct).Symbol is not { } target
                        || target is not (IFieldSymbol { IsStatic: false } or IPropertySymbol { IsStatic: false })
                        || !SymbolEqualityComparer.Default.Equals(target.ContainingType, model.GetDeclaredSymbol(@class, ct))
                        || assignment.Left is not (IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax })
                        || model.GetEnclosingSymbol(statement.SpanStart, ct) is not IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.Ordinary } method)
                        return null;
                    return new MovePlan(@class, statement, assignment.Left, assignment.Right, target, method);
                case StatementSyntax:
                case MemberDeclarationSyntax:
                    return null;
            }
        }
        return null;
    }

    /// <summary>Constructor parameters used only as the first of several dimensions of a shape in the moved code.</summary>
    private static List<IParameterSymbol> InputDimensionParameters(IReadOnlyList<MovePlan> plans, SemanticModel model, CancellationToken ct)
    {
        var candidates = new Dictionary<IParameterSymbol, bool>(SymbolEqualityComparer.Default);
        foreach (var plan in plans)
        {
            foreach (var identifier in plan.Value.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
            {
                if (identifier.Parent is NameColonSyntax
                    || model.GetSymbolInfo(identifier, ct).Symbol is not IParameterSymbol { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.Constructor } } parameter
                    || !SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, plan.Method)
                    || parameter.Type.SpecialType != SpecialType.System_Int32)
                    continue;
                bool first = identifier.Parent is ExpressionElementSyntax { Parent: CollectionExpressionSyntax collection } element
                             && collection.Elements.Count > 1 && collection.Elements[0] == element;
                candidates[parameter] = first && (!candidates.TryGetValue(parameter, out var ok) || ok);
            }
        }
        var result = new List<IParameterSymbol>();
        foreach (var pair in candidates)
        {
            if (!pair.Value)
                continue;
            // used nowhere else in its constructor than in the statements that move
            if (pair.Key.ContainingSymbol.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(ct) is not ConstructorDeclarationSyntax constructor)
                continue;
            var uses = constructor.DescendantNodes().OfType<IdentifierNameSyntax>()
                .Where(i => i.Identifier.ValueText == pair.Key.Name && !plans.Any(p => p.Origin.Span.Contains(i.Span)))
                .Where(i => SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(i, ct).Symbol, pair.Key))
                .ToList();
            // a use that only stores it in a field read nowhere else goes with it (the sample's 'this.inFeatures = inFeatures;')
            if (uses.All(u => StoreOnly(u, plans[0].Class, model, ct) is not null))
                result.Add(pair.Key);
        }
        return result;
    }

    /// <summary>
    /// When <paramref name="use"/> is the whole right side of <c>field = p;</c> and the field is read nowhere
    /// in the class, that statement and the field's declarator; else null.
    /// </summary>
    private static (ExpressionStatementSyntax Statement, VariableDeclaratorSyntax Declarator)? StoreOnly(
        IdentifierNameSyntax use, ClassDeclarationSyntax @class, SemanticModel model, CancellationToken ct)
    {
        if (use.Parent is not AssignmentExpressionSyntax { Parent: ExpressionStatementSyntax statement } assignment
            || assignment.Right != use || !assignment.IsKind(SyntaxKind.SimpleAssignmentExpression)
            || model.GetSymbolInfo(assignment.Left, ct).Symbol is not IFieldSymbol { IsStatic: false } field
            || field.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(ct) is not VariableDeclaratorSyntax declarator
            || !@class.Span.Contains(declarator.Span))
            return null;
        foreach (var identifier in @class.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (identifier.Identifier.ValueText != field.Name || assignment.Left.Span.Contains(identifier.Span))
                continue;
            if (SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, ct).Symbol, field))
                return null; // read elsewhere: keep the argument
        }
        return (statement, declarator);
    }

    private static async Task<Solution?> MoveAsync(Document document, IEnumerable<Diagnostic> diagnostics, bool fromInputShape, CancellationToken ct)
    {
        var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(ct).ConfigureAwait(false);
        if (root is null || model is null)
            return null;
        var editors = new Dictionary<DocumentId, DocumentEditor>();
        async Task<DocumentEditor> EditorAsync(Document d)
        {
            if (!editors.TryGetValue(d.Id, out var e))
                editors[d.Id] = e = await DocumentEditor.CreateAsync(d, ct).ConfigureAwait(false);
            return e;
        }
        var editor = await EditorAsync(document).ConfigureAwait(false);

        var plans = diagnostics.Select(d => Plan(root, model, d, ct)).OfType<MovePlan>()
            .GroupBy(p => p.Origin).Select(g => g.First()).ToList();
        foreach (var group in plans.GroupBy(p => p.Class))
        {
            if (!await MoveClassAsync(document, editor, model, group.Key, [.. group.OrderBy(p => p.Origin.SpanStart)], fromInputShape, EditorAsync, ct).ConfigureAwait(false))
                return null;
        }

        var solution = document.Project.Solution;
        foreach (var pair in editors)
            solution = solution.WithDocumentSyntaxRoot(pair.Key, pair.Value.GetChangedRoot());
        return solution;
    }

    private static async Task<bool> MoveClassAsync(Document document, DocumentEditor editor, SemanticModel model, ClassDeclarationSyntax @class,
        List<MovePlan> plans, bool fromInputShape, Func<Document, Task<DocumentEditor>> editorFor, CancellationToken ct)
    {
        if (model.GetDeclaredSymbol(@class, ct) is not { } type
            || model.Compilation.GetTypeByMetadataName(KnownNames.Layer) is not { } layerType)
            return false;

        // Build and Call as they are.
        var call = type.GetMembers("Call").OfType<IMethodSymbol>().FirstOrDefault(m => !m.IsStatic);
        var tensors = call is null ? [] : LayerDeclarationAnalyzer.TensorParameters(call);
        var build = type.GetMembers("Build").OfType<IMethodSymbol>().FirstOrDefault(m => !m.IsStatic && CallRules.IsBuildFor(m, Math.Max(tensors.Count, 1)));
        MethodDeclarationSyntax? buildSyntax = null;
        if (build is not null)
        {
            buildSyntax = build.DeclaringSyntaxReferences.Select(r => r.GetSyntax(ct)).OfType<MethodDeclarationSyntax>().FirstOrDefault();
            if (buildSyntax is null || buildSyntax.SyntaxTree != @class.SyntaxTree || buildSyntax.Body is null && buildSyntax.ExpressionBody is null)
                return false; // Build lives in another file
        }
        else if (type.GetMembers("Build").Any())
        {
            return false; // a Build of another signature: LG0006 first
        }
        string[] shapeNames = build is not null
            ? [.. build.Parameters.Select(p => p.Name)]
            : LayerDeclarationAnalyzer.BuildParameterNames(tensors.Count == 0 ? [null!] : tensors);

        var inputDimension = fromInputShape
            ? new HashSet<IParameterSymbol>(InputDimensionParameters(plans, model, ct), SymbolEqualityComparer.Default)
            : new HashSet<IParameterSymbol>(SymbolEqualityComparer.Default);

        // Rewrite each statement for Build.
        var statements = new List<StatementSyntax>();
        var toStore = new List<IParameterSymbol>();
        foreach (var plan in plans)
        {
            var replacements = new Dictionary<SyntaxNode, SyntaxNode>();
            foreach (var node in plan.Value.DescendantNodesAndSelf())
            {
                if (node is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Shape" } access
                    && model.GetSymbolInfo(access.Expression, ct).Symbol is IParameterSymbol { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.Ordinary } } tensor)
                {
                    int index = tensors.FindIndex(t => SymbolEqualityComparer.Default.Equals(t, tensor));
                    if (index < 0 || index >= shapeNames.Length)
                        return false;
                    replacements[access] = IdentifierName(shapeNames[index]).WithTriviaFrom(access);
                    continue;
                }
                if (node is not IdentifierNameSyntax identifier || identifier.Parent is NameColonSyntax
                    || replacements.Keys.Any(k => k.Span.Contains(identifier.Span)))
                    continue;
                var symbol = model.GetSymbolInfo(identifier, ct).Symbol;
                if (symbol is IParameterSymbol && !SymbolEqualityComparer.Default.Equals(symbol.ContainingSymbol, plan.Method))
                    continue; // a lambda's own parameter
                switch (symbol)
                {
                    case ILocalSymbol local when !local.DeclaringSyntaxReferences.Any(r => plan.Value.Span.Contains(r.Span)):
                        return false; // a local of the constructor or method
                    case IParameterSymbol { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.Constructor } } parameter:
                        if (inputDimension.Contains(parameter))
                        {
                            replacements[identifier] = ParseExpression(shapeNames[0] + "[^1]").WithTriviaFrom(identifier);
                        }
                        else if (ConfigTypes.FindMember(type, parameter, model.Compilation, layerType) is { } member)
                        {
                            if (member.Name != identifier.Identifier.ValueText)
                                replacements[identifier] = IdentifierName(member.Name).WithTriviaFrom(identifier);
                        }
                        else if (!toStore.Contains(parameter, SymbolEqualityComparer.Default))
                        {
                            toStore.Add(parameter);
                        }
                        break;
                    case IParameterSymbol { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.Ordinary or MethodKind.Constructor } }:
                        return false; // another argument of Call: not known in Build
                }
            }
            var value = replacements.Count == 0 ? plan.Value : plan.Value.ReplaceNodes(replacements.Keys, (original, _) => replacements[original]);
            statements.Add(ExpressionStatement(AssignmentExpression(SyntaxKind.SimpleAssignmentExpression,
                plan.Target.WithoutTrivia(), value.WithoutTrivia())).WithAdditionalAnnotations(Formatter.Annotation));
        }

        // Remove the originals; fields become assignable from Build.
        var fieldDeclarations = new HashSet<FieldDeclarationSyntax>();
        foreach (var plan in plans)
        {
            switch (plan.Origin)
            {
                case EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator } equals:
                    editor.ReplaceNode(declarator, (current, _) => ((VariableDeclaratorSyntax)current).WithInitializer(NullForgiving(plan.TargetSymbol)));
                    break;
                case EqualsValueClauseSyntax { Parent: PropertyDeclarationSyntax property }:
                    editor.ReplaceNode(property, (current, _) => WithSetter((PropertyDeclarationSyntax)current, NullForgiving(plan.TargetSymbol)));
                    break;
                default:
                    editor.RemoveNode(plan.Origin, SyntaxRemoveOptions.KeepNoTrivia);
                    if (plan.TargetSymbol is IPropertySymbol { SetMethod: null } getOnly
                        && getOnly.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(ct) is PropertyDeclarationSyntax p && p.SyntaxTree == @class.SyntaxTree)
                        editor.ReplaceNode(p, (current, _) => WithSetter((PropertyDeclarationSyntax)current, ((PropertyDeclarationSyntax)current).Initializer ?? NullForgiving(getOnly)));
                    break;
            }
            if (plan.TargetSymbol is IFieldSymbol field
                && field.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(ct) is VariableDeclaratorSyntax { Parent.Parent: FieldDeclarationSyntax fieldDeclaration } declaratorSyntax
                && fieldDeclaration.SyntaxTree == @class.SyntaxTree)
            {
                if (fieldDeclarations.Add(fieldDeclaration))
                    editor.ReplaceNode(fieldDeclaration, (current, _) =>
                    {
                        var f = (FieldDeclarationSyntax)current;
                        var readonlyToken = f.Modifiers.FirstOrDefault(m => m.IsKind(SyntaxKind.ReadOnlyKeyword));
                        if (f.Declaration.Type is NullableTypeSyntax nullableType && field.Type.IsReferenceType)
                        {
                            // set in Build before any use: non-nullable, as FlexibleDense declares it
                            f = f.WithDeclaration(f.Declaration
                                .WithType(nullableType.ElementType.WithTriviaFrom(nullableType))
                                .WithVariables(SeparatedList(f.Declaration.Variables.Select(v => v.Initializer is null ? v.WithInitializer(NullForgivingClause()) : v))));
                        }
                        if (!readonlyToken.IsKind(SyntaxKind.None))
                        {
                            var index = f.Modifiers.IndexOf(readonlyToken);
                            f = index == 0 && f.Modifiers.Count == 1
                                ? f.WithModifiers(default).WithLeadingTrivia(readonlyToken.LeadingTrivia)
                                : f.WithModifiers(f.Modifiers.RemoveAt(index));
                        }
                        return f;
                    });
                if (plan.Origin is not EqualsValueClauseSyntax && declaratorSyntax.Initializer is null && NullForgiving(field) is { } initializer)
                    editor.ReplaceNode(declaratorSyntax, (current, _) => ((VariableDeclaratorSyntax)current).WithInitializer(initializer));
            }
        }

        // Keep the constructor arguments Build now uses in fields of the same name.
        foreach (var parameter in toStore)
        {
            if (parameter.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(ct) is not ParameterSyntax { Type: { } parameterType, Parent.Parent: ConstructorDeclarationSyntax { Body: { } body } constructor }
                || constructor.SyntaxTree != @class.SyntaxTree)
                return false;
            var field = FieldDeclaration(VariableDeclaration(parameterType.WithoutTrivia(), SingletonSeparatedList(VariableDeclarator(Identifier(parameter.Name)))))
                .WithModifiers(TokenList(Token(SyntaxKind.ReadOnlyKeyword)))
                .WithAdditionalAnnotations(Formatter.Annotation);
            var firstField = @class.Members.OfType<FieldDeclarationSyntax>().FirstOrDefault();
            if (firstField is not null) editor.InsertBefore(firstField, field);
            else editor.InsertBefore(constructor, field);
            var assign = ParseStatement($"this.{parameter.Name} = {parameter.Name};").WithAdditionalAnnotations(Formatter.Annotation);
            editor.ReplaceNode(body, (current, _) => ((BlockSyntax)current).WithStatements(((BlockSyntax)current).Statements.Insert(0, assign)));
        }

        // Into Build.
        if (buildSyntax is not null)
        {
            editor.ReplaceNode(buildSyntax, (current, _) =>
            {
                var m = (MethodDeclarationSyntax)current;
                var body = m.Body ?? Block(ExpressionStatement(m.ExpressionBody!.Expression));
                return m.WithExpressionBody(null).WithSemicolonToken(default).WithBody(body.AddStatements([.. statements]))
                    .WithAdditionalAnnotations(Formatter.Annotation);
            });
        }
        else
        {
            var shape = ParseTypeName("global::LayerGen.Tensors.Shape").WithAdditionalAnnotations(Simplifier.Annotation);
            var method = MethodDeclaration(PredefinedType(Token(SyntaxKind.VoidKeyword)), "Build")
                .WithModifiers(TokenList(Token(model.GetDeclaredSymbol(@class, ct)?.IsSealed == true ? SyntaxKind.PrivateKeyword : SyntaxKind.ProtectedKeyword))) // protected in a sealed class: CS0628
                .WithParameterList(ParameterList(SeparatedList(shapeNames.Select(n => Parameter(Identifier(n)).WithType(shape)))))
                .WithBody(Block(statements))
                .WithAdditionalAnnotations(Formatter.Annotation);
            var anchor = (SyntaxNode?)@class.Members.OfType<ConstructorDeclarationSyntax>().LastOrDefault()
                ?? @class.Members.LastOrDefault(m => m is FieldDeclarationSyntax or PropertyDeclarationSyntax);
            if (anchor is not null) editor.InsertAfter(anchor, method);
            else if (@class.Members.Count > 0) editor.InsertBefore(@class.Members[0], method);
            else editor.AddMember(@class, method);
        }

        // Drop the arguments inputShape[^1] replaces, from the constructor and its callers.
        foreach (var parameter in inputDimension)
        {
            if (parameter.ContainingSymbol is not IMethodSymbol constructor
                || parameter.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(ct) is not ParameterSyntax parameterSyntax)
                return false;
            editor.RemoveNode(parameterSyntax);
            if (parameterSyntax.Parent?.Parent is ConstructorDeclarationSyntax constructorSyntax)
            {
                foreach (var use in constructorSyntax.DescendantNodes().OfType<IdentifierNameSyntax>()
                             .Where(i => i.Identifier.ValueText == parameter.Name && !plans.Any(p => p.Origin.Span.Contains(i.Span))))
                {
                    if (StoreOnly(use, @class, model, ct) is not { } store)
                        continue;
                    editor.RemoveNode(store.Statement, SyntaxRemoveOptions.KeepNoTrivia);
                    if (store.Declarator.Parent is VariableDeclarationSyntax { Variables.Count: 1, Parent: FieldDeclarationSyntax single })
                        editor.RemoveNode(single);
                    else
                        editor.RemoveNode(store.Declarator);
                }
            }
            var references = await SymbolFinder.FindReferencesAsync(constructor, document.Project.Solution, ct).ConfigureAwait(false);
            foreach (var location in references.SelectMany(r => r.Locations))
            {
                var callerRoot = await location.Document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
                var argumentList = callerRoot?.FindNode(location.Location.SourceSpan, getInnermostNodeForTie: true).AncestorsAndSelf()
                    .Select(n => n switch
                    {
                        BaseObjectCreationExpressionSyntax creation => creation.ArgumentList,
                        ConstructorInitializerSyntax initializer => initializer.ArgumentList,
                        PrimaryConstructorBaseTypeSyntax primary => primary.ArgumentList,
                        _ => null,
                    }).FirstOrDefault(a => a is not null);
                if (argumentList is null)
                    continue;
                int index = constructor.Parameters.IndexOf(parameter);
                var argument = argumentList.Arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText == parameter.Name)
                    ?? (index < argumentList.Arguments.Count && argumentList.Arguments.Take(index + 1).All(a => a.NameColon is null) ? argumentList.Arguments[index] : null);
                if (argument is not null)
                    (await editorFor(location.Document).ConfigureAwait(false)).RemoveNode(argument);
            }
        }
        return true;
    }

    private static EqualsValueClauseSyntax NullForgivingClause()
        => EqualsValueClause(PostfixUnaryExpression(SyntaxKind.SuppressNullableWarningExpression, LiteralExpression(SyntaxKind.NullLiteralExpression)));

    /// <summary><c>= null!</c> for a non-nullable reference member (it is set in Build, before any use), else null.</summary>
    private static EqualsValueClauseSyntax? NullForgiving(ISymbol member)
    {
        var type = member switch { IFieldSymbol f => f.Type, IPropertySymbol p => p.Type, _ => null };
        return type is { IsReferenceType: true, NullableAnnotation: NullableAnnotation.NotAnnotated }
            ? EqualsValueClause(PostfixUnaryExpression(SyntaxKind.SuppressNullableWarningExpression, LiteralExpression(SyntaxKind.NullLiteralExpression)))
            : null;
    }

    /// <summary>A get-only auto-property with a private setter (Build assigns it) and <paramref name="initializer"/>.</summary>
    private static PropertyDeclarationSyntax WithSetter(PropertyDeclarationSyntax property, EqualsValueClauseSyntax? initializer)
    {
        if (property.AccessorList is { } accessors && !accessors.Accessors.Any(a => a.IsKind(SyntaxKind.SetAccessorDeclaration) || a.IsKind(SyntaxKind.InitAccessorDeclaration)))
            property = property.WithAccessorList(accessors.AddAccessors(AccessorDeclaration(SyntaxKind.SetAccessorDeclaration)
                .WithModifiers(TokenList(Token(SyntaxKind.PrivateKeyword))).WithSemicolonToken(Token(SyntaxKind.SemicolonToken))));
        property = initializer is null
            ? property.WithInitializer(null).WithSemicolonToken(default)
            : property.WithInitializer(initializer).WithSemicolonToken(Token(SyntaxKind.SemicolonToken));
        return property.WithAdditionalAnnotations(Formatter.Annotation);
    }
}
