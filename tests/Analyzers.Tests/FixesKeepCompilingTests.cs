using LayerGen.Analyzers.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LayerGen.Analyzers.Tests;

/// <summary>Issue 23: a fix never turns compiling code into code that does not compile (bodies that use what a fix changes).</summary>
public class FixesKeepCompilingTests
{
    [Fact]
    public Task LG0006_fix_keeps_the_parameter_name_the_body_reads() => Verify<LayerDeclarationAnalyzer>.Fix<BuildSignatureCodeFix>("""
        [Layer]
        public partial class B
        {
            int last;
            protected void {|LG0006:Build|}(int[] shape) { last = shape[^1]; }
            protected Tensor Call(Tensor x) => x * last;
        }
        """, """
        [Layer]
        public partial class B
        {
            int last;
            protected void Build(Shape shape) { last = shape[^1]; }
            protected Tensor Call(Tensor x) => x * last;
        }
        """);

    [Fact]
    public Task LG0006_fix_adds_names_that_do_not_clash() => Verify<LayerDeclarationAnalyzer>.Fix<BuildSignatureCodeFix>("""
        [Layer]
        public partial class A
        {
            int n;
            protected void {|LG0006:Build|}(Shape bShape) { n = bShape.Rank; }
            protected Tensor Call(Tensor a, Tensor b) => (a + b) * n;
        }
        """, """
        [Layer]
        public partial class A
        {
            int n;
            protected void Build(Shape bShape, Shape bShape2) { n = bShape.Rank; }
            protected Tensor Call(Tensor a, Tensor b) => (a + b) * n;
        }
        """);

    /// <summary>Shape has no <c>Length</c>: the new type would not compile, so no fix is offered.</summary>
    [Fact]
    public Task LG0006_no_fix_when_the_body_uses_what_Shape_lacks() => NoFix<BuildSignatureCodeFix>("""
        [Layer]
        public partial class B
        {
            int n;
            protected void {|LG0006:Build|}(int[] shape) { n = shape.Length; }
            protected Tensor Call(Tensor x) => x * n;
        }
        """);

    [Fact]
    public Task LG0006_no_fix_when_the_body_reads_a_dropped_parameter() => NoFix<BuildSignatureCodeFix>("""
        [Layer]
        public partial class B
        {
            int n;
            protected void {|LG0006:Build|}(Shape inputShape, Shape extra) { n = extra.Rank; }
            protected Tensor Call(Tensor x) => x * n;
        }
        """);

    /// <summary>
    /// A primary-constructor parameter read by Call and kept in a property initialised from it: Call reads the
    /// property, or the compiler warns CS9124 (captured and also used to initialise a member). Compiler warnings are checked.
    /// </summary>
    [Fact]
    public Task LG0003_fix_on_a_primary_constructor_does_not_capture_the_parameter_twice() => FixWithWarnings<LayerDeclarationAnalyzer, KeepParameterCodeFix>("""
        [Layer]
        internal sealed partial class Scale(float {|LG0003:factor|}, int {|LG0003:extra|}) : Layer
        {
            readonly float half = factor / 2;
            Tensor Call(Tensor x) => x * factor + half + Twice();
            int Twice() { int e = extra; return e * 2; }
        }
        """, """
        [Layer]
        internal sealed partial class Scale(float factor, int extra) : Layer
        {
            readonly float half = factor / 2;
            Tensor Call(Tensor x) => x * Factor + half + Twice();
            int Twice() { int e = Extra; return e * 2; }

            public float Factor { get; } = factor;
            public int Extra { get; } = extra;
        }
        """);

    [Fact]
    public Task LG0003_no_fix_when_a_member_writes_the_primary_constructor_parameter() => NoFix<KeepParameterCodeFix>("""
        [Layer]
        public partial class Count(int {|LG0003:seen|})
        {
            protected Tensor Call(Tensor x) { seen++; return x * seen; }
        }
        """);

    private static Task FixWithWarnings<TAnalyzer, TCodeFix>(string source, string fixedSource)
        where TAnalyzer : Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer, new()
        where TCodeFix : Microsoft.CodeAnalysis.CodeFixes.CodeFixProvider, new()
        => new CodeFixTest<TAnalyzer, TCodeFix>
        {
            TestCode = TestSetup.Usings + source,
            FixedCode = TestSetup.Usings + fixedSource,
            CompilerDiagnostics = Microsoft.CodeAnalysis.Testing.CompilerDiagnostics.Warnings,
        }.RunAsync();

    /// <summary>The fix offers nothing: the fixed code is the source, diagnostics unchanged.</summary>
    private static Task NoFix<TCodeFix>(string source)
        where TCodeFix : Microsoft.CodeAnalysis.CodeFixes.CodeFixProvider, new()
        => new CodeFixTest<LayerDeclarationAnalyzer, TCodeFix>
        {
            TestCode = TestSetup.Usings + source,
            FixedCode = TestSetup.Usings + source,
        }.RunAsync();

    /// <summary>Every action the LG0001 fix offers compiles when the constructor also uses the argument it could drop.</summary>
    [Fact]
    public async Task LG0001_actions_compile_when_the_constructor_uses_the_dropped_argument()
    {
        using var workspace = new Microsoft.CodeAnalysis.AdhocWorkspace();
        var project = workspace.AddProject(Microsoft.CodeAnalysis.ProjectInfo.Create(Microsoft.CodeAnalysis.ProjectId.CreateNewId(), Microsoft.CodeAnalysis.VersionStamp.Default, "W", "W", Microsoft.CodeAnalysis.LanguageNames.CSharp,
            compilationOptions: new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(Microsoft.CodeAnalysis.OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: Microsoft.CodeAnalysis.NullableContextOptions.Enable)
                .WithSpecificDiagnosticOptions(new Dictionary<string, Microsoft.CodeAnalysis.ReportDiagnostic> { ["CS1701"] = Microsoft.CodeAnalysis.ReportDiagnostic.Suppress, ["CS1702"] = Microsoft.CodeAnalysis.ReportDiagnostic.Suppress }),
            parseOptions: new Microsoft.CodeAnalysis.CSharp.CSharpParseOptions(Microsoft.CodeAnalysis.CSharp.LanguageVersion.Latest), metadataReferences: TestSetup.References,
            analyzerReferences: [BehaviourTests.GeneratorReference()]));
        var layer = workspace.AddDocument(project.Id, "Layer.cs", Microsoft.CodeAnalysis.Text.SourceText.From(TestSetup.Usings + """
            [Layer]
            public partial class D
            {
                readonly int units;
                readonly int inputs;
                readonly Variable w;
                public D(int inputs, int units)
                {
                    this.units = units;
                    this.inputs = inputs;
                    w = AddWeight("w", [inputs, units]);
                }
                protected Tensor Call(Tensor x) => Ops.MatMul(x, w) * inputs;
            }
            """));
        var compilation = (await layer.Project.GetCompilationAsync())!;
        var diagnostic = Assert.Single(await compilation.WithAnalyzers([new VariableCreationAnalyzer()]).GetAnalyzerDiagnosticsAsync());
        var actions = new List<Microsoft.CodeAnalysis.CodeActions.CodeAction>();
        await new MoveToBuildCodeFix().RegisterCodeFixesAsync(new Microsoft.CodeAnalysis.CodeFixes.CodeFixContext(layer, diagnostic, (a, _) => actions.Add(a), default));
        Assert.NotEmpty(actions);
        foreach (var action in actions)
        {
            var solution = (await action.GetOperationsAsync(default)).OfType<Microsoft.CodeAnalysis.CodeActions.ApplyChangesOperation>().Single().ChangedSolution;
            var fixedCompilation = (await solution.GetProject(project.Id)!.GetCompilationAsync())!;
            Assert.Empty(fixedCompilation.GetDiagnostics().Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning).Select(d => action.Title + ": " + d));
        }
    }
}
