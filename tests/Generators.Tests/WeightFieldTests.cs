namespace LayerGen.Generators.Tests;

/// <summary>
/// A <c>[Layer]</c>'s fields that only hold weights from <c>AddWeight</c> are left out of its generated <c>VisitMembers</c>
/// (the runtime's <c>Layer.VisitMembers</c> reports those weights already); every other way of filling a field keeps it.
/// </summary>
public class WeightFieldTests
{
    /// <summary>The generated part of the one layer in <paramref name="body"/> (class <c>Probe</c>), which must compile cleanly.</summary>
    private static string Generated(string body, string extra = "")
    {
        var (result, output) = LayerSnapshotTests.Generate([$$"""
            using LayerGen;

            namespace MyApp;

            [Layer]
            public partial class Probe
            {
            {{body}}
                protected Tensor Call(Tensor inputs) => inputs;
            }
            {{extra}}
            """]);
        Assert.Empty(GeneratorHarness.Problems(output));
        return result.Results.SelectMany(r => r.GeneratedSources).Single(s => s.HintName == "MyApp.Probe.Layer.g.cs").SourceText.ToString();
    }

    [Fact]
    public void FieldsFilledOnlyByAddWeightGetNoVisitMembers()
    {
        string text = Generated("""
                private Variable kernel = null!;
                private Variable? bias;
                Variable scale = default!;
                protected void Build(Shape inputShape)
                {
                    kernel = AddWeight("kernel", [inputShape[^1], 2]);
                    this.bias ??= this.AddWeight("bias", [2])!;
                    scale = (AddWeight("scale", [2]));
                    var read = kernel + bias! + this.scale;
                }
            """);
        Assert.False(text.Contains("VisitMembers", StringComparison.Ordinal), text);
    }

    [Theory]
    [InlineData("private Variable kernel = new(Tensor.Ones([2]), name: \"k\");", "")]                       // initializer
    [InlineData("private Variable kernel = null!;", "kernel = new Variable(Tensor.Ones([2]), name: \"k\");")] // another value
    [InlineData("private Variable kernel = null!;", "kernel = other.AddWeight(\"k\", [2]);")]                 // another layer's weight
    [InlineData("private Variable kernel = null!;", "Fill(out kernel);")]                                     // out argument
    [InlineData("private Variable kernel = null!;", "(kernel, _) = (AddWeight(\"k\", [2]), 1);")]           // deconstruction
    [InlineData("private Variable kernel = null!;", "ref Variable r = ref kernel; r = null!;")]               // ref
    [InlineData("protected Variable kernel = null!;", "kernel = AddWeight(\"k\", [2]);")]                      // a subclass may write it
    [InlineData("private Variable kernel = null!;", "kernel = AddWeight(\"k\", [2]); kernel = AddWeight(\"k\", [2]) ?? other.Kernel;")]
    public void AnyOtherWriteKeepsTheFieldTracked(string field, string build)
    {
        string text = Generated($$"""
                {{field}}
                private readonly Other other = new();
                private static void Fill(out Variable v) => v = new Variable(Tensor.Ones([2]), name: "v");
                protected void Build(Shape inputShape)
                {
                    {{build}}
                }
            """, """
            [Layer]
            public partial class Other
            {
                public Variable Kernel => AddWeight("k", [2]);
                protected Tensor Call(Tensor inputs) => inputs;
            }
            """);
        Assert.Contains("if (this.kernel is not null) visitor.Variable(\"kernel\", this.kernel);", text, StringComparison.Ordinal);
        Assert.Contains("visitor.Module(\"other\", this.other);", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAddWeightOfTheClassItselfKeepsTheFieldTracked()
    {
        string text = Generated("""
                private Variable kernel = null!;
                private Variable AddWeight(string name, Shape shape) => new(Tensor.Ones(shape), name: name);
                protected void Build(Shape inputShape) => kernel = AddWeight("kernel", [2]);
            """);
        Assert.Contains("visitor.Variable(\"kernel\", this.kernel);", text, StringComparison.Ordinal);
    }

    [Fact]
    public void TrackAsKeepsTheFieldAndOtherMembersStay()
    {
        string text = Generated("""
                [TrackAs("weights")] private Variable kernel = null!;
                private Variable bias = null!;
                public System.Collections.Generic.List<Variable> Extra { get; } = [];
                protected void Build(Shape inputShape)
                {
                    kernel = AddWeight("kernel", [2]);
                    bias = AddWeight("bias", [2]);
                }
            """);
        Assert.Contains("visitor.Variable(\"weights\", this.kernel);", text, StringComparison.Ordinal);
        Assert.DoesNotContain("this.bias", text, StringComparison.Ordinal);
        Assert.Contains("TrackedMembers.Variables(visitor, \"extra\", this.Extra);", text, StringComparison.Ordinal);
    }
}
