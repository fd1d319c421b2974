using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using LayerGen.Tests.Shared;

namespace LayerGen.Generators.Tests;

/// <summary>Builds test compilations and runs the generators (<see cref="ModuleGenerator"/> by default) over them.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.Length > 0)
            .ToHashSet(StringComparer.Ordinal);
        paths.Add(typeof(Module).Assembly.Location);
        return [.. paths.Where(p => !Path.GetFileName(p).StartsWith("LayerGen.Generators", StringComparison.Ordinal))
                        .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    });

    /// <summary>The trusted platform assemblies plus LayerGen.dll.</summary>
    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    public static CSharpCompilation CreateCompilation(IEnumerable<string> sources, string assemblyName = "TestProject", IEnumerable<MetadataReference>? extraReferences = null)
        => CSharpCompilation.Create(
            assemblyName,
            // Last, so the sources keep their indices: the global usings a LayerGen project gets (ImplicitUsings).
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"File{i}.cs"))
                .Append(CSharpSyntaxTree.ParseText(LayerGenImplicitUsings.Source, ParseOptions, path: "LayerGenImplicitUsings.g.cs")),
            extraReferences is null ? References : References.AddRange(extraReferences),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
                .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
                {
                    // the test compilations reference implementation assemblies, not reference packs
                    ["CS1701"] = ReportDiagnostic.Suppress,
                    ["CS1702"] = ReportDiagnostic.Suppress,
                }));

    public static CSharpCompilation CreateCompilation(params string[] sources) => CreateCompilation((IEnumerable<string>)sources);

    public static GeneratorDriver CreateDriver(bool trackSteps = true)
        => CreateDriver([new ModuleGenerator()], trackSteps);

    /// <summary>A driver running <paramref name="generators"/>.</summary>
    public static GeneratorDriver CreateDriver(IIncrementalGenerator[] generators, bool trackSteps = true)
        => CSharpGeneratorDriver.Create(
            [.. generators.Select(g => g.AsSourceGenerator())],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>A driver running the <see cref="LayerGenerator"/> and the <see cref="ModuleGenerator"/>, as a real build does.</summary>
    public static GeneratorDriver CreateLayerDriver(bool trackSteps = true)
        => CreateDriver([new LayerGenerator(), new ModuleGenerator()], trackSteps);

    /// <summary>Runs the generator once; returns the run result and the compilation with the generated files.</summary>
    public static (GeneratorDriverRunResult Result, Compilation Output, GeneratorDriver Driver) Run(Compilation compilation)
        => Run(compilation, CreateDriver());

    /// <summary>Runs <paramref name="driver"/> once; returns the run result and the compilation with the generated files.</summary>
    public static (GeneratorDriverRunResult Result, Compilation Output, GeneratorDriver Driver) Run(Compilation compilation, GeneratorDriver driver)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        Assert.Empty(diagnostics);
        return (driver.GetRunResult(), output, driver);
    }

    /// <summary>The output compilation's warnings and errors, formatted for an assertion message.</summary>
    public static string[] Problems(Compilation output)
        => [.. output.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .Select(d => d.ToString())];
}
