using LayerGen.Losses;
using LayerGen.Optimizers;

namespace LayerGen.Graphs.Tests;

/// <summary>
/// A <see cref="GradientTape"/> inside a traced function records the symbolic ops, so the backward pass becomes part
/// of the graph (as a tape inside <c>tf.function</c>): the traced gradients equal the eager ones bit for bit, and
/// a plan of forward + loss + gradients runs a training step with planned buffers.
/// </summary>
public class TracedGradientTests
{
    private sealed class Mlp
    {
        public readonly Variable[] Variables;

        public Mlp(int seed)
        {
            var g = new RandomGenerator(seed);
            Variables =
            [
                new Variable(g.Normal([30, 20]) * 0.2f, name: "w1"), new Variable(g.Normal([20]) * 0.1f, name: "b1"),
                new Variable(g.Normal([20, 20]) * 0.2f, name: "w2"), new Variable(g.Normal([20]) * 0.1f, name: "b2"),
                new Variable(g.Normal([20, 5]) * 0.2f, name: "w3"), new Variable(g.Normal([5]) * 0.1f, name: "b3"),
            ];
        }

        public Tensor Call(Tensor x)
        {
            var v = Variables;
            var h = Ops.Relu(Ops.MatMul(x, v[0]) + v[1]);
            h = Ops.Tanh(Ops.MatMul(h, v[2]) + v[3]);
            return Ops.MatMul(h, v[4]) + v[5];
        }

        /// <summary>Loss and the gradients of every variable: the function that is traced.</summary>
        public Tensor[] LossAndGradients(Tensor[] xy)
        {
            using var tape = new GradientTape();
            var loss = new SparseCategoricalCrossentropy(fromLogits: true).Call(xy[1], Call(xy[0]));
            var grads = tape.Gradient(loss, Variables);
            return [loss, .. grads.Select(g => g!)];
        }
    }

    private static (Tensor X, Tensor Y) Batch(int seed)
    {
        var g = new RandomGenerator(seed);
        return (g.Normal([64, 30]), Tensor.From(Enumerable.Range(0, 64).Select(i => (i * 7 + seed) % 5).ToArray()));
    }

    [Fact]
    public void PlannedConvLayerGradientsFuseAndEqualEagerBitForBit()
    {
        // relu(conv + b) → MaxPool: the planned backward fuses conv + bias + relu (the bias add's ReduceToLike of a
        // same-shaped gradient is no node, so the conv's value has one use) and MaxPoolGrad + ReluGrad into single steps.
        var g = new RandomGenerator(12);
        var w = new Variable(g.Normal([3, 3, 2, 32]) * 0.3f, name: "w");
        var b = new Variable(g.Normal([32]) * 0.1f, name: "b");
        var r = g.Normal([3, 3, 3, 32]);
        Tensor[] LossAndGradients(Tensor x)
        {
            using var tape = new GradientTape();
            var y = Ops.MaxPool(Ops.Relu(Ops.Conv(x, w, [1, 1], [0, 0, 0, 0], [1, 1]) + b), [2, 2], [2, 2], [0, 0, 0, 0]);
            var loss = Ops.Sum(y * r);
            var grads = tape.Gradient(loss, [w, b]);
            return [loss, grads[0]!, grads[1]!];
        }
        var x = g.Normal([3, 9, 8, 2]);
        var eager = LossAndGradients(x);
        var traced = TensorFunction.Trace(xs => LossAndGradients(xs[0]), 1);
        var graph = traced.GetConcreteFunction(x.Spec).Graph;
        int ops = graph.Nodes.Count(n => n.Kind == GraphNodeKind.Op);
        var plan = traced.Plan(x.Spec);
        Assert.True(ops - 3 == plan.StepCount, $"{plan.StepCount} steps for {ops} ops: conv + bias + relu and MaxPoolGrad + ReluGrad not fused");
        for (int run = 0; run < 2; run++)
        {
            var planned = plan.RunAll(x);
            for (int i = 0; i < eager.Length; i++)
                Assert.True(eager[i].AsBytes().SequenceEqual(planned[i].AsBytes()), $"output {i}, run {run}");
        }
    }

    [Fact]
    public void TracedGradientsEqualEagerGradientsBitForBit()
    {
        var model = new Mlp(1);
        var (x, y) = Batch(2);
        var eager = model.LossAndGradients([x, y]);
        var traced = TensorFunction.Trace(model.LossAndGradients, 2);
        var graphOutputs = traced.CallAll(x, y);
        var plan = traced.Plan(x.Spec, y.Spec);
        Assert.Equal(7, eager.Length);
        for (int run = 0; run < 2; run++)
        {
            var planned = plan.RunAll(x, y);
            for (int i = 0; i < eager.Length; i++)
            {
                Assert.True(eager[i].AsBytes().SequenceEqual(graphOutputs[i].AsBytes()), $"graph output {i}");
                Assert.True(eager[i].AsBytes().SequenceEqual(planned[i].AsBytes()), $"plan output {i}, run {run}");
            }
        }
        // Once warm, a run allocates only the few small tensor objects of views (not the values: 3 MB eagerly).
        for (int i = 0; i < 3; i++) plan.RunAll(x, y);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) plan.RunAll(x, y);
        long perRun = (GC.GetAllocatedBytesForCurrentThread() - before) / 10;
        Assert.True(perRun < 4096, $"{perRun} bytes per run");
        // The backward ops are in the graph: more than the forward pass's ops.
        var forwardOps = TensorFunction.Trace(model.Call).GetConcreteFunction(x.Spec).Graph.Nodes.Count(n => n.Kind == GraphNodeKind.Op);
        Assert.True(plan.StepCount > 2 * forwardOps, $"{plan.StepCount} steps for a forward pass of {forwardOps} ops");
    }

    [Fact]
    public void APlannedTrainingLoopGivesTheEagerLoopsWeights()
    {
        var eagerModel = new Mlp(3);
        var plannedModel = new Mlp(3);
        var eagerOptimizer = new Adam(learningRate: 0.01);
        var plannedOptimizer = new Adam(learningRate: 0.01);
        var (x0, y0) = Batch(4);
        var plan = TensorFunction.Trace(plannedModel.LossAndGradients, 2).Plan(x0.Spec, y0.Spec);
        for (int step = 0; step < 4; step++)
        {
            var (x, y) = Batch(10 + step);
            var e = eagerModel.LossAndGradients([x, y]);
            eagerOptimizer.Apply(e[1..], eagerModel.Variables);
            // The plan's gradients are read by the optimizer before the next run overwrites them.
            var p = plan.RunAll(x, y);
            Assert.Equal(e[0].ToScalar<float>(), p[0].ToScalar<float>());
            plannedOptimizer.Apply([.. p.Skip(1)], plannedModel.Variables);
        }
        for (int i = 0; i < eagerModel.Variables.Length; i++)
            Assert.True(eagerModel.Variables[i].AsBytes().SequenceEqual(plannedModel.Variables[i].AsBytes()), eagerModel.Variables[i].Name);
    }

    [Fact]
    public void BackwardOpsWriteIntoPlannedBuffers()
    {
        // Casts that change the dtype (the ReLU gradient's mask), one-hot labels, broadcasts and reductions used to
        // allocate their outputs in a plan (a dtype-changing cast was even planned as a view of its input).
        var g = new RandomGenerator(5);
        Tensor a = g.Normal([64, 40]), b = g.Normal([64, 40]), column = g.Normal([64, 1]);
        Tensor wide = g.Normal([16, 2000]), row = Tensor.Zeros([2000]);
        var labels = Tensor.From(Enumerable.Range(0, 64).Select(i => i % 40).ToArray());
        var cases = new (string Name, Func<Tensor[], Tensor[]> F, Tensor[] Inputs)[]
        {
            ("Cast bool -> float32", t => [Ops.Cast(Ops.Greater(t[0], t[1]), DType.Float32)], [a, b]),
            ("OneHot", t => [Ops.OneHot(t[0], 40)], [labels]),
            ("BroadcastToLike", t => [Ops.BroadcastToLike(t[0], t[1])], [column, a]),
            ("ReduceToLike", t => [Ops.ReduceToLike(t[0], t[1])], [wide, row]),
        };
        foreach (var (name, f, inputs) in cases)
        {
            var plan = TensorFunction.Trace(f, inputs.Length).Plan([.. inputs.Select(t => t.Spec)]);
            var eager = f(inputs)[0];
            for (int i = 0; i < 3; i++) Assert.True(eager.AsBytes().SequenceEqual(plan.RunAll(inputs)[0].AsBytes()), name);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++) plan.RunAll(inputs);
            long perRun = (GC.GetAllocatedBytesForCurrentThread() - before) / 10;
            long outputBytes = eager.Shape.Size * eager.DType.SizeInBytes();
            Assert.True(perRun < outputBytes / 2, $"{name}: {perRun} bytes per run for an output of {outputBytes} bytes");
        }
    }
}
