using LayerGen.Analyzers.CodeFixes;

namespace LayerGen.Analyzers.Tests;

/// <summary>LG0015: a Model subclass (or a layer subclass holding state) without [Layer]; LG0007 on collections of object (issue 21, item 8).</summary>
public class UnmarkedLayerTests
{
    [Fact]
    public Task LG0015_model_subclass_without_Layer() => Verify<UnmarkedLayerAnalyzer>.Analyzer("""
        public class {|LG0015:TwoTower|} : Model
        {
            readonly Dense left = new(8), right = new(8);
            protected Tensor Call(Tensor x) => left.Invoke(x) + right.Invoke(x);
        }
        public class {|LG0015:Empty|} : Model { }
        public class {|LG0015:NoArguments|} : Model { public NoArguments() : base() { } }
        public class {|LG0015:FunctionalWithCall|}(Tensor input, Tensor output) : Model(input, output) { protected Tensor Call(Tensor x) => x; }
        """);

    [Fact]
    public Task LG0015_layer_subclass_holding_a_variable_without_Layer() => Verify<UnmarkedLayerAnalyzer>.Analyzer("""
        [Layer] public partial class Base { protected Tensor Call(Tensor x) => x; }
        public class {|LG0015:Derived|} : Base { Variable scale = new(1f); }
        public class Stateless : Base { }
        public class {|LG0015:StatefulSequential|} : Sequential { Variable scale = new(1f); }
        """);

    [Fact]
    public Task LG0015_not_for_marked_or_self_tracking_classes() => Verify<UnmarkedLayerAnalyzer>.Analyzer("""
        [Layer] public partial class Marked : Model { readonly Dense d = new(2); protected Tensor Call(Tensor x) => d.Invoke(x); }
        public class MySequential : Sequential { }
        public class CustomSteps(Tensor input, Tensor output) : Model(input, output)
        {
            public override Dictionary<string, double> TrainStep(Tensor x, Tensor? y, Tensor? sampleWeight) => base.TrainStep(x, y, sampleWeight);
        }
        public class CustomStepsByConstructor : Model
        {
            public CustomStepsByConstructor(Tensor[] inputs, Tensor[] outputs) : base(inputs, outputs) { }
        }
        public class Tracks : Model
        {
            readonly Dense d = new(2);
            protected override void VisitMembers(IModuleVisitor visitor) { base.VisitMembers(visitor); visitor.Module("d", d); }
        }
        """);

    [Fact]
    public Task LG0007_variable_put_into_a_list_of_object() => Verify<TrackingAnalyzer>.Analyzer("""
        [Module]
        public partial class M
        {
            readonly List<object> items = [];
            readonly object[] array = [{|LG0007:new Variable(1f)|}, "label"];
            Dictionary<string, object> named = new() { ["k"] = 1 };
            List<object> init = new() { {|LG0007:new Variable(2f)|} };
            public M(Variable v, Dense d)
            {
                items.Add({|LG0007:v|});
                this.items.Insert(0, {|LG0007:d|});
                items.Add("not state");
                named["v"] = {|LG0007:v|};
                array[1] = 3;
                array[0] = {|LG0007:d|};
            }
        }
        """);

    [Fact]
    public Task LG0007_quiet_for_tracked_or_NotTracked_collections() => Verify<TrackingAnalyzer>.Analyzer("""
        [Module]
        public partial class M
        {
            readonly List<Variable> tracked = [];
            [NotTracked] readonly List<object> scratch = [];
            public M(Variable v)
            {
                tracked.Add(v);
                scratch.Add(v);
                var local = new List<object> { v };
            }
        }
        """);

    [Fact]
    public Task LG0007_fix_marks_the_list_of_object_NotTracked() => Verify<TrackingAnalyzer>.Fix<NotTrackedCodeFix>("""
        [Module]
        public partial class M
        {
            readonly List<object> items = [];
            public M(Variable v) => items.Add({|LG0007:v|});
        }
        """, """
        [Module]
        public partial class M
        {
            [NotTracked]
            readonly List<object> items = [];
            public M(Variable v) => items.Add(v);
        }
        """);

    [Fact]
    public Task LG0015_fix_marks_Layer_and_partial() => Verify<UnmarkedLayerAnalyzer>.Fix<MarkLayerCodeFix>("""
        public class {|LG0015:TwoTower|} : Model
        {
            readonly Dense left = new(8), right = new(8);
            protected Tensor Call(Tensor x) => left.Invoke(x) + right.Invoke(x);
        }
        """, """
        [Layer]
        public partial class TwoTower : Model
        {
            readonly Dense left = new(8), right = new(8);
            protected Tensor Call(Tensor x) => left.Invoke(x) + right.Invoke(x);
        }
        """);
}
