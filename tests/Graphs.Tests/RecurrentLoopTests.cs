namespace LayerGen.Graphs.Tests;

/// <summary>
/// Recurrent layers traced as one loop op (<see cref="ScanOp"/>): the graph's size does not depend on the number of
/// steps; plans, reloaded graphs and ONNX Runtime give what the eager layer gives; planned runs allocate nothing; the
/// gradient through the traced loop (itself a loop) equals the eager tape's.
/// </summary>
public class RecurrentLoopTests
{
    private static Tensor Random(int seed, params int[] shape) => Tensor.RandomNormal(shape, generator: new RandomGenerator(seed));

    /// <summary>Rows keep 6, 4 and 1 steps (trailing padding) for inputs of (3, 6, ...).</summary>
    private static Tensor Mask() => Tensor.From(new[,]
    {
        { true, true, true, true, true, true },
        { true, true, false, true, false, false },
        { true, false, false, false, false, false },
    });

    public static TheoryData<string> Variants() => [.. Layers.Keys];

    private static readonly Dictionary<string, (Func<Layer> Make, bool Masked)> Layers = new(StringComparer.Ordinal)
    {
        ["SimpleRNN"] = (() => new SimpleRNN(4), false),
        ["LSTM sequences+state"] = (() => new LSTM(4, returnSequences: true, returnState: true), false),
        ["GRU"] = (() => new GRU(4), false),
        ["GRU reset_after=false backwards sequences"] = (() => new GRU(4, resetAfter: false, goBackwards: true, returnSequences: true), false),
        ["LSTM masked backwards sequences zero_output"] = (() => new LSTM(3, goBackwards: true, returnSequences: true, zeroOutputForMask: true), true),
        ["GRU masked state"] = (() => new GRU(3, returnState: true), true),
        ["SimpleRNN masked sequences"] = (() => new SimpleRNN(3, returnSequences: true), true),
        ["Bidirectional LSTM masked"] = (() => new Bidirectional(new LSTM(3, returnSequences: true)), true),
        ["Bidirectional GRU sum"] = (() => new Bidirectional(new GRU(3), mergeMode: "sum"), false),
    };

    private static (Layer Layer, Tensor[] Inputs, Tensor[] Eager, Graph Graph) Setup(string name, int steps = 6)
    {
        var (make, masked) = Layers[name];
        var layer = make();
        var x = Random(1, 3, steps, 5);
        Tensor[] inputs = masked ? [x, Mask()] : [x];
        var eager = Call(layer, inputs);
        var graph = Graph.Trace(p => Call(layer, p), [.. inputs.Select(i => i.Spec)]);
        return (layer, inputs, eager, graph);
    }

    private static Tensor[] Call(Layer layer, Tensor[] inputs) => layer.Invoke(new CallArguments([inputs[0]], inputs.Length > 1 ? inputs[1] : null));

    [Fact]
    public void TheGraphDoesNotGrowWithTheNumberOfSteps()
    {
        var lstm = new LSTM(8, returnSequences: true);
        lstm.Invoke(Random(2, 2, 5, 3));
        int Count(int steps, Layer layer) => Graph.Trace(p => layer.Invoke(new CallArguments([p[0]])), [new TensorSpec(new Shape(2, steps, 3), DType.Float32)]).Nodes.Count;
        var five = Graph.Trace(p => lstm.Invoke(p[0]), [new TensorSpec(new Shape(2, 5, 3), DType.Float32)]);
        Assert.Single(five.OpNodes, n => n.Op is ScanOp);
        Assert.Equal(Count(5, lstm), Count(50, lstm));
        // unroll: true keeps the unrolled trace (Keras's meaning): one set of ops per step.
        var unrolled = new LSTM(8, returnSequences: true, unroll: true);
        unrolled.Invoke(Random(2, 2, 5, 3));
        Assert.True(Count(50, unrolled) > Count(5, unrolled) + 45 * 5);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void PlansReloadedGraphsAndOnnxRuntimeEqualTheEagerLayer(string name)
    {
        var (layer, inputs, eager, graph) = Setup(name);
        Assert.Contains(graph.OpNodes, n => n.Op is ScanOp);
        var plan = ExecutionPlan.Create(graph, [.. inputs.Select(i => i.Spec)]);
        var planned = plan.RunAll(inputs);
        var reloaded = RoundTrip(graph, layer.Variables).Run(inputs);
        var onnx = OnnxTests.RunOnnx(OnnxExport.ToBytes(graph), graph, inputs);
        Assert.Equal(eager.Length, graph.OutputIds.Count);
        for (int o = 0; o < eager.Length; o++)
        {
            // float32 round-off: the plan's body and the eager loop run the same kernels, except fused steps.
            TensorAssert.Close(eager[o], planned[o], $"{name} plan output {o}");
            TensorAssert.Close(eager[o], reloaded[o], $"{name} reloaded output {o}");
            TensorAssert.Close(eager[o], onnx[o], $"{name} ONNX Runtime output {o}", 1e-4);
        }
    }

    /// <summary>The graph written as JSON and read back, its variables saved by their position in <paramref name="variables"/>.</summary>
    private static Graph RoundTrip(Graph graph, IReadOnlyList<Variable> variables)
    {
        var paths = new Dictionary<Variable, string>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < variables.Count; i++) paths[variables[i]] = $"v{i}";
        using var stream = new MemoryStream();
        using (var w = new System.Text.Json.Utf8JsonWriter(stream)) GraphJson.Write(w, graph, "f", v => paths.GetValueOrDefault(v));
        return GraphJson.Read(stream.ToArray(), "f.json", paths.ToDictionary(kv => kv.Value, kv => kv.Key));
    }

    [Fact]
    public void APlannedLstmLoopAllocatesNothingPerStep()
    {
        var lstm = new LSTM(16);
        lstm.Invoke(Random(3, 8, 12, 6));
        static long PerRun(ExecutionPlan plan, Tensor[] inputs)
        {
            for (int i = 0; i < 3; i++) plan.RunAll(inputs);
            Assert.Empty(plan.AllocatingSteps);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++) plan.RunAll(inputs);
            return (GC.GetAllocatedBytesForCurrentThread() - before) / 10;
        }
        (long Whole, long Loop) Measure(int steps)
        {
            var x = Random(3, 8, steps, 6);
            var graph = Graph.Trace(p => lstm.Invoke(p[0]), [x.Spec]);
            var plan = ExecutionPlan.Create(graph, x.Spec);
            TensorAssert.Close(lstm.Invoke(x)[0], plan.RunAll([x])[0], "planned LSTM");
            long whole = PerRun(plan, [x]);
            // The loop op alone, on the values the traced graph gives it (projected inputs, zero states, weights).
            var node = graph.OpNodes.Single(n => n.Op is ScanOp);
            var values = new Tensor[graph.Nodes.Count];
            values[graph.InputIds[0]] = x;
            foreach (var n in graph.Nodes)
            {
                if (n.Id >= node.Id) break;
                values[n.Id] = n.Kind switch
                {
                    GraphNodeKind.Variable => n.Variable!,
                    GraphNodeKind.Constant => n.Constant!,
                    GraphNodeKind.Op => OpRunner.Run(n.Op!, [.. n.Inputs.Select(i => values[i])]),
                    _ => values[n.Id],
                };
            }
            var loopInputs = node.Inputs.Select(i => values[i]).ToArray();
            var loopGraph = Graph.Trace(p => [OpRunner.Run(node.Op!, p)], [.. loopInputs.Select(t => t.Spec)]);
            long loop = PerRun(ExecutionPlan.Create(loopGraph, [.. loopInputs.Select(t => t.Spec)]), loopInputs);
            return (whole, loop);
        }
        var twelve = Measure(12);
        var fortyEight = Measure(48);
        // Nothing in the loop, per step or per run, and nothing in the whole plan (the time-major Transpose built an index
        // table as large as its input on every run before it walked its output without one).
        Assert.True(twelve.Loop == 0 && fortyEight.Loop == 0 && twelve.Whole == 0 && fortyEight.Whole == 0,
            $"loop bytes per run: {twelve.Loop} (12 steps), {fortyEight.Loop} (48 steps); whole plan {twelve.Whole}, {fortyEight.Whole}");
    }

    [Fact]
    public void APlannedLoopSeesNewRecurrentWeightsFromItsFirstStep()
    {
        // Batch 8, 16 units: the recurrent product (8 x 64 x 16) is large enough for the plan to pack the recurrent kernel;
        // the loop packs it at the first step of each run, so a run after new weights must use them at every step.
        var lstm = new LSTM(16, returnSequences: true);
        var x = Random(4, 8, 5, 6);
        lstm.Invoke(x);
        var graph = Graph.Trace(p => lstm.Invoke(p[0]), [x.Spec]);
        var plan = ExecutionPlan.Create(graph, x.Spec);
        for (int i = 0; i < 3; i++) TensorAssert.Close(lstm.Invoke(x)[0], plan.RunAll([x])[0], $"planned LSTM, run {i}");
        var weights = lstm.GetWeights();
        lstm.SetWeights([.. weights.Select((w, i) => i == 1 ? Random(9, [.. w.Shape.ToArray()]) : w)]);
        TensorAssert.Close(lstm.Invoke(x)[0], plan.RunAll([x])[0], "planned LSTM after new recurrent weights");
    }

    [Fact]
    public void APlannedLstmForwardAndBackwardAllocatesNothingPerRun()
    {
        var lstm = new LSTM(16, returnSequences: true);
        var x = Random(3, 8, 12, 6);
        lstm.Invoke(x);
        var weights = lstm.TrainableVariables.ToArray();
        Tensor[] Grads(Tensor[] p)
        {
            using var tape = new GradientTape();
            var y = lstm.Invoke(p[0])[0];
            return [.. tape.Gradient(Ops.Sum(Ops.Square(y)), weights).Select(g => g!)];
        }
        var plan = ExecutionPlan.Create(Graph.Trace(Grads, [x.Spec]), x.Spec);
        var planned = plan.RunAll([x]);
        var eager = Grads([x]);
        for (int i = 0; i < eager.Length; i++) TensorAssert.Close(eager[i], planned[i], $"planned gradient {i}", 1e-4);
        for (int i = 0; i < 3; i++) plan.RunAll([x]);
        Assert.Empty(plan.AllocatingSteps);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) plan.RunAll([x]);
        long perRun = (GC.GetAllocatedBytesForCurrentThread() - before) / 10;
        // The batched input-kernel gradient (440 B) and the bias gradient's kept-dims view (64 B per ReduceToLike) went.
        Assert.True(perRun == 0, $"planned forward+backward allocated {perRun} bytes per run");
    }

    [Theory]
    [InlineData("LSTM")]
    [InlineData("LSTM last output")]
    [InlineData("LSTM go_backwards")]
    [InlineData("GRU")]
    [InlineData("GRU reset_after=false")]
    [InlineData("SimpleRNN masked")]
    [InlineData("LSTM masked go_backwards")]
    public void GradientsThroughTheTracedLoopEqualTheEagerTape(string name)
    {
        Layer layer = name switch
        {
            "LSTM" => new LSTM(3, returnSequences: true),
            // Only the final output is read: the loop result's gradient is zero in every stacked row (ScanGradient cuts none).
            "LSTM last output" => new LSTM(3),
            "LSTM go_backwards" => new LSTM(3, returnSequences: true, goBackwards: true),
            "LSTM masked go_backwards" => new LSTM(3, returnSequences: true, goBackwards: true),
            "GRU" => new GRU(3),
            "GRU reset_after=false" => new GRU(3, resetAfter: false, goBackwards: true),
            _ => new SimpleRNN(3, returnSequences: true),
        };
        var x = Random(4, 2, 5, 4);
        Tensor? mask = name.Contains("masked", StringComparison.Ordinal) ? Tensor.From(new[,] { { true, true, false, true, true }, { true, true, true, false, false } }) : null;
        layer.Invoke(new CallArguments([x], mask));
        var weights = layer.TrainableVariables.ToArray();
        var weight = Random(5, [.. layer.Invoke(new CallArguments([x], mask))[0].Shape.ToArray()]);
        Tensor[] Grads(Tensor[] p)
        {
            using var tape = new GradientTape();
            tape.Watch(p[0]);
            var y = layer.Invoke(new CallArguments([p[0]], p.Length > 1 ? p[1] : null))[0];
            var loss = Ops.Sum(Ops.Mul(Ops.Square(y), weight));
            return [.. tape.Gradient(loss, [p[0], .. weights]).Select(g => g!)];
        }
        Tensor[] inputs = mask is null ? [x] : [x, mask];
        var eager = Grads(inputs);
        var graph = Graph.Trace(Grads, [.. inputs.Select(i => i.Spec)]);
        // Forward and backward are loops: two Scans, and no per-step ops.
        Assert.Equal(2, graph.OpNodes.Count(n => n.Op is ScanOp));
        var traced = graph.Run(inputs);
        var planned = ExecutionPlan.Create(graph, [.. inputs.Select(i => i.Spec)]).RunAll(inputs);
        for (int i = 0; i < eager.Length; i++)
        {
            TensorAssert.Close(eager[i], traced[i], $"{name} gradient {i} (graph)", 1e-4);
            TensorAssert.Close(eager[i], planned[i], $"{name} gradient {i} (plan)", 1e-4);
        }
    }

    // Eager calls run the loop op too (one Scan, its gradient another); `unroll: true` keeps the per-step ops. The two
    // must agree: outputs, the gradients with respect to the inputs and the weights, and a second-order gradient (a
    // gradient penalty), with masks, go_backwards and every cell.
    public static TheoryData<string> EagerPairs() => ["LSTM sequences+state", "GRU", "GRU reset_after=false backwards", "SimpleRNN masked sequences", "LSTM masked backwards zero_output"];

    [Theory]
    [MemberData(nameof(EagerPairs))]
    public void EagerLoopEqualsTheUnrolledSteps(string name)
    {
        Layer Make(bool unroll) => name switch
        {
            "LSTM sequences+state" => new LSTM(4, returnSequences: true, returnState: true, unroll: unroll),
            "GRU" => new GRU(4, unroll: unroll),
            "GRU reset_after=false backwards" => new GRU(4, resetAfter: false, goBackwards: true, returnSequences: true, unroll: unroll),
            "SimpleRNN masked sequences" => new SimpleRNN(3, returnSequences: true, unroll: unroll),
            _ => new LSTM(3, goBackwards: true, returnSequences: true, zeroOutputForMask: true, unroll: unroll),
        };
        bool masked = name.Contains("masked", StringComparison.Ordinal);
        var x = Random(7, 3, 6, 5);
        Tensor? mask = masked ? Mask() : null;
        Layer loop = Make(false), unrolled = Make(true);
        loop.Invoke(new CallArguments([x], mask));
        unrolled.Invoke(new CallArguments([x], mask));
        var loopWeights = loop.TrainableVariables.ToArray();
        var unrolledWeights = unrolled.TrainableVariables.ToArray();
        for (int i = 0; i < loopWeights.Length; i++) unrolledWeights[i].Assign(loopWeights[i].Value());

        (Tensor[] Outputs, Tensor[] Grads, Tensor[] Penalty) Run(Layer layer, Variable[] weights)
        {
            var input = new Variable(x);
            Tensor[] outputs, grads;
            Tensor[] penalty;
            using (var outer = new GradientTape())
            {
                Tensor loss;
                using (var inner = new GradientTape())
                {
                    outputs = layer.Invoke(new CallArguments([input], mask));
                    loss = Ops.Sum(Ops.Square(outputs[0]));
                    for (int i = 1; i < outputs.Length; i++) loss = Ops.Add(loss, Ops.Sum(outputs[i]));
                    grads = [.. inner.Gradient(loss, [input, .. weights]).Select(g => g!)];
                }
                penalty = [.. outer.Gradient(Ops.Sum(Ops.Square(grads[0])), weights).Select(g => g!)];
            }
            return (outputs, grads, penalty);
        }
        var a = Run(loop, loopWeights);
        var b = Run(unrolled, unrolledWeights);
        for (int i = 0; i < a.Outputs.Length; i++) TensorAssert.Close(b.Outputs[i], a.Outputs[i], $"{name} output {i}", 1e-5);
        for (int i = 0; i < a.Grads.Length; i++) TensorAssert.Close(b.Grads[i], a.Grads[i], $"{name} gradient {i}", 1e-4);
        for (int i = 0; i < a.Penalty.Length; i++) TensorAssert.Close(b.Penalty[i], a.Penalty[i], $"{name} second-order gradient {i}", 1e-3);
    }

    // A gradient penalty traced through a loop that keeps values for its gradient loop (ScanOp.Kept: the LSTM's gate
    // pre-activations, GRU's recurrent product): the second-order gradient reaches the kept values through the gradient
    // loop and must flow back into what computed them (it was dropped before: the kept carries' gradient was taken as zero).
    [Theory]
    [InlineData("LSTM")]
    [InlineData("GRU")]
    [InlineData("SimpleRNN")]
    public void TracedSecondOrderGradientThroughKeptValuesEqualsTheUnrolledSteps(string name)
    {
        Layer Make(bool unroll) => name switch
        {
            "LSTM" => new LSTM(4, returnSequences: true, unroll: unroll),
            "GRU" => new GRU(4, returnSequences: true, unroll: unroll),
            _ => new SimpleRNN(4, returnSequences: true, unroll: unroll),
        };
        var x = Random(9, 2, 5, 3);
        Layer loop = Make(false), unrolled = Make(true);
        loop.Invoke(new CallArguments([x]));
        unrolled.Invoke(new CallArguments([x]));
        var loopWeights = loop.TrainableVariables.ToArray();
        var unrolledWeights = unrolled.TrainableVariables.ToArray();
        for (int i = 0; i < loopWeights.Length; i++) unrolledWeights[i].Assign(loopWeights[i].Value());
        Func<Tensor[], Tensor[]> Penalty(Layer layer, Variable[] weights) => p =>
        {
            using var outer = new GradientTape();
            Tensor gx;
            using (var inner = new GradientTape())
            {
                inner.Watch(p[0]);
                var y = layer.Invoke(new CallArguments([p[0]]))[0];
                gx = inner.Gradient(Ops.Sum(Ops.Square(y)), [p[0]])[0]!;
            }
            return [.. outer.Gradient(Ops.Sum(Ops.Square(gx)), weights).Select(g => g!)];
        };
        var expected = Penalty(unrolled, unrolledWeights)([x]);
        var graph = Graph.Trace(Penalty(loop, loopWeights), [x.Spec]);
        Assert.Contains(graph.OpNodes, n => n.Op is ScanOp { Kept: > 0 });
        var traced = graph.Run([x]);
        for (int i = 0; i < expected.Length; i++) TensorAssert.Close(expected[i], traced[i], $"{name} traced second-order gradient {i}", 1e-3);
    }
}
