using Microsoft.CodeAnalysis;

namespace LayerGen.Generators.Tests;

/// <summary>
/// Generated code compiles whatever the user's class gets wrong (issue 21, item 6): an error located in a
/// generated file (CS0534 for a layer without <c>Call</c>) stops the build before the analyzers run, so the
/// LG diagnostic that explains the mistake would never be seen. Each case is valid C# by itself, so the
/// compilation with the generated parts must have no error at all.
/// </summary>
public class UserMistakeTests
{
    public static TheoryData<string, string> Mistakes() => new()
    {
        { "no Call", "[Layer] public partial class L { }" },
        { "no Call, a Build", "[Layer] public partial class L { protected void Build(Shape inputShape) { } }" },
        { "Call returning int", "[Layer] public partial class L { protected int Call(Tensor x) => 0; }" },
        { "Call returning void", "[Layer] public partial class L { protected void Call(Tensor x) { } }" },
        { "ref parameter", "[Layer] public partial class L { protected Tensor Call(ref Tensor x) => x; }" },
        { "params parameter", "[Layer] public partial class L { protected Tensor Call(params Tensor[] xs) => xs[0]; }" },
        { "generic Call", "[Layer] public partial class L { protected Tensor Call<T>(Tensor x) => x; }" },
        { "static Call", "[Layer] public partial class L { protected static Tensor Call(Tensor x) => x; }" },
        { "several Calls", "[Layer] public partial class L { protected Tensor Call(Tensor x) => x; protected Tensor Call(Tensor x, Tensor y) => x + y; }" },
        { "Build not matching", "[Layer] public partial class L { protected void Build(Shape a, Shape b) { } protected Tensor Call(Tensor x) => x; }" },
        { "Build with a wrong type", "[Layer] public partial class L { protected void Build(int units) { } protected Tensor Call(Tensor x) => x; }" },
        { "argument not kept", "[Layer] public partial class L { public L(int units) { } protected Tensor Call(Tensor x) => x; }" },
        { "argument not configurable", "[Layer] public partial class L { public L(Func<int> f) => F = f; public Func<int> F { get; } protected Tensor Call(Tensor x) => x; }" },
        { "argument not kept, no Call", "[Layer] public partial class L { public L(int units, float rate) { } }" },
        { "several constructors", "[Layer] public partial class L { public L() { } public L(int units) { } protected Tensor Call(Tensor x) => x; }" },
        { "abstract base without Call, derived without Call", "[Layer] public abstract partial class B { } [Layer] public partial class L : B { }" },
        { "base without Call, derived without Call", "[Layer] public partial class B { } [Layer] public partial class L : B { }" },
        { "base with a private Call, derived without Call", "[Layer] public partial class B { private Tensor Call(Tensor x) => x; } [Layer] public partial class L : B { }" },
        { "model without Call", "[Layer] public partial class L : Model { }" },
        { "non-partial containing type", "public class Outer { [Layer] public partial class L { protected Tensor Call(Tensor x) => x; } }" },
        { "non-partial containing type, no Call", "public class Outer { [Layer] public partial class L { } }" },
        { "record", "[Layer] public partial record L { }" },
        { "static class", "[Layer] public static partial class L { }" },
        { "base that is not a layer", "public class NotALayer { } [Layer] public partial class L : NotALayer { }" },
        { "Layer and Module", "[Layer, Module] public partial class L { }" },
        { "Module without anything", "[Module] public partial class M { }" },
        { "a private option type on Call", "[Layer] public partial class L { private enum Mode { A, B } private Tensor Call(Tensor x, Mode mode = Mode.A) => x; }" },
        { "an internal option type on Call", "internal sealed class Options { } [Layer] public partial class L { internal Tensor Call(Tensor x, Options? options = null) => x; }" },
        { "a protected option type on Call", "[Layer] public partial class L { protected sealed class Options { } protected Tensor Call(Tensor x, List<Options>? options = null) => x; }" },
        { "an Invoke with other parameters", "[Layer] public partial class L { public Tensor Invoke(Tensor a, Tensor b) => a + b; protected Tensor Call(Tensor x) => x; }" },
        { "an Invoke with the same parameters", "[Layer] public partial class L { public Tensor Invoke(Tensor x) => Call(x); protected Tensor Call(Tensor x) => x; }" },
        { "KerasSerializable argument not kept", "[KerasSerializable] public sealed partial class ClipTo(double limit) : Constraint { public override Tensor Apply(Tensor w) => Ops.Clip(w, -limit, limit); }" },
        { "KerasSerializable argument not kept, GetConfig written", "[KerasSerializable] public sealed partial class ClipTo(double limit) : Constraint { public override Tensor Apply(Tensor w) => Ops.Clip(w, -limit, limit); public override System.Text.Json.Nodes.JsonObject GetConfig() => []; }" },
    };

    /// <summary>Runs every generator a build runs (layers, modules, Keras objects).</summary>
    private static (GeneratorDriverRunResult Result, Compilation Output) Generate(string source)
    {
        var driver = GeneratorHarness.CreateDriver([new LayerGenerator(), new ModuleGenerator(), new KerasObjectGenerator()]);
        var (result, output, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(source), driver);
        foreach (var generator in result.Results)
            Assert.Null(generator.Exception);
        return (result, output);
    }

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void Generated_code_compiles_whatever_the_class_lacks(string mistake, string source)
    {
        // Every case is valid C# on its own: any error comes from the generated part (in its file, or CS0534 on the class).
        var (_, output) = Generate("using System;\nusing System.Collections.Generic;\nusing LayerGen;\nnamespace MyApp;\n" + source);
        var inGenerated = output.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => d.ToString())
            .ToList();
        Assert.True(inGenerated.Count == 0, mistake + ":\n" + string.Join("\n", inGenerated));
    }

    [Fact]
    public void A_layer_without_Call_compiles_and_replaying_it_throws()
    {
        var (result, output) = LayerSnapshotTests.Generate(["using LayerGen;\nnamespace MyApp;\n[Layer] public partial class L { }"]);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        string text = string.Join("\n", result.GeneratedTrees.Select(t => t.ToString()));
        Assert.Contains("override global::LayerGen.Tensors.Tensor[] InvokeRecorded(", text, StringComparison.Ordinal);
        Assert.Contains("L has no usable Call method (LG0005)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_layer_inheriting_InvokeRecorded_gets_no_stub()
    {
        var (result, output) = LayerSnapshotTests.Generate(["""
            using LayerGen;
            namespace MyApp;
            [Layer] public partial class B { private Tensor Call(Tensor x) => x; }
            [Layer] public partial class L : B { }
            """]);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var derived = result.GeneratedTrees.Single(t => t.FilePath.EndsWith("MyApp.L.Layer.g.cs", StringComparison.Ordinal)).ToString();
        Assert.DoesNotContain("InvokeRecorded", derived, StringComparison.Ordinal);
    }
}
