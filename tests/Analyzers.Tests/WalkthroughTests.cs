using System.Collections.Immutable;
using LayerGen.Analyzers.CodeFixes;
using LayerGen.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LayerGen.Analyzers.Tests;

/// <summary>The guide's step 7: MyDense creates its variables in the constructor.</summary>
public class WalkthroughTests
{
    public const string MyDense = """
        [Layer]
        public partial class MyDense
        {
            readonly Variable w, b;
            public MyDense(int inFeatures, int outFeatures)
            {
                w = {|LG0001:new(Tensor.RandomNormal([inFeatures, outFeatures]), name: "w")|};   // analyzer warning LG0001:
                b = {|LG0001:new(Tensor.Zeros([outFeatures]), name: "b")|};                      // create variables in Build
            }
            protected Tensor Call(Tensor x) => Ops.Relu(Ops.MatMul(x, w) + b);
        }
        """;

    [Fact]
    public Task MyDense_raises_LG0001() => Verify<VariableCreationAnalyzer>.Analyzer(MyDense);

    /// <summary>
    /// The guide's MyDense as written compiles (issue 21): with the generators and every analyzer, nothing is an
    /// error; LG0001 is what the guide shows, and LG0003 (its arguments are not kept) is only a warning.
    /// </summary>
    [Fact]
    public async Task MyDense_as_written_compiles_with_only_warnings()
    {
        string source = TestSetup.Usings + MyDense.Replace("{|LG0001:", "", StringComparison.Ordinal).Replace("|}", "", StringComparison.Ordinal);
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create("Walkthrough", [CSharpSyntaxTree.ParseText(source, parse)], TestSetup.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
                .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic> { ["CS1701"] = ReportDiagnostic.Suppress, ["CS1702"] = ReportDiagnostic.Suppress }));
        CSharpGeneratorDriver.Create([new LayerGenerator().AsSourceGenerator(), new ModuleGenerator().AsSourceGenerator()], parseOptions: parse)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        var analyzers = typeof(VariableCreationAnalyzer).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(DiagnosticAnalyzer)) && !t.IsAbstract)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();
        var all = await output.WithAnalyzers(analyzers).GetAllDiagnosticsAsync();
        Assert.Empty(all.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()));
        Assert.Equal(2, all.Count(d => d.Id == "LG0001" && d.Severity == DiagnosticSeverity.Warning));
        Assert.Equal(["inFeatures", "outFeatures"], all.Where(d => d.Id == "LG0003").Select(d => d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan)).Order());
        Assert.All(all.Where(d => d.Id == "LG0003"), d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
    }

    [Fact]
    public Task MyDense_fixed_from_the_input_shape()
        => Verify<VariableCreationAnalyzer>.Fix<MoveToBuildCodeFix>(MyDense, """
        [Layer]
        public partial class MyDense
        {
            readonly int outFeatures;
            Variable w = null!, b = null!;
            public MyDense(int outFeatures)
            {
                this.outFeatures = outFeatures;
            }

            protected void Build(Shape inputShape)
            {
                w = new(Tensor.RandomNormal([inputShape[^1], outFeatures]), name: "w");
                b = new(Tensor.Zeros([outFeatures]), name: "b");
            }

            protected Tensor Call(Tensor x) => Ops.Relu(Ops.MatMul(x, w) + b);
        }
        """, codeActionIndex: 1);

    /// <summary>samples/SeedWalkthrough's MyDense keeps its arguments (for its config); the fix drops inFeatures and its field.</summary>
    [Fact]
    public Task Sample_MyDense_fixed_from_the_input_shape()
        => Verify<VariableCreationAnalyzer>.Fix<MoveToBuildCodeFix>("""
        [Layer]
        public partial class MyDense
        {
            readonly int inFeatures, outFeatures;
            readonly Variable w, b;

            public MyDense(int inFeatures, int outFeatures)
            {
                this.inFeatures = inFeatures;
                this.outFeatures = outFeatures;
                w = {|LG0001:new(Tensor.RandomNormal([inFeatures, outFeatures]), name: "w")|};
                b = {|LG0001:new(Tensor.Zeros([outFeatures]), name: "b")|};
            }

            protected Tensor Call(Tensor x) => Ops.Relu(Ops.MatMul(x, w) + b);
        }
        """, """
        [Layer]
        public partial class MyDense
        {
            readonly int outFeatures;
            Variable w = null!, b = null!;

            public MyDense(int outFeatures)
            {
                this.outFeatures = outFeatures;
            }

            protected void Build(Shape inputShape)
            {
                w = new(Tensor.RandomNormal([inputShape[^1], outFeatures]), name: "w");
                b = new(Tensor.Zeros([outFeatures]), name: "b");
            }

            protected Tensor Call(Tensor x) => Ops.Relu(Ops.MatMul(x, w) + b);
        }
        """, codeActionIndex: 1);
}
