using LayerGen.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LayerGen.Analyzers.Tests;

/// <summary>
/// The analyzers mirror the generator's rules: a layer gets a generated config exactly when no config rule
/// (LG0003, LG0004, LG0013) fires, and an Invoke exactly when no Call rule (LG0005) fires; a member is
/// tracked by the generated VisitMembers exactly when LG0007 stays quiet about it.
/// </summary>
public class GeneratorAgreementTests
{
    public static TheoryData<string, bool> ConfigCases() => new()
    {
        { "public L(int units) => Units = units; public int Units { get; }", true },
        { "public L(int units) { } ", false },
        { "public L(int units, float rate) { _units = units; m_rate = rate; } readonly int _units; readonly float m_rate;", true },
        { "public L(Func<int> f) => F = f; public Func<int> F { get; }", false },
        { "public L(int[,] grid) => Grid = grid; public int[,] Grid { get; }", false },
        { "public L(List<int?> xs) => Xs = xs; public List<int?> Xs { get; }", false },
        { "public L(IReadOnlyList<Shape> shapes, ActivationFunction? activation = null) { Shapes = shapes; Activation = activation; } public IReadOnlyList<Shape> Shapes { get; } public ActivationFunction? Activation { get; }", true },
        { "public L(System.Text.Json.Nodes.JsonObject extra, DType dtype) { Extra = extra; Dt = dtype; } public System.Text.Json.Nodes.JsonObject Extra { get; } public DType Dt { get; }", true },
        { "public L() { } public L(int units) { Units = units; } public int Units { get; }", false },
        { "public L() { } [ConfigConstructor] public L(int units) { Units = units; } public int Units { get; }", true },
        { "public L(long units) => Units = (int)units; public int Units { get; }", true },   // int converts to long
        { "public L(int units) => Units = units; public long Units { get; }", false },   // long does not convert to int
    };

    [Theory]
    [MemberData(nameof(ConfigCases))]
    public async Task Config_rules_agree_with_the_generator(string members, bool expectConfig)
    {
        string source = TestSetup.Usings + "[Layer] public partial class L { " + members + " protected Tensor Call(Tensor x) => x; }";
        var (generated, diagnostics) = await RunAsync(source, new LayerDeclarationAnalyzer());
        bool configRuleFired = diagnostics.Any(d => d.Id is "LG0003" or "LG0004" or "LG0013");
        // LG0003 alone leaves a GetConfig that throws a ConfigException naming the arguments: not a config.
        bool workingConfig = generated.Contains("GetConfig()", StringComparison.Ordinal) && !generated.Contains("ConfigException(", StringComparison.Ordinal);
        Assert.Equal(expectConfig, workingConfig);
        Assert.Equal(!expectConfig, configRuleFired);
    }

    public static TheoryData<string, bool> CallCases() => new()
    {
        { "protected Tensor Call(Tensor x) => x;", true },
        { "protected Tensor[] Call(Tensor a, Tensor b, bool training = false, Tensor? mask = null) => [a, b];", true },
        { "protected int Call(Tensor x) => 0;", false },
        { "protected Tensor Call(params Tensor[] xs) => xs[0];", false },
        { "protected Tensor Call(Tensor x, int k = 2) => x;", true },
        { "protected Tensor Call(Tensor[] xs) => xs[0];", true },
        { "protected Tensor Call(System.Collections.Generic.IReadOnlyList<Tensor> xs, bool training = false) => xs[0];", true },
        { "protected void Build(Shape[] shapes) { } protected Tensor Call(Tensor[] xs) => xs[0];", true },
        { "protected Tensor Call(Tensor[] xs, Tensor y) => y;", false },   // a list is the only tensor argument
    };

    [Theory]
    [MemberData(nameof(CallCases))]
    public async Task Call_rules_agree_with_the_generator(string call, bool expectInvoke)
    {
        string source = TestSetup.Usings + "[Layer] public partial class L { " + call + " }";
        var (generated, diagnostics) = await RunAsync(source, new LayerDeclarationAnalyzer());
        Assert.Equal(expectInvoke, generated.Contains(" Invoke(", StringComparison.Ordinal));
        Assert.Equal(!expectInvoke, diagnostics.Any(d => d.Id == "LG0005"));
    }

    public static TheoryData<string, bool> TrackingCases() => new()
    {
        { "Variable v = new(1f);", true },
        { "List<Variable[]> v = [];", true },
        { "Dictionary<string, IReadOnlyList<Variable>> v = [];", true },
        { "System.Collections.Immutable.ImmutableArray<Variable> v = [];", true },
        { "(Variable, Variable) v = (new(1f), new(2f));", false },
        { "HashSet<Variable> v = [];", false },
        { "Dictionary<int, Variable> v = [];", false },
        { "IEnumerable<Variable> v = [];", false },
        { "Variable[,] v = new Variable[1, 1];", false },
    };

    [Theory]
    [MemberData(nameof(TrackingCases))]
    public async Task Tracking_rules_agree_with_the_generator(string member, bool expectTracked)
    {
        string source = TestSetup.Usings + "[Module] public partial class M { " + member + " }";
        var (generated, diagnostics) = await RunAsync(source, new TrackingAnalyzer());
        Assert.Equal(expectTracked, generated.Contains("visitor.", StringComparison.Ordinal) && generated.Contains("this.v", StringComparison.Ordinal));
        Assert.Equal(!expectTracked, diagnostics.Any(d => d.Id == "LG0007"));
    }

    private static async Task<(string Generated, IReadOnlyList<Diagnostic> Diagnostics)> RunAsync(string source, DiagnosticAnalyzer analyzer)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create("Agreement", [CSharpSyntaxTree.ParseText(source, parse)], TestSetup.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var driver = CSharpGeneratorDriver.Create([new LayerGenerator().AsSourceGenerator(), new ModuleGenerator().AsSourceGenerator()], parseOptions: parse)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        string generated = string.Join("\n", driver.GetRunResult().GeneratedTrees.Select(t => t.ToString()));
        var diagnostics = await output.WithAnalyzers([analyzer]).GetAnalyzerDiagnosticsAsync();
        return (generated, diagnostics);
    }
}
