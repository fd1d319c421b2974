using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using LayerGen.Generators.Models;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LayerGen.Generators.Tests;

/// <summary>
/// The <c>[KerasSerializable]</c> generator: its text for each kind of input (compared with
/// <c>Snapshots/KerasObject*</c>, each output compiling with no warnings against LayerGen.dll), its
/// incrementality and its models' purity.
/// </summary>
public class KerasObjectGeneratorTests
{
    // ------------------------------------------------------------------ snapshots

    private static void Verify(string source, [CallerMemberName] string name = "")
    {
        var compilation = GeneratorHarness.CreateCompilation(source);
        var (result, output, _) = GeneratorHarness.Run(compilation, GeneratorHarness.CreateDriver([new KerasObjectGenerator()]));
        foreach (var generator in result.Results)
            Assert.Null(generator.Exception);
        Assert.Empty(GeneratorHarness.Problems(output));
        var files = result.Results
            .SelectMany(r => r.GeneratedSources)
            .Select(s => (s.HintName, s.SourceText.ToString()))
            .ToList();
        Assert.NotEmpty(files);
        Snapshot.Match("KerasObject" + name, files);
    }

    [Fact]
    public void LossWithAliases() => Verify("""
        using LayerGen;
        using LayerGen.Losses;

        namespace MyApp;

        [KerasSerializable("scaled_mse", "smse")]
        public sealed partial class ScaledMse(double scale = 2.0, int? ignoreClass = null, string reduction = "sum_over_batch_size", string name = "scaled_mse")
            : Loss(name, reduction)
        {
            public double Scale { get; } = scale;
            public int? IgnoreClass { get; } = ignoreClass;
            public override Tensor ComputeLosses(Tensor yTrue, Tensor yPred) => Ops.Mean(Ops.Square(Ops.Sub(yPred, yTrue)), -1);
        }
        """);

    [Fact]
    public void OptimizerWithConfigKeysAndASchedule() => Verify("""
        using LayerGen;
        using LayerGen.Optimizers;

        namespace MyApp;

        [KerasSerializable(Package = "my_package")]
        public sealed partial class Momentum([ConfigKey("beta_1")] double beta1 = 0.9, double learningRate = 0.01, LearningRateSchedule? schedule = null, string name = "momentum")
            : Optimizer(learningRate, schedule, name, null, null, null, null)
        {
            public double Beta1 { get; } = beta1;
            protected override void BuildSlots() { }
            protected override void UpdateStep(float[] gradient, Variable variable, int index, float learningRate, long iterations)
                => SubtractScaled(Values(variable), gradient, learningRate);
        }
        """);

    [Fact]
    public void SubclassOfAGeneratedKind() => Verify("""
        using LayerGen;
        using LayerGen.Optimizers;

        namespace MyApp;

        // Adam's keys are written by Adam's GetConfig; FromConfig hides Adam's.
        [KerasSerializable]
        public sealed partial class LoudAdam(double learningRate = 0.001, [ConfigKey("beta_1")] double beta1 = 0.9, string name = "loud_adam")
            : Adam(learningRate, beta1, name: name);
        """);

    [Fact]
    public void HandWrittenFromConfigIsRegisteredAndClassNameComesFromTheAttribute() => Verify("""
        using System.Text.Json.Nodes;
        using LayerGen;

        namespace MyApp;

        [KerasSerializable("half", ClassName = "Half")]
        public sealed partial class HalfInitializer(double factor) : Initializer
        {
            public override Tensor Call(Shape shape, DType dtype = DType.Float32) => Tensor.Scalar(factor * 0.5, dtype);
            public override JsonObject GetConfig() => new() { ["factor"] = factor };
            public static HalfInitializer FromConfig(JsonObject config) => new(LayerGen.Serialization.Config.ReadDouble(config, "factor", "Half", 1.0));
        }
        """);

    [Fact]
    public void NotGeneratedForAClassThatIsNotPartialOrNotAKind()
    {
        var compilation = GeneratorHarness.CreateCompilation("""
            using LayerGen;

            namespace MyApp;

            [KerasSerializable]
            public sealed class NotPartial : Constraint { public override Tensor Apply(Tensor w) => w; }

            [KerasSerializable]
            public sealed partial class NotAKind { }
            """);
        var (result, _, _) = GeneratorHarness.Run(compilation, GeneratorHarness.CreateDriver([new KerasObjectGenerator()]));
        Assert.Empty(result.Results.Single().GeneratedSources);
    }

    // ------------------------------------------------------------------ incrementality

    private const string ConstraintSource = """
        using LayerGen;

        namespace MyApp;

        [KerasSerializable("clip_to")]
        public sealed partial class ClipTo(double limit = 1.0) : Constraint
        {
            public double Limit { get; } = limit;
            public override Tensor Apply(Tensor w) => Ops.Clip(w, -Limit, Limit);
        }
        """;

    private static readonly string[] TrackedSteps = [KerasObjectGenerator.TrackingNames.Parse, KerasObjectGenerator.TrackingNames.Models];

    private static GeneratorRunResult RunTwice(Func<Compilation, Compilation> edit)
    {
        var compilation = GeneratorHarness.CreateCompilation(ConstraintSource, "namespace MyApp; public static class Helpers { public static int Twice(int x) => x * 2; }");
        var driver = GeneratorHarness.CreateDriver([new KerasObjectGenerator()]).RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();
        Assert.Single(first.GeneratedSources);
        foreach (string step in TrackedSteps)
            Assert.True(first.TrackedSteps.ContainsKey(step), $"step {step} is not tracked");
        return driver.RunGenerators(edit(compilation)).GetRunResult().Results.Single();
    }

    private static Compilation ReplaceTree(Compilation compilation, int index, Func<string, string> change)
    {
        var tree = compilation.SyntaxTrees.ElementAt(index);
        string text = tree.GetText().ToString();
        string changed = change(text);
        Assert.NotEqual(text, changed);
        return compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(changed)));
    }

    private static List<(string Step, IncrementalStepRunReason Reason)> Reasons(GeneratorRunResult result)
        => [.. result.TrackedSteps.Where(s => TrackedSteps.Contains(s.Key))
            .SelectMany(s => s.Value.SelectMany(step => step.Outputs.Select(o => (s.Key, o.Reason))))];

    [Fact]
    public void EditingAMethodBodyKeepsEveryStepCached()
    {
        var reasons = Reasons(RunTwice(c => ReplaceTree(c, 0, s => s.Replace("Ops.Clip(w, -Limit, Limit)", "Ops.Clip(w, -2 * Limit, Limit)", StringComparison.Ordinal))));
        Assert.NotEmpty(reasons);
        Assert.All(reasons, r => Assert.True(r.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"step {r.Step} was {r.Reason}"));
    }

    [Fact]
    public void EditingAnUnrelatedFileKeepsEveryStepCached()
    {
        var reasons = Reasons(RunTwice(c => ReplaceTree(c, 1, s => s.Replace("x * 2", "x + x", StringComparison.Ordinal))));
        Assert.NotEmpty(reasons);
        Assert.All(reasons, r => Assert.True(r.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"step {r.Step} was {r.Reason}"));
    }

    [Fact]
    public void ChangingAnAliasModifiesTheModel()
    {
        var result = RunTwice(c => ReplaceTree(c, 0, s => s.Replace("\"clip_to\"", "\"clip\"", StringComparison.Ordinal)));
        Assert.Contains((KerasObjectGenerator.TrackingNames.Parse, IncrementalStepRunReason.Modified), Reasons(result));
        Assert.Contains("static config => FromConfig(config), \"clip\");", result.GeneratedSources.Single().SourceText.ToString(), StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ purity

    private static readonly Type[] Forbidden = [typeof(ISymbol), typeof(SyntaxNode), typeof(Location), typeof(SemanticModel), typeof(Compilation), typeof(SyntaxTree), typeof(SyntaxToken)];

    [Fact]
    public void ParsedModelsHoldOnlyPlainValues()
    {
        var driver = GeneratorHarness.CreateDriver([new KerasObjectGenerator()]).RunGenerators(GeneratorHarness.CreateCompilation(ConstraintSource));
        var result = driver.GetRunResult().Results.Single();
        var model = Assert.IsType<KerasObjectModel>(Assert.Single(result.TrackedSteps[KerasObjectGenerator.TrackingNames.Parse].SelectMany(s => s.Outputs)).Value);
        Assert.Equal(("ClipTo", "TestProject>ClipTo", "global::LayerGen.Layers.Constraint"), (model.ClassName, model.RegisteredName, model.Kind));
        Assert.NotNull(model.Config);
        int visited = 0;
        Walk(model, "model", new HashSet<object>(ReferenceEqualityComparer.Instance), ref visited);
        Assert.True(visited > 10, $"walked only {visited} values");
    }

    private static void Walk(object? value, string path, HashSet<object> seen, ref int visited)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum) { visited++; return; }
        Assert.False(Forbidden.Any(f => f.IsInstanceOfType(value)), $"{path} holds a {value.GetType().Name}");
        if (!seen.Add(value)) return;
        visited++;
        if (value is IEnumerable items)
        {
            int i = 0;
            foreach (var item in items) Walk(item, $"{path}[{i++}]", seen, ref visited);
            return;
        }
        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
            if (property.GetIndexParameters().Length == 0)
                Walk(property.GetValue(value), path + "." + property.Name, seen, ref visited);
    }
}
