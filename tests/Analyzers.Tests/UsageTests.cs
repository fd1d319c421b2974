using LayerGen.Analyzers.CodeFixes;

namespace LayerGen.Analyzers.Tests;

/// <summary>LG0001/LG0009 (variables outside Build), LG0007 (untracked members), LG0008 (direct Call).</summary>
public class UsageTests
{
    [Fact]
    public Task Variables_in_Build_and_modules_are_quiet() => Verify<VariableCreationAnalyzer>.Analyzer("""
        [Layer]
        public partial class L
        {
            Variable w = null!, v = null!;
            protected void Build(Shape inputShape)
            {
                w = AddWeight("w", [inputShape[^1], 2]);
                v = new(Tensor.Zeros([2]), name: "v");
            }
            protected Tensor Call(Tensor x) => Ops.MatMul(x, w) + v;
        }
        [Module]
        public partial class M
        {
            public Variable A { get; } = new(5f);
            public Tensor Call(Tensor x) => A * x;
        }
        """);

    [Fact]
    public Task LG0001_everywhere_outside_Build() => Verify<VariableCreationAnalyzer>.Analyzer("""
        [Layer]
        public partial class L
        {
            readonly Variable a = {|LG0001:new Variable(1f)|};
            public Variable B { get; } = {|LG0001:new(2f)|};
            readonly Variable c;
            Variable? d;
            public L() { c = {|LG0001:AddWeight("c", [2])|}; }
            protected Tensor Call(Tensor x) { d ??= {|LG0001:new(3f)|}; return x * a + B + c + d; }
        }
        """);

    [Fact]
    public Task LG0009_AddWeight_in_Call() => Verify<VariableCreationAnalyzer>.Analyzer("""
        [Layer]
        public partial class L
        {
            Variable? w;
            protected Tensor Call(Tensor x) { w ??= {|LG0009:AddWeight("w", [x.Shape[^1], 2])|}; return Ops.MatMul(x, w); }
        }
        """);

    [Fact]
    public Task LG0009_fix_moves_into_Build_with_the_input_shape() => Verify<VariableCreationAnalyzer>.Fix<MoveToBuildCodeFix>("""
        [Layer]
        public partial class L
        {
            Variable? w;
            protected Tensor Call(Tensor x)
            {
                w ??= {|LG0009:AddWeight("w", [x.Shape[^1], 2])|};
                return Ops.MatMul(x, w);
            }
        }
        """, """
        [Layer]
        public partial class L
        {
            Variable w = null!;

            protected void Build(Shape inputShape)
            {
                w = AddWeight("w", [inputShape[^1], 2]);
            }

            protected Tensor Call(Tensor x)
            {
                return Ops.MatMul(x, w);
            }
        }
        """);

    [Fact]
    public Task LG0001_fix_for_initializers_and_existing_Build() => Verify<VariableCreationAnalyzer>.Fix<MoveToBuildCodeFix>("""
        [Layer]
        public partial class L
        {
            readonly int _units;
            readonly Variable a = {|LG0001:new Variable(1f)|};
            public Variable B { get; } = {|LG0001:new(2f)|};
            public L(int units) => _units = units;
            protected void Build(Shape inputShape) => _ = inputShape;
            protected Tensor Call(Tensor x) => x * a + B;
        }
        """, """
        [Layer]
        public partial class L
        {
            readonly int _units;
            Variable a = null!;
            public Variable B { get; private set; } = null!;

            public L(int units) => _units = units;
            protected void Build(Shape inputShape)
            {
                _ = inputShape;
                a = new Variable(1f);
                B = new(2f);
            }

            protected Tensor Call(Tensor x) => x * a + B;
        }
        """);

    [Fact]
    public Task LG0007_untracked_forms() => Verify<TrackingAnalyzer>.Analyzer("""
        [Module]
        public partial class M
        {
            public (Variable, Variable) {|LG0007:Pair|} { get; } = (new(1f), new(2f));
            readonly HashSet<Variable> {|LG0007:set|} = [];
            readonly Dictionary<int, Variable> {|LG0007:byIndex|} = [];
            object? any;
            [NotTracked] readonly (Variable, int) ignored = (new(1f), 1);
            readonly List<Variable> tracked = [];
            readonly Dictionary<string, Variable[]> alsoTracked = [];
            public Variable Computed => tracked[0];
            public void Store() => {|LG0007:any = tracked[0]|};
            public int Count => set.Count + byIndex.Count + ignored.Item2 + alsoTracked.Count + (any is null ? 0 : 1);
        }
        """);

    [Fact]
    public Task LG0007_fix_marks_NotTracked() => Verify<TrackingAnalyzer>.Fix<NotTrackedCodeFix>("""
        [Module]
        public partial class M
        {
            readonly (Variable, int) {|LG0007:pair|} = (new(1f), 1);
            public int Count => pair.Item2;
        }
        """, """
        [Module]
        public partial class M
        {
            [NotTracked]
            readonly (Variable, int) pair = (new(1f), 1);
            public int Count => pair.Item2;
        }
        """);

    [Fact]
    public Task LG0008_direct_call() => Verify<DirectCallAnalyzer>.Analyzer("""
        [Layer]
        public partial class Inner { public Tensor Call(Tensor x) => x; }
        [Layer]
        public partial class Outer
        {
            readonly Inner inner = new();
            public Tensor Call(Tensor x) => inner.{|LG0008:Call|}(x);
            public Tensor Again(Tensor x) => this.Call(x);
        }
        """);

    [Fact]
    public Task LG0008_fix_calls_Invoke() => Verify<DirectCallAnalyzer>.Fix<UseInvokeCodeFix>("""
        [Layer]
        public partial class Inner { public Tensor Call(Tensor x) => x; }
        public static class User
        {
            public static Tensor Run(Inner layer, Tensor x) => layer.{|LG0008:Call|}(x);
        }
        """, """
        [Layer]
        public partial class Inner { public Tensor Call(Tensor x) => x; }
        public static class User
        {
            public static Tensor Run(Inner layer, Tensor x) => layer.Invoke(x);
        }
        """);
}
