namespace LayerGen.Graphs.Tests;

/// <summary>
/// The plan check, keyed by op name: in an <see cref="ExecutionPlan"/>, every registered op's kernel either writes
/// the buffer the plan gave it (<see cref="KernelOutput.Allocate"/>) or is a view of its input; a kernel that makes
/// a new tensor on every planned run shows up in <see cref="ExecutionPlan.AllocatingSteps"/> and fails here.
/// </summary>
public class PlanKernelTests
{
    /// <summary>What a plan does with an op's output.</summary>
    public enum PlannedOutput
    {
        /// <summary>The kernel writes the planned buffer.</summary>
        Buffer,
        /// <summary>The op returns its input's storage (for the cases tested): no buffer is planned.</summary>
        View,
    }

    /// <summary>The expected planned output of each registered op, by op name.</summary>
    public static readonly IReadOnlyDictionary<string, PlannedOutput> Expected = BuildExpected();

    private static Dictionary<string, PlannedOutput> BuildExpected()
    {
        var views = new[] { "ExpandDims", "Reshape", "ReshapeLike", "Squeeze", "StopGradient", "AssignVariable" };
        var buffers = new[]
        {
            "Abs", "Add", "ArgMax", "ArgMin", "BroadcastTo", "BroadcastToLike", "Cast", "Clip", "Concat", "Conv", "ConvFilterGrad",
            "ConvTranspose", "Div", "Einsum", "Elu",
            "Equal", "Erf", "Exp", "Gather", "GatherGrad", "Gelu", "Greater", "GruCellUpdate", "GruCellUpdateGrad", "GreaterEqual", "LeakyRelu", "LayerNorm", "LayerNormGrad", "Less",
            "LessEqual", "Log", "LogSoftmax", "LstmCellUpdate", "LstmCellUpdateGrad", "MatMul", "Max", "Maximum", "Mean", "Min", "Minimum", "Mul", "Neg",
            "NotEqual", "OneHot", "Pad", "PadGrad", "Pow", "Prod", "ProdExceptSelf", "ReduceToLike", "ReducedCount",
            "Relu", "ReluGrad", "Sigmoid", "Sign", "Slice", "SliceGrad", "Softmax", "SoftmaxGrad", "Softplus", "Sqrt", "Square", "Sub", "Sum",
            "Tanh", "Tile", "TileGrad", "Transpose", "Where",
            "MaxPool", "MaxPoolGrad", "MaxPoolGradGrad", "AvgPool", "AvgPoolGrad", "ResizeBilinear", "ResizeBilinearGrad",
            "GraphsTestsScaleShift", // an application's op (CustomOpTests.cs)
            "RandomUniform", "RandomNormal",
            "Scan",
        };
        var expected = new Dictionary<string, PlannedOutput>(StringComparer.Ordinal);
        foreach (var name in views) expected.Add(name, PlannedOutput.View);
        foreach (var name in buffers) expected.Add(name, PlannedOutput.Buffer);
        return expected;
    }

    [Fact]
    public void EveryRegisteredOpHasAPlanExpectation()
    {
        var missing = OpRegistry.Names.Where(n => !Expected.ContainsKey(n)).ToList();
        Assert.True(missing.Count == 0, "No plan expectation for: " + string.Join(", ", missing));
        var stale = Expected.Keys.Where(n => !OpRegistry.IsRegistered(n)).ToList();
        Assert.True(stale.Count == 0, "Plan expectations for ops that are not registered: " + string.Join(", ", stale));
    }

    [Fact]
    public void EveryKernelWritesItsPlannedBufferOrIsAView()
    {
        var failures = new List<string>();
        foreach (var (op, inputs) in OpGraphTests.Cases())
        {
            var graph = Graph.Trace(p => [OpRunner.Run(op, p)], [.. inputs.Select(i => i.Spec)]);
            var plan = ExecutionPlan.Create(graph, [.. inputs.Select(i => i.Spec)]);
            var eager = OpRunner.Run(op, inputs);
            for (int run = 0; run < 2; run++)
            {
                var got = plan.RunAll(inputs)[0];
                if (!got.AsBytes().SequenceEqual(eager.AsBytes())) failures.Add($"{op}: run {run + 1} differs from eager");
            }
            var observed = plan.BufferCount == 0 ? PlannedOutput.View : PlannedOutput.Buffer;
            if (plan.AllocatingSteps.Count > 0) failures.Add($"{op}: the kernel allocates a new output on every planned run instead of writing its planned buffer");
            else if (!Expected.TryGetValue(op.Name, out var expected)) failures.Add($"{op}: no expectation (observed {observed})");
            else if (observed != expected) failures.Add($"{op}: expected {expected}, observed {observed}");
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>A kernel that ignores its planned buffer: the plan still runs it correctly, and says it allocates.</summary>
    private sealed class AllocatingOp : UnaryElementwiseOp
    {
        public override string Name => "PlanKernelTestsAllocating";
        public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output) => Tensor.From(inputs[0].ToArray<float>(), inputs[0].Shape);
        public override Tensor?[] Gradient(Tensor outputGradient, IReadOnlyList<Tensor> inputs, Tensor output) => [outputGradient];
    }

    [Fact]
    public void AKernelThatAllocatesIsReported()
    {
        var op = new AllocatingOp();
        var spec = new TensorSpec([2, 3], DType.Float32);
        var plan = ExecutionPlan.Create(Graph.Trace(p => [Ops.Neg(OpRunner.Run(op, p[0]))], [spec]), spec);
        Assert.Empty(plan.AllocatingSteps);
        var x = Tensor.RandomNormal([2, 3]);
        Assert.Equal(Ops.Neg(x).ToArray<float>(), plan.Run(x).ToArray<float>());
        Assert.Same(op, Assert.Single(plan.AllocatingSteps));
    }
}
