using System.Runtime.CompilerServices;

namespace LayerGen.Generators.Tests;

/// <summary>
/// The <c>[Op]</c> generator's text (Create, WriteAttributes, DescribeAttributes, Name, registration) for each
/// kind of op, compared with <c>Snapshots/Op*</c>; every output must compile with no warnings against LayerGen.dll.
/// </summary>
public class OpSnapshotTests
{
    private const string Members = """
            public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs) => inputs[0];
            public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output) => inputs[0];
            public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output) => [g];
        """;

    private static List<(string HintName, string Text)> Generate(string source)
    {
        var compilation = GeneratorHarness.CreateCompilation(["using System; using System.Collections.Generic;\n" + source]);
        var (result, output, _) = GeneratorHarness.Run(compilation, GeneratorHarness.CreateDriver([new OpGenerator()]));
        foreach (var generator in result.Results)
            Assert.Null(generator.Exception);
        Assert.Empty(GeneratorHarness.Problems(output));
        return [.. result.Results.SelectMany(r => r.GeneratedSources).Select(s => (s.HintName, s.SourceText.ToString()))];
    }

    private static void Verify(string source, [CallerMemberName] string name = "")
    {
        var files = Generate(source);
        Assert.NotEmpty(files);
        Snapshot.Match("Op" + name, files);
    }

    [Fact]
    public void EveryAttributeKind() => Verify($$"""
        using LayerGen;

        namespace MyApp;

        [Op("Everything")]
        public sealed partial class EverythingOp(
            double factor, [OpAttr("keepdims")] bool keepDims, int axis, [OpAttr(NullText = "all")] int? limit, int? other,
            string mode, DType dtype, Shape shape, int[] sizes, [OpAttr(NullText = "all")] int[]? axes, int[]? perm) : Op
        {
            public double Factor { get; } = factor;
            public bool KeepDims { get; } = keepDims;
            public int Axis { get; } = axis;
            public int? Limit { get; } = limit;
            public int? Other { get; } = other;
            public string Mode { get; } = mode;
            public DType DType { get; } = dtype;
            public Shape Shape { get; } = shape;
            public int[] Sizes { get; } = sizes;
            public int[]? Axes { get; } = axes;
            public int[]? Perm { get; } = perm;
        {{Members}}
        }
        """);

    [Fact]
    public void SharedInstance() => Verify($$"""
        using LayerGen;

        namespace MyApp;

        [Op("Identityish")]
        public sealed partial class IdentityishOp : Op
        {
            public static readonly IdentityishOp Instance = new();
            private IdentityishOp() { }
        {{Members}}
        }
        """);

    [Fact]
    public void SeveralNamesAndAFactory() => Verify($$"""
        using LayerGen;

        namespace MyApp;

        [Op("Up")]
        [Op("Down")]
        public sealed partial class StepOp(int size, bool down) : Op
        {
            public int Size { get; } = size;
            public bool Down { get; } = down;
            public override string Name => Down ? "Down" : "Up";
            public override string DescribeAttributes() => "by hand";

            [OpFactory]
            private static StepOp FromName([OpName] string name, int size) => new(size, name == "Down");
        {{Members}}
        }
        """);

    [Fact]
    public void NothingForAClassThatIsNotPartialOrNotAnOp()
    {
        var files = Generate($$"""
            using LayerGen;

            namespace MyApp;

            [Op("NotPartial")]
            public sealed class NotPartialOp : Op
            {
                public override string Name => "NotPartial";
            {{Members}}
            }

            [Op("NotAnOp")]
            public sealed partial class NotAnOp;

            [Op("Unsupported")]
            public sealed partial class UnsupportedOp(float scale) : Op
            {
                public float Scale { get; } = scale;
                public override string Name => "Unsupported";
            {{Members}}
            }
            """);
        Assert.Empty(files);
    }
}
