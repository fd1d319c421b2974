using LayerGen.Analyzers.CodeFixes;

namespace LayerGen.Analyzers.Tests;

/// <summary>The guide's step 7: MyDense creates its variables in the constructor.</summary>
public class WalkthroughTests
{
    public const string MyDense = """
        [Layer]
        public partial class MyDense
        {
            readonly Variable w, b;
            public MyDense(int inFeatures, int outFeatures)
            {
                w = {|LG0001:new(Tensor.RandomNormal([inFeatures, outFeatures]), name: "w")|};   // analyzer warning LG0001:
                b = {|LG0001:new(Tensor.Zeros([outFeatures]), name: "b")|};                      // create variables in Build
            }
            protected Tensor Call(Tensor x) => Ops.Relu(Ops.MatMul(x, w) + b);
        }
        """;

    [Fact]
    public Task MyDense_raises_LG0001() => Verify<VariableCreationAnalyzer>.Analyzer(MyDense);

    [Fact]
    public Task MyDense_fixed_from_the_input_shape()
        => Verify<VariableCreationAnalyzer>.Fix<MoveToBuildCodeFix>(MyDense, """
        [Layer]
        public partial class MyDense
        {
            readonly int outFeatures;
            Variable w = null!, b = null!;
            public MyDense(int outFeatures)
            {
                this.outFeatures = outFeatures;
            }

            protected void Build(Shape inputShape)
            {
                w = new(Tensor.RandomNormal([inputShape[^1], outFeatures]), name: "w");
                b = new(Tensor.Zeros([outFeatures]), name: "b");
            }

            protected Tensor Call(Tensor x) => Ops.Relu(Ops.MatMul(x, w) + b);
        }
        """, codeActionIndex: 1);

    /// <summary>samples/SeedWalkthrough's MyDense keeps its arguments (for its config); the fix drops inFeatures and its field.</summary>
    [Fact]
    public Task Sample_MyDense_fixed_from_the_input_shape()
        => Verify<VariableCreationAnalyzer>.Fix<MoveToBuildCodeFix>("""
        [Layer]
        public partial class MyDense
        {
            readonly int inFeatures, outFeatures;
            readonly Variable w, b;

            public MyDense(int inFeatures, int outFeatures)
            {
                this.inFeatures = inFeatures;
                this.outFeatures = outFeatures;
                w = {|LG0001:new(Tensor.RandomNormal([inFeatures, outFeatures]), name: "w")|};
                b = {|LG0001:new(Tensor.Zeros([outFeatures]), name: "b")|};
            }

            protected Tensor Call(Tensor x) => Ops.Relu(Ops.MatMul(x, w) + b);
        }
        """, """
        [Layer]
        public partial class MyDense
        {
            readonly int outFeatures;
            Variable w = null!, b = null!;

            public MyDense(int outFeatures)
            {
                this.outFeatures = outFeatures;
            }

            protected void Build(Shape inputShape)
            {
                w = new(Tensor.RandomNormal([inputShape[^1], outFeatures]), name: "w");
                b = new(Tensor.Zeros([outFeatures]), name: "b");
            }

            protected Tensor Call(Tensor x) => Ops.Relu(Ops.MatMul(x, w) + b);
        }
        """, codeActionIndex: 1);
}
