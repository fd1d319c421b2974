namespace LayerGen.Graphs.Tests;

/// <summary>
/// Random ops drawing from a <see cref="SeedGenerator"/> and <see cref="Ops.AssignVariable"/> in traced graphs and plans:
/// fresh values per run, the eager sequence reproduced bit for bit, side effects kept and run in the traced order.
/// </summary>
public class StatefulGraphTests
{
    private static readonly TensorSpec Spec = new([4, 5], DType.Float32);

    [Fact]
    public void EagerDrawsAreFreshPerCallAndReproducibleFromTheSeed()
    {
        var like = Tensor.Ones([4, 5]);
        var a = new SeedGenerator(11);
        var first = a.Uniform(like).ToArray<float>();
        var second = a.Uniform(like).ToArray<float>();
        Assert.NotEqual(first, second);
        Assert.Equal(2, a.Counter);
        var b = new SeedGenerator(11);
        Assert.Equal(first, b.Uniform(like).ToArray<float>());
        Assert.Equal(second, b.Uniform(like).ToArray<float>());
        Assert.NotEqual(first, new SeedGenerator(12).Uniform(like).ToArray<float>());
        Assert.All(first, v => Assert.InRange(v, 0f, 0.99999995f));
        // Setting the counter back replays the draws.
        a.Counter = 1;
        Assert.Equal(second, a.Uniform(like).ToArray<float>());
    }

    [Fact]
    public void UniformAndNormalHaveTheirMoments()
    {
        var like = Tensor.Zeros([200_000], DType.Float64);
        var g = new SeedGenerator(3);
        var u = g.Uniform(like, -1, 3).ToArray<double>();
        Assert.InRange(u.Average(), 0.99, 1.01);
        Assert.InRange(u.Min(), -1, -0.999);
        Assert.InRange(u.Max(), 2.999, 3);
        var n = g.Normal(like, 2, 0.5).ToArray<double>();
        double mean = n.Average(), sd = Math.Sqrt(n.Select(v => (v - mean) * (v - mean)).Average());
        Assert.InRange(mean, 1.995, 2.005);
        Assert.InRange(sd, 0.497, 0.503);
    }

    [Fact]
    public void PlannedRunsDrawFreshValuesAndMatchTheEagerSequenceBitForBit()
    {
        var eagerGen = new SeedGenerator(5);
        var planGen = new SeedGenerator(5);
        Tensor Step(Tensor x, SeedGenerator g) => Ops.Mul(x, g.Uniform(x)) + g.Normal(x, 0, 2, shape: [-1, 1]);
        var x = Tensor.RandomNormal([4, 5], generator: new RandomGenerator(1));
        var traced = TensorFunction.Trace(t => Step(t, planGen));
        var plan = traced.Plan(Spec);
        Assert.Equal(0, planGen.Counter); // tracing draws nothing
        byte[]? previous = null;
        for (int run = 0; run < 4; run++)
        {
            var eager = Step(x, eagerGen);
            var planned = plan.Run(x);
            Assert.True(eager.AsBytes().SequenceEqual(planned.AsBytes()), $"run {run}: planned differs from eager");
            if (previous is not null) Assert.False(previous.SequenceEqual(planned.AsBytes()), $"run {run}: the same values as the run before");
            previous = planned.AsBytes().ToArray();
        }
        Assert.Equal(8, planGen.Counter);
        Assert.Empty(plan.AllocatingSteps);
        // The graph (not planned) advances the same state.
        var graphRun = traced.Invoke(x);
        Assert.True(Step(x, eagerGen).AsBytes().SequenceEqual(graphRun.AsBytes()));
    }

    [Fact]
    public void ARandomDrawNoOutputUsesStillAdvancesTheCounter()
    {
        var g = new SeedGenerator(9);
        var graph = Graph.Trace(p => { g.Uniform(p[0]); return [Ops.Neg(p[0])]; }, [Spec]);
        Assert.Contains(graph.OpNodes, n => n.Op is RandomUniformOp);
        var plan = ExecutionPlan.Create(graph, Spec);
        plan.Run(Tensor.Ones([4, 5]));
        plan.Run(Tensor.Ones([4, 5]));
        Assert.Equal(2, g.Counter);
    }

    [Fact]
    public void AssignmentsRunOnEveryPlannedRunInTheTracedOrder()
    {
        var v = new Variable(Tensor.Zeros([4, 5]), trainable: false, name: "acc");
        // Reads v, then adds x to it: the output must be the value before the assignment, as eagerly.
        Tensor Step(Tensor x)
        {
            var before = Ops.Mul(v, Tensor.Scalar(1f));
            Ops.AssignVariable(v, Ops.Add(v, x));
            return before;
        }
        var plan = TensorFunction.Trace(Step).Plan(Spec);
        var x = Tensor.Ones([4, 5]);
        for (int run = 0; run < 3; run++)
        {
            var got = plan.Run(x).ToArray<float>();
            Assert.All(got, value => Assert.Equal(run, value));
        }
        Assert.All(v.ToArray<float>(), value => Assert.Equal(3f, value));
        // No output depends on the assignment: it is kept all the same.
        var w = new Variable(Tensor.Zeros([4, 5]), trainable: false, name: "w");
        var graph = Graph.Trace(p => { Ops.AssignVariable(w, p[0]); return [Ops.Neg(p[0])]; }, [Spec]);
        var g = graph.Run(Tensor.Full([4, 5], 2f))[0];
        Assert.All(w.ToArray<float>(), value => Assert.Equal(2f, value));
        Assert.All(g.ToArray<float>(), value => Assert.Equal(-2f, value));
    }

    [Fact]
    public void AnAssignedWeightIsRepackedByTheNextPlannedMatMul()
    {
        // The plan packs a variable weight once and repacks after the variable's version changes: the assignment
        // op must raise it.
        var w = new Variable(Tensor.Ones([5, 3]), name: "w");
        Tensor Step(Tensor x)
        {
            var y = Ops.MatMul(x, w);
            Ops.AssignVariable(w, Ops.Add(w, Tensor.Scalar(1f)));
            return y;
        }
        var plan = TensorFunction.Trace(Step).Plan(Spec);
        var x = Tensor.Ones([4, 5]);
        for (int run = 0; run < 3; run++)
            Assert.All(plan.Run(x).ToArray<float>(), value => Assert.Equal(5f * (run + 1), value));
    }

    [Fact]
    public void NoFusionMovesAReadPastAnAssignment()
    {
        // MatMul -> bias Add -> Relu is one fused step placed at the Relu; with the assignment of w in between, the
        // MatMul must still read w before it is written.
        var w = new Variable(Tensor.Ones([5, 3]), name: "w");
        var b = new Variable(Tensor.Zeros([3]), name: "b");
        Tensor Step(Tensor x)
        {
            var m = Ops.MatMul(x, w);
            Ops.AssignVariable(w, Ops.Add(w, Tensor.Scalar(1f)));
            return Ops.Relu(Ops.Add(m, b));
        }
        var plan = TensorFunction.Trace(Step).Plan(Spec);
        var x = Tensor.Ones([4, 5]);
        for (int run = 0; run < 3; run++)
            Assert.All(plan.Run(x).ToArray<float>(), value => Assert.Equal(5f * (run + 1), value));
    }

    [Fact]
    public void TracedOpsReadVariablesWhenTheGraphRunsNotAtTraceTime()
    {
        var v = new Variable(Tensor.From(new[] { 1f, 2f }), name: "v");
        // No input symbolic: before TraceScope this ran at trace time and was captured as a constant.
        var f = TensorFunction.Trace(x => x + Ops.Sum(Ops.Square(v)));
        var x = Tensor.From(new[] { 0f, 0f });
        Assert.Equal(new[] { 5f, 5f }, f.Invoke(x).ToArray<float>());
        v.Assign(Tensor.From(new[] { 3f, 0f }));
        Assert.Equal(new[] { 9f, 9f }, f.Invoke(x).ToArray<float>());
    }

    [Fact]
    public void StatefulOpsRefuseBadInputsWithTypedErrors()
    {
        var like = Tensor.Ones([2, 3]);
        Assert.Throws<DTypeMismatchException>(() => Ops.RandomUniform(Tensor.From(new[] { 1, 2 }), like));
        Assert.Throws<DTypeMismatchException>(() => Ops.RandomUniform(Tensor.From(new[] { 1L, 2L, 3L }), like));
        Assert.Throws<DTypeMismatchException>(() => Ops.RandomNormal(Tensor.From(new[] { 1L, 2L }), Tensor.From(new[] { 1, 2 })));
        var e = Assert.Throws<ShapeMismatchException>(() => Ops.RandomUniform(Tensor.From(new[] { 1L, 2L }), like, shape: [1, 1, 1]));
        Assert.Contains("rank 2", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Ops.AssignVariable(Tensor.Ones([2, 3]), like));
        var v = new Variable(Tensor.Ones([2, 3]), name: "v");
        Assert.Throws<ShapeMismatchException>(() => Ops.AssignVariable(v, Tensor.Ones([3, 2])));
        Assert.Throws<DTypeMismatchException>(() => Ops.AssignVariable(v, Tensor.Ones([2, 3], DType.Float64)));
        var graph = Graph.Trace(p => [g(p)], [Spec]);
        Tensor g(Tensor[] p) => new SeedGenerator(1).Uniform(p[0]);
        var onnx = Assert.Throws<OnnxExportException>(() => OnnxExport.ToBytes(graph, "f"));
        Assert.Contains("training: false", onnx.Message, StringComparison.Ordinal);
    }
}
