using System.Diagnostics;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Xunit.Abstractions;

namespace LayerGen.Generators.Tests;

/// <summary>
/// A quick look at the generators' cost on 500 [Module] or [Layer] classes (the BenchmarkDotNet version is
/// benchmarks/LayerGen.Benchmarks/GeneratorBenchmarks.cs). Prints timings; asserts only correctness.
/// </summary>
public class GeneratorTimingTests(ITestOutputHelper output)
{
    private const int ClassCount = 500;

    private static IEnumerable<string> SyntheticSources()
    {
        for (int i = 0; i < ClassCount; i++)
        {
            var sb = new StringBuilder();
            sb.AppendLine("using System.Collections.Generic;");
            sb.AppendLine("using LayerGen;");
            sb.AppendLine($"namespace Synthetic.Group{i % 10};");
            sb.AppendLine("[Module]");
            sb.AppendLine($"public partial class Block{i}");
            sb.AppendLine("{");
            sb.AppendLine("    private readonly Variable _w = new(1f, name: \"w\");");
            sb.AppendLine("    public Variable B { get; } = new(0f, name: \"b\");");
            if (i > 0)
                sb.AppendLine($"    public List<global::Synthetic.Group{(i - 1) % 10}.Block{i - 1}> Children {{ get; }} = [];");
            sb.AppendLine("    public Dictionary<string, Variable> Extra { get; } = new();");
            sb.AppendLine("    public int Size => 3;");
            sb.AppendLine("    public Tensor Call(Tensor x) => x * _w + B;");
            sb.AppendLine($"    public int Helper() => {i};");
            sb.AppendLine("}");
            yield return sb.ToString();
        }
    }

    private static IEnumerable<string> SyntheticLayerSources()
    {
        for (int i = 0; i < ClassCount; i++)
        {
            var sb = new StringBuilder();
            sb.AppendLine("using System.Collections.Generic;");
            sb.AppendLine("using LayerGen;");
            sb.AppendLine($"namespace Synthetic.Group{i % 10};");
            sb.AppendLine("[Layer]");
            sb.AppendLine($"public partial class Block{i}");
            sb.AppendLine("{");
            sb.AppendLine("    private readonly int units;");
            sb.AppendLine("    private readonly float rate;");
            sb.AppendLine("    private Variable _w = null!;");
            if (i > 0)
                sb.AppendLine($"    public List<global::Synthetic.Group{(i - 1) % 10}.Block{i - 1}> Children {{ get; }} = [];");
            sb.AppendLine($"    public Block{i}(int units, float rate = 0.5f) {{ this.units = units; this.rate = rate; }}");
            sb.AppendLine("    protected void Build(Shape inputShape) => _w = AddWeight(\"w\", [inputShape[^1], units]);");
            sb.AppendLine("    protected Tensor Call(Tensor x, bool training = false) => training ? Ops.MatMul(x, _w) * rate : Ops.MatMul(x, _w);");
            sb.AppendLine($"    public int Helper() => {i};");
            sb.AppendLine("}");
            yield return sb.ToString();
        }
    }

    [Fact]
    public void FiveHundredModules_FullAndIncrementalRuns()
        => Measure(SyntheticSources(), () => GeneratorHarness.CreateDriver(trackSteps: false), "[Module]");

    [Fact]
    public void FiveHundredLayers_FullAndIncrementalRuns()
        => Measure(SyntheticLayerSources(), () => GeneratorHarness.CreateLayerDriver(trackSteps: false), "[Layer]");

    private void Measure(IEnumerable<string> sources, Func<GeneratorDriver> createDriver, string kind)
    {
        // one file per class, and for layers the assembly's registration list
        int files = ClassCount + (kind == "[Layer]" ? 1 : 0);
        var compilation = GeneratorHarness.CreateCompilation(sources);
        var tree = compilation.SyntaxTrees.ElementAt(ClassCount / 2);
        var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(SourceText.From(
            tree.GetText().ToString().Replace("public int Helper() => ", "public int Helper() => 1 + ", StringComparison.Ordinal))));

        // warm up the JIT
        var warm = createDriver().RunGenerators(compilation);
        Assert.Equal(files, warm.GetRunResult().GeneratedTrees.Length);
        warm.RunGenerators(edited);

        const int Runs = 5;
        var full = Stopwatch.StartNew();
        for (int i = 0; i < Runs; i++)
            createDriver().RunGenerators(compilation);
        full.Stop();

        var incremental = Stopwatch.StartNew();
        GeneratorDriver? last = null;
        for (int i = 0; i < Runs; i++)
            last = warm.RunGenerators(edited);
        incremental.Stop();
        Assert.Equal(files, last!.GetRunResult().GeneratedTrees.Length);

        output.WriteLine($"full run, {ClassCount} {kind} classes: {full.Elapsed.TotalMilliseconds / Runs:F1} ms");
        output.WriteLine($"incremental run after a one-line edit: {incremental.Elapsed.TotalMilliseconds / Runs:F1} ms");
        Console.WriteLine($"[timing] {kind} full {full.Elapsed.TotalMilliseconds / Runs:F1} ms, incremental {incremental.Elapsed.TotalMilliseconds / Runs:F1} ms");
    }
}
