using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using LayerGen.Analyzers.CodeFixes;
using LayerGen.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace LayerGen.Analyzers.Tests;

/// <summary>
/// The LG0001 fix applied by the code-fix service's own machinery (an ad hoc workspace), then the layer
/// before and after compiled with the generators, loaded and run: same weights, same outputs, and the
/// fixed layer now builds from its input shape.
/// </summary>
public class BehaviourTests
{
    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Latest);

    [Fact]
    public async Task MyDense_fixed_gives_the_same_results_and_builds_from_the_input_shape()
    {
        string original = TestSetup.Usings + "namespace Walkthrough;\n" + WalkthroughTests.MyDense
            .Replace("{|LG0001:", "").Replace(")|}", ")");
        string fixedSource = await ApplyFixAsync(original, actionIndex: 1);
        Assert.Contains("protected void Build(Shape inputShape)", fixedSource);
        Assert.Contains("public MyDense(int outFeatures)", fixedSource);

        var input = Tensor.From(new[,] { { 2f, 2f, 2f }, { 3f, 3f, 3f } });
        float[] before = Run(original, [3, 2], input);
        float[] after = Run(fixedSource, [2], input);
        Assert.Equal(before, after);

        // built from the input: another input width works before the first call
        var wide = Tensor.From(new[,] { { 1f, 2f, 3f, 4f } });
        Assert.Equal(2, Run(fixedSource, [2], wide).Length);
    }

    [Fact]
    public async Task MyDense_plain_fix_keeps_the_constructor_and_the_results()
    {
        string original = TestSetup.Usings + "namespace Walkthrough;\n" + WalkthroughTests.MyDense
            .Replace("{|LG0001:", "").Replace(")|}", ")");
        string fixedSource = await ApplyFixAsync(original, actionIndex: 0, all: true);
        Assert.Contains("public MyDense(int inFeatures, int outFeatures)", fixedSource);
        var input = Tensor.From(new[,] { { 2f, 2f, 2f } });
        Assert.Equal(Run(original, [3, 2], input), Run(fixedSource, [3, 2], input));
    }

    /// <summary>Applies the code action at <paramref name="actionIndex"/> for the first LG0001 (all of them, one by one, when <paramref name="all"/>).</summary>
    private static async Task<string> ApplyFixAsync(string source, int actionIndex, bool all = false)
    {
        using var workspace = new AdhocWorkspace();
        var project = workspace.AddProject(ProjectInfo.Create(ProjectId.CreateNewId(), VersionStamp.Default, "Walkthrough", "Walkthrough", LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
            parseOptions: Parse, metadataReferences: TestSetup.References,
            analyzerReferences: [GeneratorReference()]));
        var document = workspace.AddDocument(project.Id, "MyDense.cs", SourceText.From(source));
        for (int round = 0; round < 10; round++)
        {
            var compilation = (await document.Project.GetCompilationAsync())!;
            var diagnostics = (await compilation.WithAnalyzers([new VariableCreationAnalyzer()]).GetAnalyzerDiagnosticsAsync())
                .Where(d => d.Id == "LG0001").OrderBy(d => d.Location.SourceSpan.Start).ToList();
            if (diagnostics.Count == 0)
                break;
            var actions = new List<CodeAction>();
            var context = new CodeFixContext(document, diagnostics[0], (a, _) => actions.Add(a), CancellationToken.None);
            await new MoveToBuildCodeFix().RegisterCodeFixesAsync(context);
            var operations = await actions[Math.Min(actionIndex, actions.Count - 1)].GetOperationsAsync(CancellationToken.None);
            var solution = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
            document = solution.GetDocument(document.Id)!;
            if (!all && actionIndex == 1)
                break; // the whole layer at once
        }
        return (await document.GetTextAsync()).ToString();
    }

    /// <summary>The generators' DLL as a build passes it, loaded once (it is already in this process).</summary>
    private sealed class Loader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath) { }
        public Assembly LoadFromPath(string fullPath)
            => AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => !a.IsDynamic && a.Location == fullPath) ?? Assembly.LoadFrom(fullPath);
    }

    internal static AnalyzerFileReference GeneratorReference() => new(typeof(LayerGenerator).Assembly.Location, new Loader());

    /// <summary>Compiles <paramref name="source"/> with the generators, creates MyDense, calls it once with a fixed seed.</summary>
    private static float[] Run(string source, object[] constructorArguments, Tensor input)
    {
        var compilation = CSharpCompilation.Create("Walkthrough" + Guid.NewGuid().ToString("N"),
            [CSharpSyntaxTree.ParseText(source, Parse)], TestSetup.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
                .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic> { ["CS1701"] = ReportDiagnostic.Suppress, ["CS1702"] = ReportDiagnostic.Suppress }));
        CSharpGeneratorDriver.Create([new LayerGenerator().AsSourceGenerator(), new ModuleGenerator().AsSourceGenerator()], parseOptions: Parse)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        using var stream = new MemoryStream();
        var emit = output.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        var context = new AssemblyLoadContext("walkthrough", isCollectible: true);
        try
        {
            stream.Position = 0;
            var assembly = context.LoadFromStream(stream);
            var type = assembly.GetType("Walkthrough.MyDense")!;
            RandomGenerator.SetGlobalSeed(1234);
            Keras.ClearSession();
            object layer = Activator.CreateInstance(type, constructorArguments)!;
            var invoke = type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
                .Single(m => m.Name == "Invoke" && m.GetParameters() is [{ ParameterType: var p }] && p == typeof(Tensor));
            return ((Tensor)invoke.Invoke(layer, [input])!).ToFloatArray();
        }
        finally
        {
            context.Unload();
        }
    }
}
