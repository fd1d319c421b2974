using System.Collections;
using System.Reflection;
using LayerGen.Generators.Emitting;
using LayerGen.Generators.Models;
using LayerGen.SourceGeneration;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LayerGen.Generators.Tests;

/// <summary>The [Layer] generator's emitter from hand-built models, its incrementality and its models' purity.</summary>
public class LayerGeneratorTests
{
    // ------------------------------------------------------------------ emitter

    private static LayerModel Model(bool insideLayerGen = false, string key = "units") => new(
        new HierarchyInfo("LayerGen.Layers", EquatableArray<ContainingTypeInfo>.Empty, "LayerGen.Layers.Tiny"),
        "Tiny",
        "global::LayerGen.Layers.Tiny",
        "Tiny",
        "tiny",
        "keras.layers>Tiny",
        SupplyBase: true,
        EmitDefaultName: true,
        EmitRegisteredName: true,
        EmitVisitMembers: true,
        insideLayerGen,
        new[] { new TrackedMember("this.w", "w", TrackedType.Variable) }.ToEquatableArray(),
        new CallInfo(
            new[] { new CallParameter(CallParameterKind.Tensor, "x", "global::LayerGen.Tensors.Tensor", null, "x_shape") }.ToEquatableArray(),
            ReturnsArray: false, TrainingDefault: false, HasBuild: false, InvokeIsNew: false, EmitInvoke: true, EmitInvokeRecorded: true),
        new ConfigInfo(
            new[] { new ConfigParameter("units", key, "this.units", ConfigValueKind.Int32, ConfigContainer.None, false, "", null) }.ToEquatableArray(),
            EmitGetConfig: true, EmitFromConfig: true, FromConfigIsNew: false, EmitRegistration: true));

    [Fact]
    public void InsideLayerGenOverridesAreProtectedInternal()
    {
        // a base in source keeps InvokeRecorded generated (it may override it)
        string inside = LayerEmitter.Emit(Model(insideLayerGen: true) with { BaseMayOverrideInvokeRecorded = true });
        Assert.Contains("protected internal override void VisitMembers(", inside, StringComparison.Ordinal);
        Assert.Contains("protected internal override global::LayerGen.Tensors.Tensor[] InvokeRecorded(", inside, StringComparison.Ordinal);
        Assert.Contains("protected override string DefaultName", inside, StringComparison.Ordinal);

        string outside = LayerEmitter.Emit(Model(insideLayerGen: false) with { BaseMayOverrideInvokeRecorded = true });
        Assert.DoesNotContain("protected internal", outside, StringComparison.Ordinal);
        Assert.Contains("protected override void VisitMembers(", outside, StringComparison.Ordinal);
        Assert.Contains("protected override global::LayerGen.Tensors.Tensor[] InvokeRecorded(", outside, StringComparison.Ordinal);
    }

    [Fact]
    public void TheRuntimeReplaysRecordedCallsOfListedClassesWhoseCallItCanDescribe()
    {
        // In the registration list, Call takes a tensor: no InvokeRecorded, the list line carries the signature.
        Assert.True(Model().RuntimeReplays);
        Assert.DoesNotContain("InvokeRecorded", LayerEmitter.Emit(Model()), StringComparison.Ordinal);
        Assert.Equal("Tensors: 1", Model().CallSignature);

        var call = Model().Call!;
        CallParameter Parameter(CallParameterKind kind, string name, string type, string? value = null, string key = "")
            => new(kind, name, type, value, key);
        const string T = "global::LayerGen.Tensors.Tensor";
        LayerModel With(bool trainingDefault, params CallParameter[] parameters)
            => Model() with { Call = call with { Parameters = parameters.ToEquatableArray(), TrainingDefault = trainingDefault } };

        var several = With(false, Parameter(CallParameterKind.Tensor, "a", T, key: "a_shape"), Parameter(CallParameterKind.Tensor, "b", T, key: "b_shape"),
            Parameter(CallParameterKind.Mask, "mask", T + "?", "null"), Parameter(CallParameterKind.Training, "training", "bool?", "null"));
        Assert.Equal("Tensors: 2, Mask: true, Training: true, ShapeKeys: [\"a_shape\", \"b_shape\"]", several.CallSignature);
        string text = LayerEmitter.Emit(several);
        Assert.DoesNotContain("InvokeRecorded", text, StringComparison.Ordinal);
        Assert.DoesNotContain("BuildConfigFor", text, StringComparison.Ordinal); // the runtime writes the shapes_dict

        var list = With(true, Parameter(CallParameterKind.TensorList, "inputs", T + "[]"), Parameter(CallParameterKind.Training, "training", "bool?", "null"));
        Assert.Equal("Tensors: 1, List: true, Training: true, TrainingDefault: true", list.CallSignature);

        // Not described: other arguments, a hand-written Invoke, a base that may override, a class outside the list.
        var other = With(false, Parameter(CallParameterKind.Tensor, "x", T, key: "x_shape"), Parameter(CallParameterKind.Other, "k", "int", "1", "k"));
        var handInvoke = Model() with { Call = call with { EmitInvoke = false } };
        var belowBase = Model() with { BaseMayOverrideInvokeRecorded = true };
        var unlisted = Model() with { Config = Model().Config! with { EmitRegistration = false } };
        var severalBelowBase = several with { BaseMayOverrideInvokeRecorded = true };
        foreach (var model in new[] { other, handInvoke, belowBase, unlisted, severalBelowBase })
        {
            Assert.False(model.RuntimeReplays);
            Assert.Null(model.CallSignature);
            Assert.Contains("override global::LayerGen.Tensors.Tensor[] InvokeRecorded(", LayerEmitter.Emit(model), StringComparison.Ordinal);
        }
        Assert.Contains("BuildConfigFor", LayerEmitter.Emit(severalBelowBase), StringComparison.Ordinal);
        Assert.Null(LayerRegistrationEmitter.Entry(belowBase)!.CallSignature);
        Assert.DoesNotContain(", new(", LayerRegistrationEmitter.Emit(new[] { LayerRegistrationEmitter.Entry(belowBase)! }.ToEquatableArray()), StringComparison.Ordinal);
    }

    [Fact]
    public void EmitsTheContractShapeFromAHandBuiltModel()
    {
        string text = LayerEmitter.Emit(Model());
        Assert.StartsWith("// <auto-generated/>\n#nullable enable\n", text, StringComparison.Ordinal);
        Assert.Contains("partial class Tiny : global::LayerGen.Layers.Layer", text, StringComparison.Ordinal);
        Assert.Contains("public override string RegisteredName => \"keras.layers>Tiny\";", text, StringComparison.Ordinal);
        Assert.Contains("=> this.InvokeLayer(new global::LayerGen.Layers.CallArguments([x]), trainingDefault: null)[0];", text, StringComparison.Ordinal);
        Assert.DoesNotContain("BuildLayer", text, StringComparison.Ordinal); // the model has no Build
        Assert.Contains("protected override global::LayerGen.Tensors.Tensor[] CallLayer(global::LayerGen.Layers.CallArguments arguments, bool training)\n        => [this.Call(arguments.Tensors[0])];", text, StringComparison.Ordinal);
        Assert.DoesNotContain("BuildConfigFor", text, StringComparison.Ordinal);
        Assert.DoesNotContain("InvokeRecorded", text, StringComparison.Ordinal); // the runtime replays with the registered signature
        Assert.Contains("=> global::LayerGen.Serialization.Config.With(base.GetConfig(), \"units\", global::LayerGen.Serialization.Config.Write(this.units));", text, StringComparison.Ordinal);
        Assert.Contains("=> global::LayerGen.Layers.Layer.WithBaseConfig(new Tiny(units: global::LayerGen.Serialization.Config.ReadInt32(config, \"units\", \"Tiny\")), config);", text, StringComparison.Ordinal);
        // Registered by the assembly's one initializer (LayerRegistrationEmitter), not by the class's part.
        Assert.DoesNotContain("ModuleInitializer", text, StringComparison.Ordinal);
        Assert.Equal("LayerGen.Layers.Tiny.Layer.g.cs", Model().HintName);
    }

    [Fact]
    public void TheAssemblyRegistersItsClassesFromOneInitializerAndAHandWrittenFromConfigFromItsOwn()
    {
        var entry = LayerRegistrationEmitter.Entry(Model());
        Assert.Equal(new LayerRegistration("keras.layers>Tiny", "global::LayerGen.Layers.Tiny", "Tensors: 1"), entry);
        string file = LayerRegistrationEmitter.Emit(new[] { entry!, new LayerRegistration("App>Other", "global::App.Outer.Other") }.ToEquatableArray());
        Assert.StartsWith("// <auto-generated/>\n#nullable enable\n", file, StringComparison.Ordinal);
        Assert.Contains("file static class LayerRegistrations", file, StringComparison.Ordinal);
        Assert.Contains("[global::System.Runtime.CompilerServices.ModuleInitializer]\n    internal static void Register()", file, StringComparison.Ordinal);
        Assert.Contains("        global::LayerGen.Layers.LayerRegistry.RegisterClass(\"keras.layers>Tiny\", global::LayerGen.Layers.Tiny.FromConfig, new(Tensors: 1));\n"
            + "        global::LayerGen.Layers.LayerRegistry.RegisterClass(\"App>Other\", global::App.Outer.Other.FromConfig);\n", file, StringComparison.Ordinal);

        // A FromConfig written by hand (it may be private) is registered from the class's own part.
        var handWritten = Model() with { Config = Model().Config! with { EmitFromConfig = false } };
        Assert.Null(LayerRegistrationEmitter.Entry(handWritten));
        string text = LayerEmitter.Emit(handWritten);
        Assert.Contains("#pragma warning disable CA2255 // registration is what module initializers are for\n", text, StringComparison.Ordinal);
        Assert.Contains("=> global::LayerGen.Layers.LayerRegistry.Register(\"keras.layers>Tiny\", static config => FromConfig(config));", text, StringComparison.Ordinal);
    }

    [Fact]
    public void EqualModelsAreEqualAndGiveEqualText()
    {
        Assert.Equal(Model(), Model());
        Assert.Equal(Model().GetHashCode(), Model().GetHashCode());
        Assert.NotEqual(Model(), Model(key: "out_features"));
        Assert.Equal(LayerEmitter.Emit(Model()), LayerEmitter.Emit(Model()));
    }

    // ------------------------------------------------------------------ incrementality

    private const string LayerSource = """
        using LayerGen;

        namespace MyApp;

        [Layer]
        public partial class FlexibleDense
        {
            readonly int outFeatures;
            Variable w = null!, b = null!;
            public FlexibleDense(int outFeatures) => this.outFeatures = outFeatures;

            protected void Build(Shape inputShape)
            {
                w = AddWeight("w", [inputShape[^1], outFeatures], Initializers.RandomNormal());
                b = AddWeight("b", [outFeatures], Initializers.Zeros());
            }
            protected Tensor Call(Tensor inputs) => Ops.MatMul(inputs, w) + b;
        }
        """;

    private const string OtherSource = """
        namespace MyApp;

        public static class Helpers
        {
            public static int Twice(int x) => x * 2;
        }
        """;

    private static readonly string[] TrackedSteps =
        [LayerGenerator.TrackingNames.Parse, LayerGenerator.TrackingNames.Models, LayerGenerator.TrackingNames.Registrations];

    private const string LayerHint = "MyApp.FlexibleDense.Layer.g.cs";

    private static GeneratorRunResult RunTwice(Func<Compilation, Compilation> edit)
    {
        var compilation = GeneratorHarness.CreateCompilation(LayerSource, OtherSource);
        var driver = GeneratorHarness.CreateDriver([new LayerGenerator()]).RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();
        // the class's part and the assembly's registration list
        Assert.Equal([LayerRegistrationEmitter.HintName, LayerHint], first.GeneratedSources.Select(s => s.HintName).Order(StringComparer.Ordinal));
        foreach (string step in TrackedSteps)
            Assert.True(first.TrackedSteps.ContainsKey(step), $"step {step} is not tracked");
        driver = driver.RunGenerators(edit(compilation));
        return driver.GetRunResult().Results.Single();
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
    {
        var reasons = new List<(string, IncrementalStepRunReason)>();
        foreach (var (name, steps) in result.TrackedSteps.Where(s => TrackedSteps.Contains(s.Key)))
            foreach (var step in steps)
                foreach (var (_, reason) in step.Outputs)
                    reasons.Add((name, reason));
        foreach (var (name, steps) in result.TrackedOutputSteps)
            foreach (var step in steps)
                foreach (var (_, reason) in step.Outputs)
                    reasons.Add((name, reason));
        return reasons;
    }

    private static void AssertAllCached(GeneratorRunResult result)
    {
        var reasons = Reasons(result);
        Assert.NotEmpty(reasons);
        foreach (var (step, reason) in reasons)
            Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"step {step} was {reason}");
    }

    private static void AssertModified(GeneratorRunResult result, string expectedText)
    {
        var reasons = Reasons(result);
        Assert.Contains((LayerGenerator.TrackingNames.Parse, IncrementalStepRunReason.Modified), reasons);
        Assert.Contains((LayerGenerator.TrackingNames.Models, IncrementalStepRunReason.Modified), reasons);
        Assert.Contains(expectedText, result.GeneratedSources.Single(s => s.HintName == LayerHint).SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EditingTheCallBodyKeepsEveryStepCached()
        => AssertAllCached(RunTwice(c => ReplaceTree(c, 0, s => s.Replace("Ops.MatMul(inputs, w) + b;", "Ops.MatMul(inputs, w) + b + b;", StringComparison.Ordinal))));

    [Fact]
    public void EditingTheBuildBodyKeepsEveryStepCached()
        => AssertAllCached(RunTwice(c => ReplaceTree(c, 0, s => s.Replace("Initializers.Zeros()", "Initializers.Ones()", StringComparison.Ordinal))));

    [Fact]
    public void EditingTheConstructorBodyKeepsEveryStepCached()
        => AssertAllCached(RunTwice(c => ReplaceTree(c, 0, s => s.Replace("=> this.outFeatures = outFeatures;", "=> this.outFeatures = outFeatures * 1;", StringComparison.Ordinal))));

    [Fact]
    public void AddingACommentKeepsEveryStepCached()
        => AssertAllCached(RunTwice(c => ReplaceTree(c, 0, s => s.Replace("protected Tensor Call", "// a comment\n    protected Tensor Call", StringComparison.Ordinal))));

    [Fact]
    public void EditingAnUnrelatedFileKeepsEveryStepCached()
        => AssertAllCached(RunTwice(c => ReplaceTree(c, 1, s => s.Replace("x * 2", "x + x", StringComparison.Ordinal))));

    [Fact]
    public void AddingAnUnrelatedFileKeepsEveryStepCached()
        => AssertAllCached(RunTwice(c => c.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace MyApp; public class Extra { }", GeneratorHarness.ParseOptions))));

    [Fact]
    public void ChangingAConstructorParameterModifiesTheModel()
        => AssertModified(
            RunTwice(c => ReplaceTree(c, 0, s => s.Replace("public FlexibleDense(int outFeatures)", "public FlexibleDense(int outFeatures = 4)", StringComparison.Ordinal))),
            "global::LayerGen.Serialization.Config.ReadInt32(config, \"out_features\", \"FlexibleDense\", 4)");

    [Fact]
    public void RenamingAConstructorParameterModifiesTheModel()
        => AssertModified(
            RunTwice(c => ReplaceTree(c, 0, s => s
                .Replace("public FlexibleDense(int outFeatures) => this.outFeatures = outFeatures;", "public FlexibleDense(int out_features) => this.outFeatures = out_features;", StringComparison.Ordinal))),
            "out_features: global::LayerGen.Serialization.Config.ReadInt32(");

    [Fact]
    public void ChangingTheCallSignatureModifiesTheModel()
        => AssertModified(
            RunTwice(c => ReplaceTree(c, 0, s => s.Replace("protected Tensor Call(Tensor inputs)", "protected Tensor Call(Tensor inputs, bool training = false)", StringComparison.Ordinal))),
            "public global::LayerGen.Tensors.Tensor Invoke(global::LayerGen.Tensors.Tensor inputs, bool? training = null)");

    // ------------------------------------------------------------------ purity

    private static readonly Type[] Forbidden = [typeof(ISymbol), typeof(SyntaxNode), typeof(Location), typeof(SemanticModel), typeof(Compilation), typeof(SyntaxTree), typeof(SyntaxToken)];

    [Fact]
    public void ParsedModelsHoldOnlyPlainValues()
    {
        var compilation = GeneratorHarness.CreateCompilation("""
            using System.Collections.Generic;
            using LayerGen;

            namespace MyApp;

            public enum Mode { Fast, Slow }

            public partial class Outer
            {
                [Layer(Package = "pkg")]
                public partial class Everything
                {
                    readonly int units;
                    readonly Mode mode;
                    readonly List<float> rates;
                    readonly Shape? shape;
                    readonly ActivationFunction? activation;
                    readonly Everything? inner;
                    [TrackAs("kernel")] Variable w = null!;
                    public List<Everything> Children { get; } = [];
                    public Everything(int units, Mode mode = Mode.Slow, List<float>? rates = null, Shape? shape = null, ActivationFunction? activation = null, Everything? inner = null)
                    {
                        this.units = units; this.mode = mode; this.rates = rates ?? []; this.shape = shape; this.activation = activation; this.inner = inner;
                    }
                    protected void Build(Shape aShape, Shape bShape) => w = AddWeight("w", [aShape[^1], bShape[^1]]);
                    protected Tensor[] Call(Tensor a, Tensor b, bool training = false, Tensor? mask = null, int k = 2) => [a, b];
                }
            }
            """);
        var driver = GeneratorHarness.CreateDriver([new LayerGenerator()]).RunGenerators(compilation);
        var result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);

        var outputs = result.TrackedSteps[LayerGenerator.TrackingNames.Parse]
            .SelectMany(step => step.Outputs)
            .Select(output => output.Value)
            .ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.IsType<LayerModel>(o));
        var model = (LayerModel)outputs[0];
        Assert.NotNull(model.Call);
        Assert.NotNull(model.Config);

        int visited = 0;
        foreach (var output in outputs)
            Walk(output, "model", new HashSet<object>(ReferenceEqualityComparer.Instance), ref visited);
        Assert.True(visited > 40, $"walked only {visited} values");
    }

    private static void Walk(object? value, string path, HashSet<object> seen, ref int visited)
    {
        if (value is null) return;
        var type = value.GetType();
        visited++;
        foreach (var forbidden in Forbidden)
            Assert.False(forbidden.IsAssignableFrom(type), $"{path} is a {type.FullName}, which is a {forbidden.Name}");
        if (type.IsPrimitive || type.IsEnum || value is string) return;
        Assert.True(type.Namespace?.StartsWith("LayerGen", StringComparison.Ordinal) == true,
            $"{path} is a {type.FullName}: models hold only LayerGen records, strings, bools and enums");
        if (!type.IsValueType && !seen.Add(value)) return;

        if (value is IEnumerable sequence)
        {
            int i = 0;
            foreach (var item in sequence) Walk(item, $"{path}[{i++}]", seen, ref visited);
            return;
        }
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0) continue;
            if (property.Name == "EqualityContract") continue;
            Walk(property.GetValue(value), $"{path}.{property.Name}", seen, ref visited);
        }
        foreach (var field in type.GetFields(BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Instance))
        {
            if (field.FieldType.IsArray) continue;
            Walk(field.GetValue(value), $"{path}.{field.Name}", seen, ref visited);
        }
    }
}
