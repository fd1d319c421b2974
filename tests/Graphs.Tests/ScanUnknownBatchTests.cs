namespace LayerGen.Graphs.Tests;

/// <summary>
/// Recurrent layers traced with a <c>None</c> batch (<c>[None, T, F]</c>) still make one loop op (<see cref="ScanOp"/>,
/// batched layout <c>(1 + T, B, W)</c>): the graph, its plans at several batch sizes and ONNX Runtime (the exported
/// model's batch is symbolic) give the eager layer's values; a plan made for one batch size allocates nothing per run.
/// An unknown number of steps too, except for a backwards layer returning sequences (it reverses its outputs).
/// </summary>
public class ScanUnknownBatchTests
{
    private static Tensor Random(int seed, params int[] shape) => Tensor.RandomNormal(shape, generator: new RandomGenerator(seed));

    /// <summary>A mask of <paramref name="batch"/> rows keeping 6, 4, 1, 5, ... steps (trailing padding, with a hole in row 1).</summary>
    private static Tensor Mask(int batch)
    {
        var keep = new bool[batch, 6];
        int[] lengths = [6, 4, 1, 5, 3];
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < lengths[b % lengths.Length]; t++) keep[b, t] = !(b == 1 && t == 2);
        return Tensor.From(keep);
    }

    public static TheoryData<string> Variants() => [.. Layers.Keys];

    private static readonly Dictionary<string, (Func<Layer> Make, bool Masked, int Loops)> Layers = new(StringComparer.Ordinal)
    {
        ["SimpleRNN"] = (() => new SimpleRNN(4), false, 1),
        ["LSTM sequences+state"] = (() => new LSTM(4, returnSequences: true, returnState: true), false, 1),
        ["GRU reset_after=false backwards sequences"] = (() => new GRU(4, resetAfter: false, goBackwards: true, returnSequences: true), false, 1),
        ["LSTM masked backwards sequences zero_output"] = (() => new LSTM(3, goBackwards: true, returnSequences: true, zeroOutputForMask: true), true, 1),
        ["GRU masked state"] = (() => new GRU(3, returnState: true), true, 1),
        ["Bidirectional LSTM masked"] = (() => new Bidirectional(new LSTM(3, returnSequences: true)), true, 2),
    };

    private static Tensor[] Call(Layer layer, Tensor[] inputs) => layer.Invoke(new CallArguments([inputs[0]], inputs.Length > 1 ? inputs[1] : null));

    private static Tensor[] Inputs(bool masked, int batch, int seed) => masked ? [Random(seed, batch, 6, 5), Mask(batch)] : [Random(seed, batch, 6, 5)];

    [Theory]
    [MemberData(nameof(Variants))]
    public void ANoneBatchTracesOneLoopThatRunsAtEveryBatchSize(string name)
    {
        var (make, masked, loops) = Layers[name];
        var layer = make();
        Call(layer, Inputs(masked, 2, 1));
        TensorSpec[] specs = masked
            ? [new TensorSpec(new Shape(-1, 6, 5), DType.Float32), new TensorSpec(new Shape(-1, 6), DType.Bool)]
            : [new TensorSpec(new Shape(-1, 6, 5), DType.Float32)];
        var graph = Graph.Trace(p => Call(layer, p), specs);
        var scans = graph.OpNodes.Where(n => n.Op is ScanOp).Select(n => (ScanOp)n.Op!).ToArray();
        Assert.Equal(loops, scans.Length);
        Assert.All(scans, s => Assert.True(s.Batched));
        var onnx = OnnxExport.ToBytes(graph);
        foreach (int batch in new[] { 3, 5, 1 })
        {
            var inputs = Inputs(masked, batch, 10 + batch);
            var eager = Call(layer, inputs);
            var traced = graph.Run(inputs);
            var planned = ExecutionPlan.Create(graph, [.. inputs.Select(i => i.Spec)]).RunAll(inputs);
            var ort = OnnxTests.RunOnnx(onnx, graph, inputs);
            for (int o = 0; o < eager.Length; o++)
            {
                TensorAssert.Close(eager[o], traced[o], $"{name} batch {batch} graph output {o}");
                TensorAssert.Close(eager[o], planned[o], $"{name} batch {batch} plan output {o}");
                TensorAssert.Close(eager[o], ort[o], $"{name} batch {batch} ONNX Runtime output {o}", 1e-4);
            }
        }
    }

    [Theory]
    [InlineData("SimpleRNN")]
    [InlineData("LSTM sequences+state")]
    [InlineData("GRU masked state")]
    [InlineData("LSTM masked backwards last output")]
    public void AnUnknownBatchAndLengthTraceOneLoopThatRunsAtEveryLength(string name)
    {
        (Layer layer, bool masked) = name switch
        {
            "SimpleRNN" => ((Layer)new SimpleRNN(4), false),
            "LSTM sequences+state" => (new LSTM(4, returnSequences: true, returnState: true), false),
            "GRU masked state" => (new GRU(3, returnState: true), true),
            _ => (new LSTM(3, goBackwards: true), true),
        };
        Call(layer, Inputs(masked, 2, 1));
        TensorSpec[] specs = masked
            ? [new TensorSpec(new Shape(-1, -1, 5), DType.Float32), new TensorSpec(new Shape(-1, -1), DType.Bool)]
            : [new TensorSpec(new Shape(-1, -1, 5), DType.Float32)];
        var graph = Graph.Trace(p => Call(layer, p), specs);
        Assert.Single(graph.OpNodes, n => n.Op is ScanOp);
        var onnx = OnnxExport.ToBytes(graph);
        foreach (var (batch, steps) in new[] { (3, 6), (2, 3), (5, 9) })
        {
            var x = Random(20 + steps, batch, steps, 5);
            Tensor[] inputs = masked ? [x, Tensor.From<bool>(Enumerable.Range(0, batch * steps).Select(i => i % steps < steps - i / steps % 3).ToArray(), new Shape(batch, steps))] : [x];
            var eager = Call(layer, inputs);
            var traced = graph.Run(inputs);
            var planned = ExecutionPlan.Create(graph, [.. inputs.Select(i => i.Spec)]).RunAll(inputs);
            var ort = OnnxTests.RunOnnx(onnx, graph, inputs);
            for (int o = 0; o < eager.Length; o++)
            {
                TensorAssert.Close(eager[o], traced[o], $"{name} ({batch}, {steps}) graph output {o}");
                TensorAssert.Close(eager[o], planned[o], $"{name} ({batch}, {steps}) plan output {o}");
                TensorAssert.Close(eager[o], ort[o], $"{name} ({batch}, {steps}) ONNX Runtime output {o}", 1e-4);
            }
        }
    }

    [Fact]
    public void APlanOfANoneBatchLoopAllocatesNothingPerRun()
    {
        var lstm = new LSTM(8, returnSequences: true);
        lstm.Invoke(Random(2, 2, 5, 3));
        var graph = Graph.Trace(p => lstm.Invoke(p[0]), [new TensorSpec(new Shape(-1, 5, 3), DType.Float32)]);
        Assert.Single(graph.OpNodes, n => n.Op is ScanOp);
        // The graph does not grow with the steps either.
        var fifty = Graph.Trace(p => lstm.Invoke(p[0]), [new TensorSpec(new Shape(-1, 50, 3), DType.Float32)]);
        Assert.Equal(graph.Nodes.Count, fifty.Nodes.Count);
        var x = Random(3, 4, 5, 3);
        var plan = ExecutionPlan.Create(graph, x.Spec);
        TensorAssert.Close(lstm.Invoke(x)[0], plan.RunAll([x])[0], "planned");
        Tensor[] xs = [x];
        for (int i = 0; i < 3; i++) plan.RunAll(xs);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) plan.RunAll(xs);
        long alone = (GC.GetAllocatedBytesForCurrentThread() - before) / 10;
        Assert.True(alone == 0, $"bytes per run: {alone}; allocating steps: {string.Join(", ", plan.AllocatingSteps)}");

        // A second plan of the one graph (a last batch of 7) run alternately: the loop op keeps a body plan per batch
        // size (the last four), so alternating does not re-plan the body, which a new batch size's first run does.
        var last = Random(4, 7, 5, 3);
        var lastPlan = ExecutionPlan.Create(graph, last.Spec);
        Tensor[] lasts = [last];
        before = GC.GetAllocatedBytesForCurrentThread();
        var first = lastPlan.RunAll(lasts)[0];
        long firstRun = GC.GetAllocatedBytesForCurrentThread() - before;
        TensorAssert.Close(lstm.Invoke(last)[0], first, "planned, batch 7");
        for (int i = 0; i < 3; i++) { plan.RunAll(xs); lastPlan.RunAll(lasts); }
        before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) { plan.RunAll(xs); lastPlan.RunAll(lasts); }
        long alternating = (GC.GetAllocatedBytesForCurrentThread() - before) / 10;
        Assert.True(alternating * 8 < firstRun, $"bytes per pair of runs: {alternating}; the first run at batch 7 (body planned): {firstRun}");
    }

    [Fact]
    public void AGradientTracedWithANoneBatchUnrollsAndAManualLoopSaysWhy()
    {
        // A tape recording while the batch is unknown keeps the unrolled trace (the loop's gradient needs known shapes)...
        var gru = new GRU(3);
        var x = Random(4, 2, 4, 2);
        gru.Invoke(x);
        var weights = gru.TrainableVariables.ToArray();
        Tensor[] Grads(Tensor[] p)
        {
            using var tape = new GradientTape();
            var loss = Ops.Sum(Ops.Square(gru.Invoke(p[0])[0]));
            return [.. tape.Gradient(loss, [.. weights]).Select(g => g!)];
        }
        var graph = Graph.Trace(Grads, [new TensorSpec(new Shape(-1, 4, 2), DType.Float32)]);
        Assert.DoesNotContain(graph.OpNodes, n => n.Op is ScanOp);
        var eager = Grads([x]);
        var traced = graph.Run(x);
        for (int i = 0; i < eager.Length; i++) TensorAssert.Close(eager[i], traced[i], $"gradient {i}", 1e-4);
        // ...and a loop made by hand with an unknown batch refuses its gradient with a typed error naming the op.
        var e = Assert.Throws<NotSupportedException>(() => Graph.Trace(p =>
        {
            using var tape = new GradientTape();
            tape.Watch(p[0]);
            var zeros = Ops.Mul(Ops.Squeeze(Ops.Slice(p[0], [0, 0, 0], [1, -1, -1]), 0), Tensor.Scalar(0f));
            var (op, inputs, r) = ScanOp.Apply(c => [Ops.Add(c[0], c[1])], [zeros], [p[0]], batched: true);
            var y = Ops.Sum(ScanOp.Part(r, op, inputs, 0, stacked: false));
            return [tape.Gradient(y, p[0])!];
        }, [new TensorSpec(new Shape(3, -1, 2), DType.Float32)]));
        Assert.Contains("Scan", e.Message);
    }
}
