using System.Reflection;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LayerGen.Benchmarks;

/// <summary>
/// The generators on a synthetic project of 500 <c>[Module]</c> or 500 <c>[Layer]</c> classes (one per
/// file, <see cref="Kind"/>): a full run with a fresh driver, and the incremental run an IDE does after a
/// one-line edit in one file.
/// </summary>
/// <remarks>
/// The generator is loaded the way the compiler loads it, from the built <c>LayerGen.Generators.dll</c>
/// (this project gets it as an analyzer through <c>eng/UseLayerGen.props</c>, so it is built with the
/// same configuration); set <c>LAYERGEN_GENERATORS_DLL</c> to point elsewhere. Roslyn itself comes with
/// BenchmarkDotNet.
/// </remarks>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    /// <summary>How many [Module] or [Layer] classes the synthetic project has.</summary>
    public const int ClassCount = 500;

    /// <summary>Which attribute the synthetic classes carry: <c>Module</c> or <c>Layer</c>.</summary>
    [Params("Module", "Layer")]
    public string Kind { get; set; } = "Module";

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private ISourceGenerator[] _generators = [];
    private CSharpCompilation _compilation = null!;
    private CSharpCompilation _edited = null!;
    private GeneratorDriver _warmDriver = null!;

    [GlobalSetup]
    public void Setup()
    {
        _generators = [.. LoadGenerators()];
        _compilation = CreateCompilation(Kind == "Layer" ? SyntheticLayerSources() : SyntheticSources());

        // one-line edit in a method body of the middle file
        var tree = _compilation.SyntaxTrees.ElementAt(ClassCount / 2);
        string text = tree.GetText().ToString();
        string edited = text.Replace("public int Helper() => ", "public int Helper() => 1 + ", StringComparison.Ordinal);
        _edited = _compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(edited)));

        _warmDriver = CreateDriver().RunGenerators(_compilation);
        int generated = _warmDriver.GetRunResult().GeneratedTrees.Length;
        if (generated != ClassCount)
            throw new InvalidOperationException($"expected {ClassCount} generated files, got {generated}");
    }

    /// <summary>A fresh driver over the whole project: what a command-line build does.</summary>
    [Benchmark]
    public GeneratorDriver FullRun() => CreateDriver().RunGenerators(_compilation);

    /// <summary>The warm driver after a one-line edit: what the IDE does on a keystroke.</summary>
    [Benchmark]
    public GeneratorDriver IncrementalRunAfterOneLineEdit() => _warmDriver.RunGenerators(_edited);

    private GeneratorDriver CreateDriver()
        => CSharpGeneratorDriver.Create(_generators, parseOptions: ParseOptions);

    /// <summary>The synthetic project: 500 [Module] classes with variables, a list of submodules and a dictionary.</summary>
    public static IEnumerable<string> SyntheticSources(int count = ClassCount)
    {
        for (int i = 0; i < count; i++)
        {
            var sb = new StringBuilder();
            sb.AppendLine("using System.Collections.Generic;");
            sb.AppendLine("using LayerGen;");
            sb.AppendLine();
            sb.AppendLine($"namespace Synthetic.Group{i % 10};");
            sb.AppendLine();
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

    /// <summary>
    /// The synthetic project for <c>[Layer]</c>: 500 layers with a constructor argument kept in a field,
    /// weights created in <c>Build</c>, a <c>Call</c> with a training flag, and a list of child layers.
    /// </summary>
    public static IEnumerable<string> SyntheticLayerSources(int count = ClassCount)
    {
        for (int i = 0; i < count; i++)
        {
            var sb = new StringBuilder();
            sb.AppendLine("using System.Collections.Generic;");
            sb.AppendLine("using LayerGen;");
            sb.AppendLine();
            sb.AppendLine($"namespace Synthetic.Group{i % 10};");
            sb.AppendLine();
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

    private static CSharpCompilation CreateCompilation(IEnumerable<string> sources)
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.Length > 0)
            .ToHashSet(StringComparer.Ordinal);
        paths.Add(typeof(Module).Assembly.Location);
        return CSharpCompilation.Create(
            "Synthetic",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Block{i}.cs")),
            paths.Select(p => MetadataReference.CreateFromFile(p)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    private static IEnumerable<ISourceGenerator> LoadGenerators()
    {
        string path = Environment.GetEnvironmentVariable("LAYERGEN_GENERATORS_DLL") is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : FindGeneratorsDll();
        var reference = new AnalyzerFileReference(path, new Loader());
        var generators = reference.GetGenerators(LanguageNames.CSharp);
        if (generators.IsEmpty)
            throw new InvalidOperationException($"no generators in {path}");
        return generators;
    }

    private static string FindGeneratorsDll()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string bin = Path.Combine(dir.FullName, "src", "Generators", "bin");
            if (!Directory.Exists(bin)) continue;
            foreach (string configuration in new[] { "Release", "Debug" })
            {
                string candidate = Path.Combine(bin, configuration, "netstandard2.0", "LayerGen.Generators.dll");
                if (File.Exists(candidate)) return candidate;
            }
        }
        throw new FileNotFoundException("LayerGen.Generators.dll not found above " + AppContext.BaseDirectory + "; build src/Generators or set LAYERGEN_GENERATORS_DLL.");
    }

    private sealed class Loader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath) { }

        public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
    }
}
