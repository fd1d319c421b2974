using System.Collections.Immutable;
using LayerGen.Analyzers.CodeFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace LayerGen.Analyzers.Tests;

/// <summary>
/// Issue 23 item 1: every fix applied together with the others in one run, driven the way <c>dotnet format analyzers
/// --diagnostics ...</c> drives them: per requested id, the analyzers reporting it run again, the fix-all context's
/// equivalence key comes from the provider's first action for the FIRST diagnostic of ANY requested id in that result
/// (here deliberately one of another id, so the key is null), the scope is the solution.
/// </summary>
public class FixAllTogetherTests
{
    private static readonly DiagnosticAnalyzer[] Analyzers =
        [new LayerDeclarationAnalyzer(), new TypeDeclarationAnalyzer(), new VariableCreationAnalyzer()];

    private static readonly CodeFixProvider[] Providers =
        [new MakePartialCodeFix(), new BuildSignatureCodeFix(), new KeepParameterCodeFix(), new RemoveModuleAttributeCodeFix(),
         new MarkConfigConstructorCodeFix(), new MoveToBuildCodeFix(), new UseInvokeCodeFix(), new NotTrackedCodeFix()];

    private const string Source = UserProject.EveryFixSource;

    private static readonly string[] Requested = ["LG0001", "LG0002", "LG0003", "LG0006", "LG0007", "LG0008", "LG0009", "LG0012", "LG0013"];

    [Fact]
    public async Task All_fixes_apply_in_one_dotnet_format_style_run()
    {
        using var workspace = new AdhocWorkspace();
        var project = workspace.AddProject(ProjectInfo.Create(ProjectId.CreateNewId(), VersionStamp.Default, "W", "W", LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
                .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic> { ["CS1701"] = ReportDiagnostic.Suppress, ["CS1702"] = ReportDiagnostic.Suppress }),
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest), metadataReferences: TestSetup.References,
            analyzerReferences: [BehaviourTests.GeneratorReference()]));
        var documentId = workspace.AddDocument(project.Id, "Layers.cs", SourceText.From(TestSetup.Usings + Source)).Id;
        var solution = workspace.CurrentSolution;

        var before = await DiagnosticsAsync(solution.GetProject(project.Id)!, Analyzers);
        var reported = Requested.Where(id => before.Any(d => d.Id == id)).ToList();
        Assert.Equal(["LG0001", "LG0002", "LG0003", "LG0006", "LG0012", "LG0013"], reported);

        var unfixed = new List<string>();
        foreach (var id in reported)
        {
            var current = solution.GetProject(project.Id)!;
            var analyzers = Analyzers.Where(a => a.SupportedDiagnostics.Any(s => s.Id == id)).ToArray();
            // the first diagnostic is one of another requested id when the analyzer reports one
            var result = (await DiagnosticsAsync(current, analyzers)).OrderBy(d => d.Id == id ? 1 : 0).ThenBy(d => d.Location.SourceSpan.Start).ToImmutableArray();
            if (!result.Any(d => d.Id == id))
                continue;
            foreach (var provider in Providers.Where(p => p.FixableDiagnosticIds.Contains(id)))
            {
                var first = result[0];
                var document = solution.GetDocument(first.Location.SourceTree)!;
                CodeAction? firstAction = null;
                await provider.RegisterCodeFixesAsync(new CodeFixContext(document, first, (a, _) => firstAction ??= a, default));
                var context = new FixAllContext(document, provider, FixAllScope.Solution, firstAction?.EquivalenceKey!, [id], new Provider(result), default);
                var fixAllProvider = provider.GetFixAllProvider();
                var action = fixAllProvider is null ? null : await fixAllProvider.GetFixAsync(context);
                if (action is null)
                {
                    unfixed.Add($"{id} ({provider.GetType().Name})");
                    continue;
                }
                var apply = (await action.GetOperationsAsync(default)).OfType<ApplyChangesOperation>().Single();
                solution = apply.ChangedSolution;
            }
        }
        Assert.Empty(unfixed);

        var fixedProject = solution.GetProject(project.Id)!;
        var after = await DiagnosticsAsync(fixedProject, Analyzers);
        Assert.Empty(after.Where(d => Requested.Contains(d.Id)).Select(d => d.ToString()));
        var compilation = (await fixedProject.GetCompilationAsync())!;
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()));
    }

    private static async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(Project project, DiagnosticAnalyzer[] analyzers)
    {
        var compilation = (await project.GetCompilationAsync())!;
        var all = await compilation.WithAnalyzers([.. analyzers]).GetAnalyzerDiagnosticsAsync();
        return [.. all.Where(d => Requested.Contains(d.Id))];
    }

    /// <summary>Gives the fix-all context every diagnostic of the analysis result, as dotnet format's provider does.</summary>
    private sealed class Provider(ImmutableArray<Diagnostic> diagnostics) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
            => Task.FromResult<IEnumerable<Diagnostic>>(diagnostics.Where(d => d.Location.SourceTree?.FilePath == document.FilePath));

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => Task.FromResult<IEnumerable<Diagnostic>>([]);
    }
}
