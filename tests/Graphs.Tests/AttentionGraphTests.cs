using LayerGen.Layers;

namespace LayerGen.Graphs.Tests;

/// <summary>
/// The attention layers traced into graphs: their products are Einsum ops (ONNX Einsum) and the masked softmax is
/// Where/Softmax, so the execution plan, the gradient and the exported ONNX model (run by ONNX Runtime) give the
/// eager results.
/// </summary>
public class AttentionGraphTests
{
    public static IEnumerable<object[]> Kinds() => [["mha"], ["mha_causal"], ["gqa"], ["einsum_dense"], ["attention"], ["additive"]];

    private static Func<Tensor, Tensor> Make(string kind)
    {
        Keras.ClearSession();
        RandomGenerator.SetGlobalSeed(31);
        switch (kind)
        {
            case "mha": { var l = new MultiHeadAttention(2, 3, biasInitializer: Initializers.RandomNormal(0, 0.3)); return x => l.Invoke(x, x); }
            case "mha_causal": { var l = new MultiHeadAttention(3, 2, valueDim: 4, outputShape: new Shape(5)); return x => l.Invoke(x, x, useCausalMask: true); }
            case "gqa": { var l = new GroupedQueryAttention(2, 4, 2); return x => l.Invoke(x, x, useCausalMask: true); }
            case "einsum_dense": { var l = new EinsumDense("abc,cde->abde", new Shape(Shape.Unknown, 2, 3), biasAxes: "de", biasInitializer: Initializers.RandomNormal(0, 0.3)); return x => l.Invoke(x); }
            case "attention": { var l = new Attention(useScale: true, scoreMode: "concat"); return x => l.Invoke(x, x, useCausalMask: true); }
            default: { var l = new AdditiveAttention(); return x => l.Invoke(x, x); }
        }
    }

    private static Tensor Input(int batch, int seed) => new RandomGenerator(seed).Normal([batch, 5, 6]);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void PlanEqualsEager(string kind)
    {
        var f = Make(kind);
        f(Input(3, 0)); // builds
        var plan = TensorFunction.Trace(f).Plan(new TensorSpec([3, 5, 6], DType.Float32));
        for (int run = 0; run < 2; run++)
        {
            var x = Input(3, run);
            OnnxTests.AssertClose(f(x), plan.Run(x), $"{kind} run {run}");
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void OnnxExportRunsInOnnxRuntime(string kind)
    {
        var f = Make(kind);
        var x = Input(2, 5);
        f(x);
        var graph = TensorFunction.Trace(f).GetConcreteFunction(x.Spec).Graph;
        var onnx = OnnxExport.ToBytes(graph, kind);
        OnnxTests.AssertClose(f(x), OnnxTests.RunOnnx(onnx, graph, [x])[0], kind);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void TracesWithUnknownBatchAndSequence(string kind)
    {
        // Einsum's shape rule keeps unknown sizes per label, so a product merging two unknown axes (batch and
        // sequence) traces; the graph then runs on any batch and sequence length.
        var f = Make(kind);
        f(Input(3, 0));
        // (A causal mask needs the sequence length: those layers get an unknown batch only.)
        int sequence = kind is "mha_causal" or "gqa" or "attention" ? 5 : Shape.Unknown;
        var graph = Graph.Trace(p => [f(p[0])], [new TensorSpec(new Shape(Shape.Unknown, sequence, 6), DType.Float32)]);
        if (kind is "mha" or "mha_causal" or "gqa" or "einsum_dense")
            Assert.Contains(graph.OpNodes, n => n.Op!.Name == "Einsum");
        foreach (var batch in new[] { 1, 4 })
        {
            var x = sequence == Shape.Unknown ? new RandomGenerator(7 + batch).Normal([batch, 3 + batch, 6]) : Input(batch, 7 + batch);
            OnnxTests.AssertClose(f(x), graph.Run(x)[0], $"{kind} batch {batch}");
        }
    }

    [Fact]
    public void PlannedMultiHeadAttentionAllocatesNothing()
    {
        // The benchmark's layer at a smaller size, large enough that the batched products go over the fork-join pool.
        Keras.ClearSession();
        RandomGenerator.SetGlobalSeed(32);
        var mha = new MultiHeadAttention(4, 16);
        var x = new RandomGenerator(33).Normal([4, 32, 64]);
        var eager = mha.Invoke(x, x);
        var plan = TensorFunction.Trace(t => mha.Invoke(t, t)).Plan(x.Spec);
        for (int i = 0; i < 3; i++) plan.Run(x);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) plan.Run(x);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Empty(plan.AllocatingSteps);
        OnnxTests.AssertClose(eager, plan.Run(x), "planned mha");
    }

    [Fact]
    public void PlannedEncoderBlockForwardAllocatesNothing()
    {
        // The benchmark's encoder block (MHA, residual Adds, LayerNormalization, Dense on the sequence) at a smaller size.
        Keras.ClearSession();
        RandomGenerator.SetGlobalSeed(34);
        var mha = new MultiHeadAttention(4, 8);
        LayerNormalization norm1 = new(epsilon: 1e-5), norm2 = new(epsilon: 1e-5);
        LayerGen.Layers.Dense ff1 = new(64, activation: "relu"), ff2 = new(32);
        Add add1 = new(), add2 = new();
        Tensor Block(Tensor t)
        {
            var h = norm1.Invoke(add1.Invoke([t, mha.Invoke(t, t)]));
            return norm2.Invoke(add2.Invoke([h, ff2.Invoke(ff1.Invoke(h))]));
        }
        var x = new RandomGenerator(35).Normal([4, 16, 32]);
        var eager = Block(x);
        var plan = TensorFunction.Trace(Block).Plan(x.Spec);
        for (int i = 0; i < 3; i++) plan.Run(x);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) plan.Run(x);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        OnnxTests.AssertClose(eager, plan.Run(x), "planned encoder block");
    }
}
