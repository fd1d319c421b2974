namespace LayerGen.Analyzers.Tests;

/// <summary>The config rules (LG0003, LG0004, LG0013) on <c>[KerasSerializable]</c> losses, constraints, initializers and schedules.</summary>
public class KerasSerializableTests
{
    [Fact]
    public Task A_correct_loss_is_quiet() => Verify<LayerDeclarationAnalyzer>.Analyzer("""
        [KerasSerializable("scaled")]
        public sealed partial class Scaled(double scale = 1.0, string reduction = "sum_over_batch_size", string name = "scaled") : LayerGen.Losses.Loss(name, reduction)
        {
            public double Scale { get; } = scale;
            public override Tensor ComputeLosses(Tensor yTrue, Tensor yPred) => Ops.Mean(Ops.Sub(yPred, yTrue), -1);
        }
        """);

    [Fact]
    public Task LG0003_parameter_not_kept_in_a_constraint() => Verify<LayerDeclarationAnalyzer>.Analyzer("""
        [KerasSerializable]
        public sealed partial class ClipTo(double {|LG0003:limit|}) : Constraint
        {
            public override Tensor Apply(Tensor w) => Ops.Clip(w, -limit, limit);
        }
        """);

    [Fact]
    public Task LG0004_parameter_not_configurable_in_an_initializer() => Verify<LayerDeclarationAnalyzer>.Analyzer("""
        [KerasSerializable]
        public sealed partial class FromFunction(Func<Shape, Tensor> {|LG0004:make|}) : Initializer
        {
            public Func<Shape, Tensor> Make { get; } = make;
            public override Tensor Call(Shape shape, DType dtype = DType.Float32) => Make(shape);
        }
        """);

    [Fact]
    public Task LG0013_several_constructors_in_a_schedule() => Verify<LayerDeclarationAnalyzer>.Analyzer("""
        [KerasSerializable]
        public sealed partial class {|LG0013:Steps|} : LayerGen.Optimizers.LearningRateSchedule
        {
            public Steps(double rate) => Rate = rate;
            public Steps(double rate, long every) => Rate = rate;
            public double Rate { get; }
            public override float Call(long step) => (float)Rate;
        }
        """);

    [Fact]
    public Task A_hand_written_FromConfig_is_not_checked() => Verify<LayerDeclarationAnalyzer>.Analyzer("""
        [KerasSerializable]
        public sealed partial class ClipTo(double limit) : Constraint
        {
            public override Tensor Apply(Tensor w) => Ops.Clip(w, -limit, limit);
            public override System.Text.Json.Nodes.JsonObject GetConfig() => new() { ["limit"] = limit };
            public static ClipTo FromConfig(System.Text.Json.Nodes.JsonObject config) => new(LayerGen.Serialization.Config.ReadDouble(config, "limit", "ClipTo"));
        }
        """);

    [Fact]
    public Task LG0002_not_partial() => Verify<TypeDeclarationAnalyzer>.Analyzer("""
        [KerasSerializable]
        public sealed class {|LG0002:NonNeg|} : Constraint
        {
            public override string ClassName => "NonNeg";
            public override Tensor Apply(Tensor w) => w;
        }
        """);

    [Fact]
    public Task LG0011_not_a_kind() => Verify<TypeDeclarationAnalyzer>.Analyzer("""
        public class Helper { }
        [KerasSerializable]
        public sealed partial class Thing : {|LG0011:Helper|} { }
        [KerasSerializable]
        public sealed partial class {|LG0011:Bare|} { }
        """);

    [Fact]
    public Task LG0010_a_record() => Verify<TypeDeclarationAnalyzer>.Analyzer("""
        [KerasSerializable]
        public sealed record {|LG0010:R|}(double X);
        """);

    [Fact]
    public Task A_correct_constraint_is_quiet_for_the_declaration_rules() => Verify<TypeDeclarationAnalyzer>.Analyzer("""
        [KerasSerializable]
        public sealed partial class ClipTo(double limit = 1.0) : Constraint
        {
            public double Limit { get; } = limit;
            public override Tensor Apply(Tensor w) => Ops.Clip(w, -Limit, Limit);
        }
        """);

    [Fact]
    public Task LG0002_containing_type_not_partial() => Verify<TypeDeclarationAnalyzer>.Analyzer("""
        public static class {|LG0002:Objects|}
        {
            [KerasSerializable]
            public sealed partial class NonNeg : Constraint
            {
                public override string ClassName => "NonNeg";
                public override Tensor Apply(Tensor w) => w;
            }
        }
        """);
}
