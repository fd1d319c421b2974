using LayerGen.Losses;

namespace LayerGen.Graphs.Tests;

/// <summary>
/// A traced training step (forward pass, loss, and the gradients of every variable as outputs) exported to ONNX
/// computes in ONNX Runtime what it computes in LayerGen: the backward pass's ReduceToLike (also where nothing is
/// reduced), the mean's ReducedCount, with a fixed and with an unknown batch dimension.
/// </summary>
public class OnnxTrainingStepTests
{
    /// <summary>A dense layer and a loss: the gradients broadcast the bias and undo the broadcasting of y.</summary>
    internal sealed class Step(string loss)
    {
        public readonly Variable W = new(Tensor.From(new[,] { { 0.5f, -1f }, { 0.25f, 2f }, { -0.75f, 1.5f } }), name: "w");
        public readonly Variable B = new(Tensor.From(new[] { 0.1f, -0.2f }), name: "b");

        public Tensor[] LossAndGradients(Tensor[] xy)
        {
            using var tape = new GradientTape();
            var prediction = Ops.MatMul(xy[0], W) + B;
            var l = loss switch
            {
                "sum" => Ops.Sum(Ops.Square(prediction - xy[1])),
                "mean" => Ops.Mean(Ops.Square(prediction - xy[1])),
                "mean_axis" => Ops.Sum(Ops.Mean(Ops.Square(prediction - xy[1]), axis: 0)),
                _ => new MeanSquaredError().Call(xy[1], prediction),
            };
            var grads = tape.Gradient(l, [W, B]);
            return [l, .. grads.Select(g => g!)];
        }
    }

    private static readonly Tensor X = Tensor.From(new[,] { { 1f, 2f, 3f }, { -1f, 0.5f, 2f }, { 0f, 1f, -2f }, { 3f, -1f, 1f } });
    private static readonly Tensor Y = Tensor.From(new[,] { { 1f, 0f }, { 0f, 1f }, { 2f, -1f }, { 0.5f, 0.5f } });

    // The Loss classes divide by the batch's element count when traced, so they need a known batch size (Loss.Reduce);
    // Ops.Mean's gradient (ReducedCount) covers the unknown batch.
    private static bool[] UnknownBatch(string loss) => loss == "mse" ? [false] : [false, true];

    /// <summary>Every training step the tests export, by name: (graph, ONNX bytes, inputs).</summary>
    internal static IEnumerable<(string Name, Graph Graph, byte[] Model, Tensor[] Inputs)> Models()
    {
        foreach (var loss in new[] { "sum", "mean", "mean_axis", "mse" })
            foreach (bool unknownBatch in UnknownBatch(loss))
            {
                var step = new Step(loss);
                int batch = unknownBatch ? -1 : 4;
                var fn = TensorFunction.Trace(step.LossAndGradients, 2, "step",
                    [new TensorSpec(new Shape(batch, 3), DType.Float32), new TensorSpec(new Shape(batch, 2), DType.Float32)]);
                var graph = fn.GetConcreteFunction(X.Spec, Y.Spec).Graph;
                yield return ($"{loss}_{(unknownBatch ? "unknown" : "fixed")}_batch", graph, OnnxExport.ToBytes(graph, "step"), [X, Y]);
            }
    }

    [Theory]
    [InlineData("sum")]
    [InlineData("mean")]
    [InlineData("mean_axis")]
    [InlineData("mse")]
    public void TracedTrainingStepRunsInOnnxRuntime(string loss)
    {
        foreach (bool unknownBatch in UnknownBatch(loss))
        {
            var step = new Step(loss);
            var eager = step.LossAndGradients([X, Y]);
            int batch = unknownBatch ? -1 : 4;
            var fn = TensorFunction.Trace(step.LossAndGradients, 2, "step",
                [new TensorSpec(new Shape(batch, 3), DType.Float32), new TensorSpec(new Shape(batch, 2), DType.Float32)]);
            var graph = fn.GetConcreteFunction(X.Spec, Y.Spec).Graph;
            var model = OnnxExport.ToBytes(graph, "step");
            var onnx = OnnxTests.RunOnnx(model, graph, [X, Y]);
            Assert.Equal(3, onnx.Length);
            string[] names = ["loss", "dw", "db"];
            for (int i = 0; i < 3; i++) OnnxTests.AssertClose(eager[i], onnx[i], $"{loss}, batch {batch}: {names[i]}");
            if (unknownBatch)
            {
                // Another batch size through the same model.
                var x7 = Tensor.RandomNormal([7, 3]);
                var y7 = Tensor.RandomNormal([7, 2]);
                var eager7 = step.LossAndGradients([x7, y7]);
                var onnx7 = OnnxTests.RunOnnx(model, graph, [x7, y7]);
                for (int i = 0; i < 3; i++) OnnxTests.AssertClose(eager7[i], onnx7[i], $"{loss}, batch of 7: {names[i]}");
            }
        }
    }

    [Fact]
    public void ReduceToLikeThatReducesNothingRunsInOnnxRuntime()
    {
        // x and like of the same shape: the gradient of a - b where neither broadcasts.
        foreach (var shape in new[] { new Shape(4, 2), new Shape(-1, 2) })
        {
            var graph = Graph.Trace(p => [Ops.ReduceToLike(p[0], p[1])], [new(shape, DType.Float32), new(shape, DType.Float32)]);
            var x = Tensor.RandomNormal([4, 2]);
            OnnxTests.AssertClose(x, OnnxTests.RunOnnx(OnnxExport.ToBytes(graph), graph, [x, Tensor.Zeros([4, 2])])[0], $"ReduceToLike {shape}");
        }
    }

    [Fact]
    public void ReduceToLikeWithUnknownDimensionsRunsInOnnxRuntime()
    {
        // Whether an axis is reduced is known only at run time when like's size there is unknown: the export
        // computes the axes from both shapes in the model.
        var cases = new (int[] X, int[] Like, (int[] X, int[] Like)[] Runs)[]
        {
            ([-1, 3], [1, 3], [([5, 3], [1, 3]), ([1, 3], [1, 3])]),
            ([-1, -1], [-1, -1], [([5, 3], [1, 3]), ([5, 3], [5, 1]), ([5, 3], [5, 3]), ([5, 3], [1, 1]), ([1, 1], [1, 1])]),
            ([2, 3], [-1], [([2, 3], [3]), ([2, 3], [1])]),
            ([-1, 3], [-1, 1], [([5, 3], [5, 1]), ([5, 3], [1, 1])]),
            ([-1, 2, 3], [-1, 3], [([4, 2, 3], [2, 3]), ([4, 2, 3], [1, 3])]),
        };
        foreach (var (xs, ls, runs) in cases)
        {
            var graph = Graph.Trace(p => [Ops.ReduceToLike(p[0], p[1])], [new(new Shape(xs), DType.Float32), new(new Shape(ls), DType.Float32)]);
            var model = OnnxExport.ToBytes(graph);
            foreach (var (x, like) in runs)
            {
                var xv = Tensor.RandomNormal(new Shape(x));
                var lv = Tensor.Zeros(new Shape(like));
                OnnxTests.AssertClose(Ops.ReduceToLike(xv, lv), OnnxTests.RunOnnx(model, graph, [xv, lv])[0], $"{new Shape(xs)} to {new Shape(ls)}: {xv.Shape} to {lv.Shape}");
            }
        }
    }

    [Theory]
    [InlineData(new[] { 4, 2 }, null)]
    [InlineData(new[] { -1, 2 }, null)]
    [InlineData(new[] { -1, 2 }, new[] { 0 })]
    [InlineData(new[] { -1, 2 }, new[] { -1 })]
    [InlineData(new[] { -1, -1 }, new[] { 1, 0 })]
    [InlineData(new[] { -1, 2 }, new int[0])]
    public void ReducedCountRunsInOnnxRuntime(int[] shape, int[]? axes)
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64, DType.Int32, DType.Int64 })
        {
            var graph = Graph.Trace(p => [OpRunner.Run(new ReducedCountOp(axes), p)], [new(new Shape(shape), dtype)]);
            var x = Ops.Cast(Tensor.RandomNormal([4, 2]), dtype);
            OnnxTests.AssertClose(OpRunner.Run(new ReducedCountOp(axes), x), OnnxTests.RunOnnx(OnnxExport.ToBytes(graph), graph, [x])[0], $"ReducedCount {dtype}");
        }
    }

    [Theory]
    [InlineData("Sum")]
    [InlineData("Mean")]
    [InlineData("Max")]
    [InlineData("Min")]
    [InlineData("Prod")]
    public void AReductionOverNoAxesReducesNothingInOnnxRuntime(string name)
    {
        foreach (bool keepDims in new[] { false, true })
        {
            Op op = name switch
            {
                "Sum" => new SumOp([], keepDims), "Mean" => new MeanOp([], keepDims), "Max" => new MaxOp([], keepDims),
                "Min" => new MinOp([], keepDims), _ => new ProdOp([], keepDims),
            };
            var graph = Graph.Trace(p => [OpRunner.Run(op, p)], [new(new Shape(2, 3), DType.Float32)]);
            var x = Tensor.RandomNormal([2, 3]);
            OnnxTests.AssertClose(OpRunner.Run(op, x), OnnxTests.RunOnnx(OnnxExport.ToBytes(graph), graph, [x])[0], op.ToString()!);
        }
    }

    [Fact]
    public void ASqueezeOfNoAxesRemovesNothingInOnnxRuntime()
    {
        var op = new SqueezeOp([]);
        var graph = Graph.Trace(p => [OpRunner.Run(op, p)], [new(new Shape(2, 1, 3), DType.Float32)]);
        var x = Tensor.RandomNormal([2, 1, 3]);
        OnnxTests.AssertClose(OpRunner.Run(op, x), OnnxTests.RunOnnx(OnnxExport.ToBytes(graph), graph, [x])[0], op.ToString()!);
    }
}
