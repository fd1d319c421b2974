using System.Collections.Immutable;
using System.Reflection;
using LayerGen.Tests.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LayerGen.Docs.Tests;

/// <summary>
/// Compiles docs blocks as a user's project would: C# latest, nullable on, LayerGen.dll and the package's implicit
/// usings, the real generators and analyzers. The program and expect blocks of all pages form ONE compilation (each
/// block a file of its own, <see cref="DocSource"/>); each generated block compiles on its own, without generators.
/// </summary>
public static class DocChecker
{
    /// <summary>The parse options of every docs file.</summary>
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>The global usings the .NET SDK gives a console project with ImplicitUsings (Microsoft.NET.Sdk).</summary>
    private const string SdkImplicitUsings = "global using global::System;\nglobal using global::System.Collections.Generic;\nglobal using global::System.IO;\nglobal using global::System.Linq;\nglobal using global::System.Net.Http;\nglobal using global::System.Threading;\nglobal using global::System.Threading.Tasks;\n";

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.Length > 0 && !Path.GetFileName(p).StartsWith("LayerGen.", StringComparison.Ordinal)
                        && !Path.GetFileName(p).StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);
        paths.Add(typeof(LayerGen.Modules.Module).Assembly.Location);
        paths.Add(typeof(LayerGen.Plotting.TrainingCurves).Assembly.Location); // docs/plots.md: the LayerGen.Plotting package
        return [.. paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    });

    /// <summary>Every incremental generator the package ships.</summary>
    private static ImmutableArray<ISourceGenerator> Generators()
        => [.. typeof(LayerGen.Generators.LayerGenerator).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(IIncrementalGenerator).IsAssignableFrom(t) && t.GetCustomAttribute<GeneratorAttribute>() is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => ((IIncrementalGenerator)Activator.CreateInstance(t)!).AsSourceGenerator())];

    /// <summary>Every analyzer the package ships.</summary>
    private static ImmutableArray<DiagnosticAnalyzer> Analyzers()
        => [.. typeof(LayerGen.Analyzers.VariableCreationAnalyzer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)];

    private static CSharpCompilation Compilation(string name, IEnumerable<SyntaxTree> trees)
        => CSharpCompilation.Create(
            name,
            trees.Append(CSharpSyntaxTree.ParseText(SdkImplicitUsings + LayerGenImplicitUsings.Source, ParseOptions, path: "ImplicitUsings.g.cs")),
            LazyReferences.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
                .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
                {
                    // the compilation references implementation assemblies, not reference packs
                    ["CS1701"] = ReportDiagnostic.Suppress,
                    ["CS1702"] = ReportDiagnostic.Suppress,
                }));

    /// <summary>Checks <paramref name="pages"/>' blocks; a block that is not checked (skip) has no entry.</summary>
    public static DocCheckResult Check(IReadOnlyList<IReadOnlyList<DocBlock>> pages)
    {
        var byTree = new Dictionary<SyntaxTree, DocBlock>();
        var generated = new List<(DocBlock Block, SyntaxTree Tree)>();
        for (int p = 0; p < pages.Count; p++)
        {
            foreach (var block in pages[p])
            {
                if (block.Mode == DocBlockMode.Skip) continue;
                var tree = CSharpSyntaxTree.ParseText(DocSource.Build(block, p), ParseOptions, path: $"{block.File}.block{block.Index}.cs");
                if (block.Mode == DocBlockMode.Generated) generated.Add((block, tree));
                else byTree.Add(tree, block);
            }
        }

        var found = new Dictionary<DocBlock, List<Diagnostic>>();
        foreach (var block in byTree.Values.Concat(generated.Select(g => g.Block))) found[block] = [];
        var elsewhere = new List<Diagnostic>();
        void Attribute(Diagnostic d)
        {
            if (d.Severity < DiagnosticSeverity.Warning && !d.Id.StartsWith("LG", StringComparison.Ordinal)) return;
            if (d.Severity == DiagnosticSeverity.Hidden) return;
            if (d.Location.SourceTree is { } tree && byTree.TryGetValue(tree, out var block)) found[block].Add(d);
            else elsewhere.Add(d);
        }

        if (byTree.Count > 0)
        {
            var compilation = Compilation("DocsExamples", byTree.Keys);
            CSharpGeneratorDriver.Create(Generators(), parseOptions: ParseOptions)
                .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
            foreach (var d in generatorDiagnostics) Attribute(d);
            var all = output.WithAnalyzers(Analyzers(), new CompilationWithAnalyzersOptions(
                    new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: false))
                .GetAllDiagnosticsAsync().GetAwaiter().GetResult();
            foreach (var d in all) Attribute(d);
        }

        // Generated blocks: what a generator writes, compiled without the generators (they would write it again).
        foreach (var (block, tree) in generated)
        {
            foreach (var d in Compilation("DocsGenerated", [tree]).GetDiagnostics())
            {
                if (d.Severity < DiagnosticSeverity.Warning) continue;
                if (d.Location.SourceTree == tree) found[block].Add(d);
                else elsewhere.Add(d);
            }
        }
        return new DocCheckResult(found, elsewhere);
    }

    /// <summary>A diagnostic as <c>docs/page.md:12: error CS0103: message</c> (the Markdown line through <c>#line</c>).</summary>
    public static string Format(Diagnostic d)
    {
        if (d.Location == Location.None) return $"{d.Severity.ToString().ToLowerInvariant()} {d.Id}: {d.GetMessage()}";
        var span = d.Location.GetMappedLineSpan();
        return $"{span.Path}:{span.StartLinePosition.Line + 1}:{span.StartLinePosition.Character + 1}: {d.Severity.ToString().ToLowerInvariant()} {d.Id}: {d.GetMessage()}";
    }
}

/// <summary>What <see cref="DocChecker.Check"/> found.</summary>
/// <param name="Diagnostics">Each checked block's warnings and errors (and LayerGen's diagnostics of any severity).</param>
/// <param name="Elsewhere">Those in no block's file (generated code, the compilation as a whole).</param>
public sealed record DocCheckResult(IReadOnlyDictionary<DocBlock, List<Diagnostic>> Diagnostics, IReadOnlyList<Diagnostic> Elsewhere)
{
    /// <summary>Why <paramref name="block"/> fails its check, or null when it passes (a skipped block passes).</summary>
    public string? Failure(DocBlock block)
    {
        if (!Diagnostics.TryGetValue(block, out var found)) return null;
        string list = string.Join("\n", found.OrderBy(d => d.Location.SourceSpan.Start).Select(DocChecker.Format));
        switch (block.Mode)
        {
            case DocBlockMode.Expect:
                var ids = found.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
                return ids.SetEquals(block.Expected)
                    ? null
                    : $"{block.Id}: expected exactly {string.Join(", ", block.Expected)}; the compiler and analyzers reported:\n{(list.Length == 0 ? "nothing" : list)}";
            default:
                return found.Count == 0 ? null : $"{block.Id} does not compile as written:\n{list}";
        }
    }
}
