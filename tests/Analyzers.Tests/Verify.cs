using System.Collections.Immutable;
using LayerGen.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace LayerGen.Analyzers.Tests;

/// <summary>
/// The test compilations: the running .NET's assemblies plus LayerGen.dll (no reference pack is
/// downloaded), C# latest, nullable on, and the real LayerGen generators, as a build runs them.
/// </summary>
internal static class TestSetup
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.Length > 0 && !Path.GetFileName(p).StartsWith("LayerGen.", StringComparison.Ordinal)
                        && !Path.GetFileName(p).StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);
        paths.Add(typeof(LayerGen.Modules.Module).Assembly.Location);
        return [.. paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    });

    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    /// <summary>No reference pack: <see cref="References"/> are added instead.</summary>
    public static readonly ReferenceAssemblies NoPack = new("net10.0");

    public static readonly Type[] Generators = [typeof(LayerGenerator), typeof(ModuleGenerator), typeof(KerasObjectGenerator)];

    public static void Configure(SolutionState state, List<Func<Solution, ProjectId, Solution>> transforms)
    {
        state.AdditionalReferences.AddRange(References);
        transforms.Add((solution, projectId) =>
        {
            var project = solution.GetProject(projectId)!;
            var options = ((CSharpCompilationOptions)project.CompilationOptions!)
                .WithNullableContextOptions(NullableContextOptions.Enable)
                .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
                {
                    ["CS1701"] = ReportDiagnostic.Suppress,
                    ["CS1702"] = ReportDiagnostic.Suppress,
                });
            return solution.WithProjectCompilationOptions(projectId, options)
                .WithProjectParseOptions(projectId, ((CSharpParseOptions)project.ParseOptions!).WithLanguageVersion(LanguageVersion.Latest));
        });
    }

    /// <summary>Usings every test source starts with (LayerGen's namespaces on the third line, so line numbers stay).</summary>
    public const string Usings = "using System;\nusing System.Collections.Generic;\nusing LayerGen; " + LayerGenImplicitUsings.Line + "\n\n";
}

public sealed class AnalyzerTest<TAnalyzer> : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public AnalyzerTest()
    {
        ReferenceAssemblies = TestSetup.NoPack;
        TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
        TestSetup.Configure(TestState, SolutionTransforms);
    }

    protected override IEnumerable<Type> GetSourceGenerators() => TestSetup.Generators;
}

public sealed class CodeFixTest<TAnalyzer, TCodeFix> : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public CodeFixTest()
    {
        ReferenceAssemblies = TestSetup.NoPack;
        TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
        TestSetup.Configure(TestState, SolutionTransforms);
    }

    protected override IEnumerable<Type> GetSourceGenerators() => TestSetup.Generators;
}

/// <summary>Short forms: sources get <see cref="TestSetup.Usings"/> prepended.</summary>
public static class Verify<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public static Task Analyzer(string source, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest<TAnalyzer> { TestCode = TestSetup.Usings + source };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    public static Task Fix<TCodeFix>(string source, string fixedSource, int? codeActionIndex = null, params DiagnosticResult[] remaining)
        where TCodeFix : CodeFixProvider, new()
    {
        var test = new CodeFixTest<TAnalyzer, TCodeFix>
        {
            TestCode = TestSetup.Usings + source,
            FixedCode = TestSetup.Usings + fixedSource,
            CodeActionIndex = codeActionIndex,
        };
        test.FixedState.ExpectedDiagnostics.AddRange(remaining);
        return test.RunAsync();
    }
}
