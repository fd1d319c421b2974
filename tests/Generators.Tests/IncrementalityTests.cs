using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LayerGen.Generators.Tests;

/// <summary>Edits that do not change a model leave every step cached; edits that do re-run it.</summary>
public class IncrementalityTests
{
    private const string ModuleSource = """
        using LayerGen;

        namespace MyApp;

        [Module]
        public partial class SimpleModule
        {
            public Variable AVariable { get; } = new(5.0f, name: "train_me");

            public Tensor Call(Tensor x) => AVariable * x;
        }
        """;

    private const string OtherSource = """
        namespace MyApp;

        public static class Helpers
        {
            public static int Twice(int x) => x * 2;
        }
        """;

    private static readonly string[] TrackedSteps = [ModuleGenerator.TrackingNames.Parse, ModuleGenerator.TrackingNames.Models];

    /// <summary>Runs once, applies <paramref name="edit"/>, runs again and returns the second run.</summary>
    private static GeneratorRunResult RunTwice(Func<Compilation, Compilation> edit)
    {
        var compilation = GeneratorHarness.CreateCompilation(ModuleSource, OtherSource);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();
        foreach (string step in TrackedSteps)
            Assert.True(first.TrackedSteps.ContainsKey(step), $"step {step} is not tracked");

        driver = driver.RunGenerators(edit(compilation));
        return driver.GetRunResult().Results.Single();
    }

    private static Compilation ReplaceTree(Compilation compilation, int index, Func<string, string> change)
    {
        var tree = compilation.SyntaxTrees.ElementAt(index);
        var newTree = tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(change(tree.GetText().ToString())));
        return compilation.ReplaceSyntaxTree(tree, newTree);
    }

    private static IEnumerable<(string Step, IncrementalStepRunReason Reason)> Reasons(GeneratorRunResult result)
    {
        // Roslyn's own ForAttributeWithMetadataName steps are tracked too; ours carry our names.
        foreach (var (name, steps) in result.TrackedSteps.Where(s => TrackedSteps.Contains(s.Key)))
            foreach (var step in steps)
                foreach (var (_, reason) in step.Outputs)
                    yield return (name, reason);
        foreach (var (name, steps) in result.TrackedOutputSteps)
            foreach (var step in steps)
                foreach (var (_, reason) in step.Outputs)
                    yield return (name, reason);
    }

    private static void AssertAllCached(GeneratorRunResult result)
    {
        var reasons = Reasons(result).ToList();
        Assert.NotEmpty(reasons);
        foreach (var (step, reason) in reasons)
            Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"step {step} was {reason}");
    }

    [Fact]
    public void EditingAMethodBodyKeepsEveryStepCached()
        => AssertAllCached(RunTwice(c => ReplaceTree(c, 0, s => s.Replace("AVariable * x;", "AVariable * x * 2;", StringComparison.Ordinal))));

    [Fact]
    public void AddingACommentKeepsEveryStepCached()
        => AssertAllCached(RunTwice(c => ReplaceTree(c, 0, s => s.Replace("public Tensor Call", "// a comment\n    public Tensor Call", StringComparison.Ordinal))));

    [Fact]
    public void EditingAnUnrelatedFileKeepsEveryStepCached()
        => AssertAllCached(RunTwice(c => ReplaceTree(c, 1, s => s.Replace("x * 2", "x + x", StringComparison.Ordinal))));

    [Fact]
    public void AddingAnUnrelatedFileKeepsEveryStepCached()
        => AssertAllCached(RunTwice(c => c.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace MyApp; public class Extra { }", GeneratorHarness.ParseOptions))));

    [Fact]
    public void AddingATrackedFieldModifiesTheModel()
    {
        var result = RunTwice(c => ReplaceTree(c, 0, s => s.Replace(
            "public Tensor Call", "private readonly Variable _bias = new(1f);\n    public Tensor Call", StringComparison.Ordinal)));
        var reasons = Reasons(result).ToList();
        Assert.Contains((ModuleGenerator.TrackingNames.Parse, IncrementalStepRunReason.Modified), reasons);
        Assert.Contains((ModuleGenerator.TrackingNames.Models, IncrementalStepRunReason.Modified), reasons);
        Assert.Contains("_bias", result.GeneratedSources.Single().SourceText.ToString(), StringComparison.Ordinal);
    }
}
