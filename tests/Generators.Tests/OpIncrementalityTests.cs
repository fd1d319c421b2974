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
        var tree = compilation.SyntaxTrees.Single();
        var next = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(edited)));
        var result = driver.RunGenerators(next).GetRunResult().Results.Single();
        Assert.True(result.TrackedSteps.ContainsKey(OpGenerator.TrackingNames.Models));
        return [.. result.TrackedSteps[OpGenerator.TrackingNames.Models].SelectMany(s => s.Outputs).Select(o => o.Reason)];
    }

    [Fact]
    public void AKernelEditLeavesTheModelCached()
    {
        var reasons = SecondRunReasons(Source.Replace("=> inputs[0];\n    public override Tensor?[]", "=> inputs[0] * 1;\n    public override Tensor?[]", StringComparison.Ordinal)
            .Replace("TensorSpec output) => inputs[0];", "TensorSpec output) => Ops.Neg(inputs[0]);", StringComparison.Ordinal));
        Assert.All(reasons, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
    }

    [Fact]
    public void AnAttributeEditRerunsTheModel()
    {
        var reasons = SecondRunReasons(Source.Replace("[OpAttr(\"by\")]", "[OpAttr(\"factor\")]", StringComparison.Ordinal));
        Assert.Contains(IncrementalStepRunReason.Modified, reasons);
    }
}
