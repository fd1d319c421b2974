using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;

namespace LayerGen.Analyzers.CodeFixes;

/// <summary>
/// Fix all for a LayerGen code fix: applies the provider's own fix to each diagnostic in turn, each on the solution
/// the previous one produced (a diagnostic's span is followed through the earlier edits by annotating its first and
/// last tokens), so fixes that touch the same declaration do not conflict and each one sees code that compiles.
/// <para>
/// Unlike <see cref="WellKnownFixAllProviders.BatchFixer"/> it does not require the fix-all context's equivalence key to
/// match: <c>dotnet format</c> takes that key from the first diagnostic of any requested id (possibly another id of the
/// same analyzer, for which this provider offers nothing, giving a null key). A matching action is preferred, else the
/// provider's first action for the diagnostic.
/// </para>
/// </summary>
internal sealed class SequentialFixAllProvider(CodeFixProvider provider) : FixAllProvider
{
    /// <inheritdoc/>
    public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() => [FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution];

    /// <inheritdoc/>
    public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
    {
        var diagnostics = await DiagnosticsAsync(fixAllContext).ConfigureAwait(false);
        if (diagnostics.IsEmpty)
            return null;
        string? key = fixAllContext.CodeActionEquivalenceKey;
        return CodeAction.Create(
            $"Fix all {string.Join(", ", diagnostics.Select(d => d.Id).Distinct().OrderBy(id => id, StringComparer.Ordinal))}",
            ct => ApplyAsync(fixAllContext.Solution, diagnostics, key, ct),
            equivalenceKey: key ?? provider.GetType().Name);
    }

    private async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(FixAllContext context)
    {
        var ids = provider.FixableDiagnosticIds;
        IEnumerable<Diagnostic> all;
        switch (context.Scope)
        {
            case FixAllScope.Document when context.Document is not null:
                all = await context.GetDocumentDiagnosticsAsync(context.Document).ConfigureAwait(false);
                break;
            case FixAllScope.Project:
                all = await context.GetAllDiagnosticsAsync(context.Project).ConfigureAwait(false);
                break;
            case FixAllScope.Solution:
                var list = new List<Diagnostic>();
                foreach (var project in context.Solution.Projects)
                    list.AddRange(await context.GetAllDiagnosticsAsync(project).ConfigureAwait(false));
                all = list;
                break;
            default:
                return [];
        }
        return [.. all.Where(d => d.Location.IsInSource && ids.Contains(d.Id) && context.DiagnosticIds.Contains(d.Id))
            .Distinct()
            .OrderBy(d => d.Location.SourceTree!.FilePath, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start)];
    }

    /// <summary>Where a diagnostic was: annotated first and last tokens, and the span's offsets inside them.</summary>
    private sealed record Tracked(Diagnostic Diagnostic, DocumentId Document, SyntaxAnnotation First, int StartOffset, SyntaxAnnotation Last, int EndOffset);

    private async Task<Solution> ApplyAsync(Solution solution, ImmutableArray<Diagnostic> diagnostics, string? key, CancellationToken ct)
    {
        // Annotate every diagnostic's tokens first, so later fixes can find them in edited documents.
        var tracked = new List<Tracked>();
        foreach (var group in diagnostics.GroupBy(d => d.Location.SourceTree!))
        {
            if (solution.GetDocument(group.Key) is not { } document || await document.GetSyntaxRootAsync(ct).ConfigureAwait(false) is not { } root)
                continue;
            var annotations = new Dictionary<SyntaxToken, List<SyntaxAnnotation>>();
            void Add(SyntaxToken token, SyntaxAnnotation annotation)
            {
                if (!annotations.TryGetValue(token, out var list))
                    annotations[token] = list = [];
                list.Add(annotation);
            }
            foreach (var diagnostic in group)
            {
                var span = diagnostic.Location.SourceSpan;
                var first = root.FindToken(span.Start);
                var last = span.Length == 0 ? first : root.FindToken(span.End - 1);
                var tracked1 = new Tracked(diagnostic, document.Id, new SyntaxAnnotation(), span.Start - first.SpanStart, new SyntaxAnnotation(), last.Span.End - span.End);
                Add(first, tracked1.First);
                Add(last, tracked1.Last);
                tracked.Add(tracked1);
            }
            root = root.ReplaceTokens(annotations.Keys, (original, rewritten) => rewritten.WithAdditionalAnnotations(annotations[original]));
            solution = solution.WithDocumentSyntaxRoot(document.Id, root);
        }

        foreach (var item in tracked)
        {
            ct.ThrowIfCancellationRequested();
            if (solution.GetDocument(item.Document) is not { } document
                || await document.GetSyntaxRootAsync(ct).ConfigureAwait(false) is not { } root
                || await document.GetSyntaxTreeAsync(ct).ConfigureAwait(false) is not { } tree)
                continue;
            var first = root.GetAnnotatedTokens(item.First).FirstOrDefault();
            var last = root.GetAnnotatedTokens(item.Last).FirstOrDefault();
            if (first.RawKind == 0 || last.RawKind == 0)
                continue; // an earlier fix removed the code (and usually fixed this diagnostic with it)
            int start = first.SpanStart + item.StartOffset, end = last.Span.End - item.EndOffset;
            if (start < 0 || end < start || end > root.FullSpan.End)
                continue;
            var d = item.Diagnostic;
            var moved = Diagnostic.Create(d.Descriptor, Location.Create(tree, TextSpan.FromBounds(start, end)), d.AdditionalLocations, d.Properties);
            var actions = new List<CodeAction>();
            await provider.RegisterCodeFixesAsync(new CodeFixContext(document, moved, (a, _) => actions.Add(a), ct)).ConfigureAwait(false);
            var action = actions.FirstOrDefault(a => key is not null && a.EquivalenceKey == key) ?? actions.FirstOrDefault();
            if (action is null)
                continue;
            foreach (var operation in await action.GetOperationsAsync(ct).ConfigureAwait(false))
                if (operation is ApplyChangesOperation apply)
                    solution = apply.ChangedSolution;
        }
        return solution;
    }
}
