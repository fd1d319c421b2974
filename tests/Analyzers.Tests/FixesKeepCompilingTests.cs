using LayerGen.Analyzers.CodeFixes;

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
}
