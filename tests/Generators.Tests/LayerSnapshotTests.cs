using LayerGen.Generators.Emitting;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace LayerGen.Generators.Tests;

/// <summary>
/// The <c>[Layer]</c> generator's text for each kind of input (docs/design/layer-contract.md), compared with
/// <c>Snapshots/Layer*</c>; every output must compile with no warnings against LayerGen.dll.
/// </summary>
public class LayerSnapshotTests
{
    internal static (GeneratorDriverRunResult Result, Compilation Output) Generate(string[] sources, IEnumerable<MetadataReference>? references = null, string assemblyName = "TestProject")
    {
        var compilation = GeneratorHarness.CreateCompilation(sources, assemblyName, references);
        var (result, output, _) = GeneratorHarness.Run(compilation, GeneratorHarness.CreateLayerDriver());
        foreach (var generator in result.Results)
            Assert.Null(generator.Exception);
        return (result, output);
    }

    private static void Verify(string[] sources, IEnumerable<MetadataReference>? references = null, [CallerMemberName] string name = "")
    {
        var (result, output) = Generate(sources, references);
        Assert.Empty(GeneratorHarness.Problems(output));
        var layerFiles = result.Results
            .SelectMany(r => r.GeneratedSources)
            .Where(s => s.HintName.EndsWith(".Layer.g.cs", StringComparison.Ordinal) || s.HintName == LayerRegistrationEmitter.HintName)
            .Select(s => (s.HintName, s.SourceText.ToString()))
            .ToList();
        Assert.NotEmpty(layerFiles);
        Snapshot.Match("Layer" + name, layerFiles);
    }

    [Fact]
    public void FlexibleDense() => Verify(["""
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
        """]);

    [Fact]
    public void TrainingMaskAndOtherArguments() => Verify(["""
        using LayerGen;

        namespace MyApp;

        public enum Mode { Fast, VerySlow }

        [Layer]
        public partial class Noisy
        {
            public Noisy() { }
            protected Tensor Call(Tensor inputs, int k, bool training = false, Tensor? mask = null, string mode = "a", float scale = 0.5f, Mode how = Mode.VerySlow, double? cap = null)
                => training && mask is null ? inputs * scale : inputs;
        }

        [Layer]
        public partial class TrainingFirst
        {
            protected Tensor Call(Tensor x, bool training = true) => x;
        }

        [Layer]
        public partial class MaskOnly
        {
            protected Tensor Call(Tensor x, Tensor? mask = null) => mask is null ? x : x * mask;
        }
        """]);

    [Fact]
    public void SeveralTensorInputs() => Verify(["""
        using LayerGen;

        namespace MyApp;

        [Layer]
        public partial class Bilinear
        {
            Variable w = null!;
            protected void Build(Shape aShape, Shape bShape) => w = AddWeight("w", [aShape[^1], bShape[^1]]);
            protected Tensor Call(Tensor a, Tensor b) => Ops.MatMul(Ops.MatMul(a, w), Ops.Transpose(b));
        }

        [Layer]
        public partial class AddNoBuild
        {
            protected Tensor Call(Tensor left, Tensor right) => left + right;
        }
        """]);

    [Fact]
    public void TensorListInput() => Verify(["""
        using System.Collections.Generic;
        using LayerGen;

        namespace MyApp;

        [Layer]
        public partial class WeightedSum
        {
            Variable w = null!;
            protected void Build(Shape[] inputShape) => w = AddWeight("w", [inputShape.Length]);
            protected Tensor Call(Tensor[] inputs, bool training = false)
            {
                var total = inputs[0];
                for (int i = 1; i < inputs.Length; i++) total = total + inputs[i];
                return total;
            }
        }

        [Layer]
        public partial class SumList
        {
            protected void Build(IReadOnlyList<Shape> inputShape) { }
            protected Tensor Call(IReadOnlyList<Tensor> inputs, float scale = 1f) => inputs[0] * scale;
        }
        """]);

    [Fact]
    public void TensorArrayReturn() => Verify(["""
        using LayerGen;

        namespace MyApp;

        [Layer]
        public partial class Split
        {
            readonly int parts;
            public Split(int parts = 2) => this.parts = parts;
            protected Tensor[] Call(Tensor x)
            {
                var result = new Tensor[parts];
                for (int i = 0; i < parts; i++) result[i] = x;
                return result;
            }
        }
        """]);

    [Fact]
    public void NoBuild() => Verify(["""
        using LayerGen;

        namespace MyApp;

        [Layer]
        public partial class Scale
        {
            public float Factor { get; }
            public Scale(float factor = 2f) => Factor = factor;
            protected Tensor Call(Tensor x) => x * Factor;
        }
        """]);

    [Fact]
    public void ModelSubclass() => Verify(["""
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

        [Layer]
        public partial class MySequentialModel : Model
        {
            readonly FlexibleDense dense1 = new(3), dense2 = new(2);
            protected Tensor Call(Tensor x) => dense2.Invoke(dense1.Invoke(x));
        }

        [Layer]
        public partial class TrainingModel : Model
        {
            readonly FlexibleDense dense = new(3);
            protected Tensor Call(Tensor x, bool training = false) => training ? dense.Invoke(x) : x;
        }
        """]);

    [Fact]
    public void EveryConfigKind() => Verify(["""
        using System.Collections.Generic;
        using LayerGen;

        namespace MyApp;

        public enum Padding { Valid, SamePadding }

        [Layer]
        public partial class Inner
        {
            public int Units { get; }
            public Inner(int units) => Units = units;
            protected Tensor Call(Tensor x) => x;
        }

        [Layer]
        public partial class Everything
        {
            readonly int count;
            readonly long big;
            readonly float rate;
            readonly double epsilon;
            readonly bool useBias;
            readonly string label;
            readonly string? comment;
            readonly Padding padding;
            readonly Padding? maybePadding;
            readonly int? maybeCount;
            readonly Shape targetShape;
            readonly Shape? maybeShape;
            readonly int[] kernelSize;
            readonly List<float> weights;
            readonly IReadOnlyList<string> names;
            readonly List<Padding> paddings;
            readonly Shape[] shapes;
            readonly int[]? maybeSizes;
            readonly ActivationFunction? activation;
            readonly Initializer kernelInitializer;
            readonly Regularizer? kernelRegularizer;
            readonly Constraint? kernelConstraint;
            readonly Inner inner;
            readonly Layer? anyLayer;
            readonly List<Inner> inners;
            readonly DType computeType;

            public Everything(
                int count, long big, float rate, double epsilon, bool useBias, string label, string? comment,
                Padding padding, Padding? maybePadding, int? maybeCount, Shape targetShape, Shape? maybeShape,
                int[] kernelSize, List<float> weights, IReadOnlyList<string> names, List<Padding> paddings, Shape[] shapes,
                int[]? maybeSizes, ActivationFunction? activation, Initializer kernelInitializer, Regularizer? kernelRegularizer,
                Constraint? kernelConstraint, Inner inner, Layer? anyLayer, List<Inner> inners, DType computeType)
            {
                this.count = count; this.big = big; this.rate = rate; this.epsilon = epsilon; this.useBias = useBias;
                this.label = label; this.comment = comment; this.padding = padding; this.maybePadding = maybePadding;
                this.maybeCount = maybeCount; this.targetShape = targetShape; this.maybeShape = maybeShape;
                this.kernelSize = kernelSize; this.weights = weights; this.names = names; this.paddings = paddings;
                this.shapes = shapes; this.maybeSizes = maybeSizes; this.activation = activation;
                this.kernelInitializer = kernelInitializer; this.kernelRegularizer = kernelRegularizer;
                this.kernelConstraint = kernelConstraint; this.inner = inner; this.anyLayer = anyLayer; this.inners = inners;
                this.computeType = computeType;
            }

            protected Tensor Call(Tensor x) => inner.Invoke(x);
        }

        [Layer]
        public partial class Defaults
        {
            readonly int _units;
            readonly float m_rate;
            public bool UseBias { get; }
            public string Label { get; }
            public string? Comment { get; }
            public Padding Padding { get; }
            public int? MaybeCount { get; }
            public Shape? TargetShape { get; }
            public double Epsilon { get; }
            public long Big { get; }
            public ActivationFunction? Activation { get; }

            public Defaults(int units = 8, float rate = 0.1f, bool useBias = true, string label = "dense", string? comment = null,
                Padding padding = Padding.SamePadding, int? maybeCount = 3, Shape? targetShape = null, double epsilon = 1e-7,
                long big = -5, ActivationFunction? activation = null, Regularizer? activityRegularizer = null,
                System.Text.Json.Nodes.JsonObject? extraConfig = null, System.Text.Json.Nodes.JsonNode? anything = null)
            {
                _units = units; m_rate = rate; UseBias = useBias; Label = label; Comment = comment; Padding = padding;
                MaybeCount = maybeCount; TargetShape = targetShape; Epsilon = epsilon; Big = big; Activation = activation;
                ActivityRegularizer = activityRegularizer; ExtraConfig = extraConfig; Anything = anything;
            }

            public System.Text.Json.Nodes.JsonObject? ExtraConfig { get; }
            public System.Text.Json.Nodes.JsonNode? Anything { get; }

            protected Tensor Call(Tensor x) => x * m_rate + _units;
        }
        """]);

    /// <summary>No usable Call: the generated part implements InvokeRecorded with one that throws (issue 21, item 6).</summary>
    [Fact]
    public void NoCall() => Verify(["""
        using LayerGen;

        namespace MyApp;

        [Layer]
        public partial class Unfinished
        {
            public Unfinished(int units) => Units = units;
            public int Units { get; }
        }
        """]);

    [Fact]
    public void ParameterNotKept() => Verify(["""
        using LayerGen;

        namespace MyApp;

        [Layer]
        public partial class Forgetful
        {
            readonly int units;
            public Forgetful(int units, float dropped) => this.units = units + (int)dropped;
            protected Tensor Call(Tensor x) => x * units;
        }

        [Layer]
        public partial class WrongType
        {
            readonly string units;
            public WrongType(int units) => this.units = units.ToString(System.Globalization.CultureInfo.InvariantCulture);
            protected Tensor Call(Tensor x) => units.Length > 0 ? x : x;
        }

        public sealed class Opaque { }

        [Layer]
        public partial class NotConfigurable
        {
            readonly Opaque opaque;
            public NotConfigurable(Opaque opaque) => this.opaque = opaque;
            protected Tensor Call(Tensor x) => opaque is null ? x : x;
        }
        """]);

    [Fact]
    public void ConfigConstructor() => Verify(["""
        using LayerGen;

        namespace MyApp;

        [Layer]
        public partial class Chosen
        {
            readonly int units;
            public Chosen() : this(4) { }
            [ConfigConstructor]
            public Chosen(int units) => this.units = units;
            protected Tensor Call(Tensor x) => x * units;
        }

        [Layer]
        public partial class Ambiguous
        {
            readonly int units;
            public Ambiguous() : this(4) { }
            public Ambiguous(int units) => this.units = units;
            protected Tensor Call(Tensor x) => x * units;
        }

        [Layer]
        public partial class PrivateChosen
        {
            readonly int units;
            public PrivateChosen() : this(4) { }
            public PrivateChosen(string units) : this(units.Length) { }
            [ConfigConstructor]
            private PrivateChosen(int units) => this.units = units;
            protected Tensor Call(Tensor x) => x * units;
        }
        """]);

    [Fact]
    public void GenericAndNested() => Verify(["""
        using LayerGen;

        namespace MyApp;

        [Layer]
        public partial class Residual<TInner> where TInner : Layer
        {
            readonly double scale;
            public TInner? Inner { get; set; }
            public Residual(double scale) => this.scale = scale;
            protected Tensor Call(Tensor x) => x * scale;
        }

        public static partial class Blocks
        {
            [Layer]
            public partial class Identity
            {
                protected Tensor Call(Tensor x) => x;
            }

            private partial class Hidden
            {
                [Layer]
                internal partial class Deep
                {
                    readonly int depth;
                    public Deep(int depth) => this.depth = depth;
                    protected Tensor Call(Tensor @in) => @in * depth;
                }
            }
        }
        """]);

    [Fact]
    public void LayerDerivingFromLayer() => Verify(["""
        using LayerGen;

        namespace MyApp;

        [Layer]
        public partial class BaseDense
        {
            protected readonly int units;
            protected Variable w = null!;
            public BaseDense(int units) => this.units = units;
            protected void Build(Shape inputShape) => w = AddWeight("w", [inputShape[^1], units]);
            protected Tensor Call(Tensor x) => Ops.MatMul(x, w);
        }

        [Layer]
        public sealed partial class ReluDense : BaseDense
        {
            public bool Leaky { get; }
            public ReluDense(int units, bool leaky = false) : base(units) => Leaky = leaky;
            private new Tensor Call(Tensor x) => Ops.Relu(base.Call(x));
        }

        [Layer(Package = "my_package")]
        public sealed partial class Packaged : BaseDense
        {
            public Packaged(int units) : base(units) { }
            private Tensor Call(Tensor x, bool training = false) => training ? base.Call(x) : x;
        }
        """]);

    [Fact]
    public void NamesAreGeneratedOnlyWhereTheRuntimeWouldAnswerDifferently()
    {
        var (result, output) = Generate(["""
            using LayerGen;

            namespace MyApp;

            [Layer] public partial class Plain { protected Tensor Call(Tensor x) => x; }
            [Layer] public partial class Named { protected override string DefaultName => "custom"; protected Tensor Call(Tensor x) => x; }
            [Layer] public partial class BelowNamed : Named { }
            [Layer] public partial class Wrapper<T> { protected Tensor Call(Tensor x) => x; }
            [Layer] public partial class BelowWrapper : Wrapper<int> { }
            [Module] public partial class PlainCell { }
            [Module] public partial class NamedCell { protected override string DefaultName => "custom_cell"; }
            [Module] public partial class BelowNamedCell : NamedCell { }
            """]);
        Assert.Empty(GeneratorHarness.Problems(output));
        var files = result.Results.SelectMany(r => r.GeneratedSources).ToDictionary(s => s.HintName, s => s.SourceText.ToString());

        // Module.DefaultName is the type's name in snake_case: written only for generic classes and below an override.
        Assert.DoesNotContain("DefaultName", files["MyApp.Plain.Layer.g.cs"], StringComparison.Ordinal);
        Assert.DoesNotContain("DefaultName", files["MyApp.Named.Layer.g.cs"], StringComparison.Ordinal);
        Assert.Contains("protected override string DefaultName => \"below_named\";", files["MyApp.BelowNamed.Layer.g.cs"], StringComparison.Ordinal);
        Assert.Contains("protected override string DefaultName => \"wrapper\";", files["MyApp.Wrapper_1.Layer.g.cs"], StringComparison.Ordinal);
        Assert.Contains("protected override string DefaultName => \"below_wrapper\";", files["MyApp.BelowWrapper.Layer.g.cs"], StringComparison.Ordinal);
        Assert.DoesNotContain("DefaultName", files["MyApp.PlainCell.Module.g.cs"], StringComparison.Ordinal);
        Assert.Contains("protected override string DefaultName => \"below_named_cell\";", files["MyApp.BelowNamedCell.Module.g.cs"], StringComparison.Ordinal);

        // RegisteredName comes from the registration list, unless the list leaves the class out (generic) or a base in
        // source comes between it and Layer.
        Assert.DoesNotContain("RegisteredName", files["MyApp.Plain.Layer.g.cs"], StringComparison.Ordinal);
        Assert.Contains("public override string RegisteredName => \"TestProject>Wrapper\";", files["MyApp.Wrapper_1.Layer.g.cs"], StringComparison.Ordinal);
        Assert.Contains("public override string RegisteredName => \"TestProject>BelowNamed\";", files["MyApp.BelowNamed.Layer.g.cs"], StringComparison.Ordinal);
        string list = files[LayerRegistrationEmitter.HintName];
        Assert.Contains("RegisterClass(\"TestProject>Plain\", global::MyApp.Plain.FromConfig, new(Tensors: 1));", list, StringComparison.Ordinal);
        // below a base in source: its own InvokeRecorded (generated, inherited), no signature
        Assert.Contains("RegisterClass(\"TestProject>BelowNamed\", global::MyApp.BelowNamed.FromConfig);", list, StringComparison.Ordinal);
        Assert.DoesNotContain("InvokeRecorded", files["MyApp.Plain.Layer.g.cs"], StringComparison.Ordinal);
        Assert.Contains("InvokeRecorded", files["MyApp.Named.Layer.g.cs"] + files["MyApp.BelowNamed.Layer.g.cs"], StringComparison.Ordinal);
        Assert.Contains("public override string RegisteredName => \"TestProject>BelowWrapper\";", files["MyApp.BelowWrapper.Layer.g.cs"], StringComparison.Ordinal);
        Assert.DoesNotContain("global::MyApp.Wrapper", list, StringComparison.Ordinal); // generic: not registered
    }

    [Fact]
    public void InvalidInputIsSkipped()
    {
        var (result, _) = Generate(["""
            using LayerGen;

            namespace MyApp;

            [Layer] public class NotPartial { protected Tensor Call(Tensor x) => x; }
            [Layer] public static partial class StaticClass { }
            public class NotALayer { }
            [Layer] public partial class WrongBase : NotALayer { }
            [Module] public partial class AModule { }
            [Layer] public partial class ModuleBase : AModule { }
            [Layer] public partial class Good { protected Tensor Call(Tensor x) => x; }
            """]);
        Assert.Empty(result.Diagnostics);
        Assert.Equal(
            [LayerRegistrationEmitter.HintName, "MyApp.AModule.Module.g.cs", "MyApp.Good.Layer.g.cs"],
            result.Results.SelectMany(r => r.GeneratedSources).Select(s => s.HintName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TheModuleGeneratorLeavesLayersAlone()
    {
        var compilation = GeneratorHarness.CreateCompilation("""
            using LayerGen;
            namespace MyApp;
            [Layer] public partial class OnlyALayer { protected Tensor Call(Tensor x) => x; }
            """);
        var (result, _, _) = GeneratorHarness.Run(compilation);
        Assert.Empty(result.Results.Single().GeneratedSources);
    }
}
