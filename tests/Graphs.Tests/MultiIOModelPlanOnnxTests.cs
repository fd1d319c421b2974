using LayerGen.Layers;

namespace LayerGen.Graphs.Tests;

/// <summary>
/// A functional model with several inputs and outputs (merge layers between them) traced through an
/// <see cref="ExecutionPlan"/> and exported to ONNX, run by ONNX Runtime with one feed per input and one result per output.
/// </summary>
public class MultiIOModelPlanOnnxTests
{
    private static Model TwoInThreeOut()
    {
        Keras.ClearSession();
        var a = Keras.Input([4], name: "in_a");
        var b = Keras.Input([3], name: "in_b");
        var ha = new LayerGen.Layers.Dense(5, activation: "relu").Invoke(a);
        var hb = new LayerGen.Layers.Dense(5, activation: "tanh").Invoke(b);
        var mixed = new Concatenate().Invoke([ha, hb, new Multiply().Invoke([ha, hb]), new Subtract().Invoke([ha, hb]),
            new Average().Invoke([ha, hb]), new Maximum().Invoke([ha, hb]), new Minimum().Invoke([ha, hb])]);
        var reg = new LayerGen.Layers.Dense(2) { Name = "out_reg" }.Invoke(mixed);
        var cls = new LayerGen.Layers.Dense(3, activation: "softmax") { Name = "out_cls" }.Invoke(new Add().Invoke([ha, hb]));
        var passthrough = new LayerGen.Layers.Dense(1) { Name = "out_b" }.Invoke(b);
        return new Model([a, b], [reg, cls, passthrough]);
    }

    private static void Close(Tensor expected, Tensor actual, float tol)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.ToArray<float>();
        var g = actual.ToArray<float>();
        for (int i = 0; i < e.Length; i++) Assert.True(Math.Abs(e[i] - g[i]) <= tol, $"[{i}] expected {e[i]} got {g[i]}");
    }

    [Fact]
    public void PlannedAndOnnxRuntimeMatchTheEagerModel()
    {
        var model = TwoInThreeOut();
        var x = new[] { Tensor.RandomNormal([6, 4], generator: new RandomGenerator(1)), Tensor.RandomNormal([6, 3], generator: new RandomGenerator(2)) };
        var eager = model.CallWithTraining(x, training: false);
        Assert.Equal(3, eager.Length);

        // ExecutionPlan with two inputs, three outputs.
        var function = TensorFunction.Trace(xs => model.CallWithTraining(xs, training: false), 2, "two_in_three_out");
        var plan = function.Plan(x[0].Spec, x[1].Spec);
        var planned = plan.RunAll(x);
        Assert.Equal(3, planned.Count);
        for (int i = 0; i < 3; i++) Close(eager[i], planned[i], 1e-6f);
        var again = plan.RunAll(x); // a second run reuses the buffers
        Close(eager[1], again[1], 1e-6f);

        // The model's own planned predict step (several inputs): same outputs.
        var predicted = model.PredictOnBatch(x);
        for (int i = 0; i < 3; i++) Close(eager[i], predicted[i], 1e-6f);

        // ONNX: two graph inputs fed by name, three outputs in order.
        var graph = function.ConcreteFunctions[0].Graph;
        Assert.Equal(2, graph.Inputs.Count());
        Assert.Equal(3, graph.Outputs.Count());
        var bytes = OnnxExport.ToBytes(graph, "two_in_three_out");
        var onnx = OnnxTests.RunOnnx(bytes, graph, x);
        Assert.Equal(3, onnx.Length);
        for (int i = 0; i < 3; i++) Close(eager[i], onnx[i], 1e-5f);

        // Another batch size through ONNX Runtime (the batch dimension is symbolic when traced from a spec without it).
        var dynamicFunction = TensorFunction.Trace(xs => model.CallWithTraining(xs, training: false), 2, "two_in_three_out_dynamic");
        var dynamicGraph = dynamicFunction.GetConcreteFunction(new TensorSpec(new Shape(Shape.Unknown, 4), DType.Float32), new TensorSpec(new Shape(Shape.Unknown, 3), DType.Float32)).Graph;
        var x2 = new[] { x[0][0..2], x[1][0..2] };
        var onnx2 = OnnxTests.RunOnnx(OnnxExport.ToBytes(dynamicGraph, "dynamic"), dynamicGraph, x2);
        var eager2 = model.CallWithTraining(x2, training: false);
        for (int i = 0; i < 3; i++) Close(eager2[i], onnx2[i], 1e-5f);
    }
}
