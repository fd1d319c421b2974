using Microsoft.CodeAnalysis;

namespace LayerGen.Generators.Tests;

/// <summary>The <c>[Op]</c> generator's models are value-equal: a kernel edit leaves them cached, an attribute edit re-runs them.</summary>
public class OpIncrementalityTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using LayerGen;

        namespace MyApp;

        [Op("Scale")]
        public sealed partial class ScaleOp([OpAttr("by")] double factor) : Op
        {
            public double Factor { get; } = factor;
            public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs) => inputs[0];
            public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output) => inputs[0];
            public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output) => [g];
        }
        """;

    private static IncrementalStepRunReason[] SecondRunReasons(string edited)
    {
        var compilation = GeneratorHarness.CreateCompilation(Source);
        var driver = GeneratorHarness.CreateDriver([new OpGenerator()]).RunGenerators(compilation);
        var tree = compilation.SyntaxTrees.First();
        var next = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(edited)));
        var result = driver.RunGenerators(next).GetRunResult().Results.Single();
        Assert.True(result.TrackedSteps.ContainsKey(OpGenerator.TrackingNames.Models));
        return [.. result.TrackedSteps[OpGenerator.TrackingNames.Models].SelectMany(s => s.Outputs).Select(o => o.Reason)];
    }

    [Fact]
    public void AKernelEditLeavesTheModelCached()
    {
        string edited = Source.Replace("KernelOutput output) => inputs[0];", "KernelOutput output) => Ops.Neg(inputs[0]);", StringComparison.Ordinal);
        Assert.NotEqual(Source, edited);
        var reasons = SecondRunReasons(edited);
        Assert.NotEmpty(reasons);
        Assert.All(reasons, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
    }

    [Fact]
    public void AnAttributeEditRerunsTheModel()
    {
        string edited = Source.Replace("[OpAttr(\"by\")]", "[OpAttr(\"factor\")]", StringComparison.Ordinal);
        Assert.NotEqual(Source, edited);
        var reasons = SecondRunReasons(edited);
        Assert.Contains(IncrementalStepRunReason.Modified, reasons);
    }
}
