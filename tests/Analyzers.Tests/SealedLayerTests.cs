using LayerGen.Analyzers.CodeFixes;
using Microsoft.CodeAnalysis.Testing;

namespace LayerGen.Analyzers.Tests;

/// <summary>
/// Issue 23 item 4: a sealed [Layer] declares Call and Build private (protected in a sealed type is CS0628, an
/// error under warnings-as-errors). The generated Invoke accepts private ones; the fixes and messages say private.
/// Compiler warnings are checked in these tests.
/// </summary>
public class SealedLayerTests
{
    [Fact]
    public Task Private_Call_and_Build_in_a_sealed_layer_compile_without_warnings() => Analyze<LayerDeclarationAnalyzer>("""
        [Layer]
        internal sealed partial class Shift
        {
            Variable b = null!;
            void Build(Shape inputShape) => b = AddWeight("b", [inputShape[^1]]);
            Tensor Call(Tensor x) => x + b;
        }
        [Layer]
        internal sealed partial class Pair
        {
            internal void Build(Shape aShape, Shape bShape) { }
            internal Tensor Call(Tensor a, Tensor b) => a + b;
        }
        """);

    [Fact]
    public Task CS0628_fix_makes_Call_and_Build_private() => Fix<LayerDeclarationAnalyzer, SealedLayerMemberCodeFix>("""
        [Layer]
        internal sealed partial class Shift
        {
            Variable b = null!;
            protected void {|CS0628:Build|}(Shape inputShape) => b = AddWeight("b", [inputShape[^1]]);
            protected internal Tensor {|CS0628:Call|}(Tensor x) => x + b;
        }
        """, """
        [Layer]
        internal sealed partial class Shift
        {
            Variable b = null!;
            private void Build(Shape inputShape) => b = AddWeight("b", [inputShape[^1]]);
            internal Tensor Call(Tensor x) => x + b;
        }
        """);

    [Fact]
    public Task LG0005_message_says_private_for_a_sealed_layer() => Analyze<LayerDeclarationAnalyzer>("""
        [Layer] internal sealed partial class {|#0:L|} { }
        """, new DiagnosticResult(Descriptors.InvalidCall).WithLocation(0).WithArguments("L", "has no Call method; add 'private Tensor Call(Tensor inputs)'"));

    [Fact]
    public Task LG0001_fix_adds_a_private_Build_to_a_sealed_layer() => Fix<VariableCreationAnalyzer, MoveToBuildCodeFix>("""
        [Layer]
        internal sealed partial class L
        {
            readonly Variable a = {|LG0001:new Variable(1f)|};
            Tensor Call(Tensor x) => x * a;
        }
        """, """
        [Layer]
        internal sealed partial class L
        {
            Variable a = null!;

            private void Build(Shape inputShape)
            {
                a = new Variable(1f);
            }

            Tensor Call(Tensor x) => x * a;
        }
        """);

    private static Task Analyze<TAnalyzer>(string source, params DiagnosticResult[] expected)
        where TAnalyzer : Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer, new()
    {
        var test = new AnalyzerTest<TAnalyzer> { TestCode = TestSetup.Usings + source, CompilerDiagnostics = CompilerDiagnostics.Warnings };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    private static Task Fix<TAnalyzer, TCodeFix>(string source, string fixedSource)
        where TAnalyzer : Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer, new()
        where TCodeFix : Microsoft.CodeAnalysis.CodeFixes.CodeFixProvider, new()
        => new CodeFixTest<TAnalyzer, TCodeFix>
        {
            TestCode = TestSetup.Usings + source,
            FixedCode = TestSetup.Usings + fixedSource,
            CompilerDiagnostics = CompilerDiagnostics.Warnings,
        }.RunAsync();
}
