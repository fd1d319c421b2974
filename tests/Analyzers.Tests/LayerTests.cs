using LayerGen.Analyzers.CodeFixes;

namespace LayerGen.Analyzers.Tests;

/// <summary>LG0003/LG0004 (config), LG0005 (Call), LG0006 (Build), LG0013 (config constructor).</summary>
public class LayerTests
{
    [Fact]
    public Task A_correct_layer_is_quiet() => Verify<LayerDeclarationAnalyzer>.Analyzer("""
        public enum Mode { A, B }
        [Layer]
        public partial class Good
        {
            readonly int units;
            public ActivationFunction? Activation { get; }
            private readonly Mode _mode;
            readonly int[] sizes;
            Variable w = null!;
            public Good(int units, ActivationFunction? activation = null, Mode mode = Mode.A, int[]? sizes = null)
            {
                this.units = units; Activation = activation; _mode = mode; this.sizes = sizes ?? [];
            }
            protected void Build(Shape inputShape) => w = AddWeight("w", [inputShape[^1], units]);
            protected Tensor Call(Tensor x, bool training = false) => Ops.MatMul(x, w);
        }
        [Layer]
        public partial class TwoInputs
        {
            protected void Build(Shape aShape, Shape bShape) { }
            protected Tensor[] Call(Tensor a, Tensor b, Tensor? mask = null) => [a, b];
        }
        [Layer]
        public partial class Inherits : TwoInputs { }
        [Layer]
        public abstract partial class AbstractBase { }
        """);

    [Fact]
    public Task LG0003_parameter_not_kept() => Verify<LayerDeclarationAnalyzer>.Analyzer("""
        [Layer]
        public partial class L
        {
            readonly int units;
            public L(int units, float {|LG0003:rate|}) { this.units = units; }
            protected Tensor Call(Tensor x) => x * units;
        }
        """);

    [Fact]
    public Task LG0003_fix_adds_a_property() => Verify<LayerDeclarationAnalyzer>.Fix<KeepParameterCodeFix>("""
        [Layer]
        public partial class L
        {
            readonly int units;
            public L(int units, float {|LG0003:rate|}, bool {|LG0003:center|}) => this.units = units;
            protected Tensor Call(Tensor x) => x * units;
        }
        """, """
        [Layer]
        public partial class L
        {
            readonly int units;

            public float Rate { get; }
            public bool Center { get; }

            public L(int units, float rate, bool center)
            {
                Center = center;
                Rate = rate;
                this.units = units;
            }

            protected Tensor Call(Tensor x) => x * units;
        }
        """);

    [Fact]
    public Task LG0004_parameter_type_not_configurable() => Verify<LayerDeclarationAnalyzer>.Analyzer("""
        [Layer]
        public partial class L
        {
            public Func<Tensor, Tensor> F { get; }
            public System.IO.Stream S { get; }
            public L(Func<Tensor, Tensor> {|LG0004:f|}, System.IO.Stream {|LG0004:s|}) { F = f; S = s; }
            protected Tensor Call(Tensor x) => F(x);
        }
        """);

    /// <summary>The generated part implements InvokeRecorded even without a Call: no CS0534 hides LG0005 (issue 21).</summary>
    [Fact]
    public Task LG0005_no_call() => Verify<LayerDeclarationAnalyzer>.Analyzer("""
        [Layer] public partial class {|LG0005:L|} { }
        """);

    [Fact]
    public Task LG0005_several_calls_and_wrong_return() => Verify<LayerDeclarationAnalyzer>.Analyzer("""
        [Layer] public partial class A { protected Tensor Call(Tensor x) => x; protected Tensor {|LG0005:Call|}(Tensor x, Tensor y) => x; }
        [Layer] public partial class B { protected {|LG0005:int|} Call(Tensor x) => 0; }
        [Layer] public partial class C { protected Tensor Call(ref Tensor {|LG0005:x|}) => x; }
        """);

    [Fact]
    public Task LG0006_build_mismatch() => Verify<LayerDeclarationAnalyzer>.Analyzer("""
        [Layer] public partial class A { protected void {|LG0006:Build|}(Shape a) { } protected Tensor Call(Tensor a, Tensor b) => a; }
        [Layer] public partial class B { protected void {|LG0006:Build|}(int[] shape) { } protected Tensor Call(Tensor x) => x; }
        """);

    /// <summary>A Call over a list of tensors builds from one shape per tensor (Shape[]), and takes no other tensor argument.</summary>
    [Fact]
    public Task LG0005_and_LG0006_for_a_list_of_tensors() => Verify<LayerDeclarationAnalyzer>.Analyzer("""
        [Layer] public partial class A { protected void {|LG0006:Build|}(Shape s) { } protected Tensor Call(Tensor[] xs) => xs[0]; }
        [Layer] public partial class B { protected void Build(Shape[] s) { } protected Tensor Call(Tensor[] xs) => xs[0]; }
        [Layer] public partial class C { protected Tensor {|LG0005:Call|}(Tensor[] xs, Tensor y) => y; }
        """);

    [Fact]
    public Task LG0006_fix_changes_the_signature() => Verify<LayerDeclarationAnalyzer>.Fix<BuildSignatureCodeFix>("""
        [Layer]
        public partial class A
        {
            protected void {|LG0006:Build|}(Shape first) { }
            protected Tensor Call(Tensor a, Tensor b) => a + b;
        }
        """, """
        [Layer]
        public partial class A
        {
            protected void Build(Shape first, Shape bShape) { }
            protected Tensor Call(Tensor a, Tensor b) => a + b;
        }
        """);

    [Fact]
    public Task LG0013_several_public_constructors() => Verify<LayerDeclarationAnalyzer>.Analyzer("""
        [Layer]
        public partial class {|LG0013:L|}
        {
            public int Units { get; }
            public L() : this(1) { }
            public L(int units) => Units = units;
            protected Tensor Call(Tensor x) => x;
        }
        [Layer]
        public partial class Marked
        {
            public int Units { get; }
            public Marked() : this(1) { }
            [ConfigConstructor] public Marked(int units) => Units = units;
            protected Tensor Call(Tensor x) => x;
        }
        """);

    [Fact]
    public Task LG0013_fix_marks_the_longest_public_constructor() => Verify<LayerDeclarationAnalyzer>.Fix<MarkConfigConstructorCodeFix>("""
        [Layer]
        public partial class {|LG0013:L|}
        {
            public int Units { get; }
            public L() : this(1) { }
            public L(int units) => Units = units;
            protected Tensor Call(Tensor x) => x;
        }
        """, """
        [Layer]
        public partial class L
        {
            public int Units { get; }
            public L() : this(1) { }

            [ConfigConstructor]
            public L(int units) => Units = units;
            protected Tensor Call(Tensor x) => x;
        }
        """);
}
