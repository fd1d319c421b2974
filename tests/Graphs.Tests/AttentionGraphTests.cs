using LayerGen.Layers;

namespace LayerGen.Graphs.Tests;

/// <summary>
/// The attention layers traced into graphs: Einsum is composed of Transpose/Reshape/Sum/MatMul and the masked
/// softmax of Where/Softmax, so the execution plan, the gradient and the exported ONNX model (run by ONNX Runtime)
/// give the eager results.
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
}
