using LayerGen.Layers;

namespace LayerGen.Tests;

/// <summary>
/// <see cref="Ops.LayerNorm"/> and <see cref="Ops.LayerNormGrad"/>: the fused last-axis layer normalization against
/// the ops it replaced in <see cref="LayerNormalization"/> (Keras's expression), forward and gradients.
/// </summary>
public class LayerNormOpTests
{
    // Keras's LayerNormalization over the last axis, as the layer computed it before the fused op.
    private static Tensor Unfused(Tensor x, Tensor gamma, Tensor beta, double epsilon)
    {
        var mean = Ops.Mean(x, [-1], keepDims: true);
        var variance = Ops.Variance(x, [-1], keepDims: true);
        var scaled = Ops.Mul(Ops.Div(Tensor.Scalar(1.0, x.DType), Ops.Sqrt(Ops.Add(variance, Tensor.Scalar(epsilon, x.DType)))), gamma);
        return Ops.Add(Ops.Mul(x, scaled), Ops.Add(Ops.Neg(Ops.Mul(mean, scaled)), beta));
    }

    private static void Near(Tensor expected, Tensor actual, double tol, string what)
    {
        var e = Ops.Cast(expected, DType.Float64).ToArray<double>();
        var a = Ops.Cast(actual, DType.Float64).ToArray<double>();
        Assert.Equal(e.Length, a.Length);
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - a[i]) <= tol * (1 + Math.Abs(e[i])), $"{what} element {i}: expected {e[i]:R}, got {a[i]:R}");
    }

    [Theory]
    [InlineData(DType.Float32, new[] { 3, 5 })]                // short rows: scalar tails, one thread
    // 32,768 elements: rows over both cores in chunks, yet under TensorStoragePool.MinimumBytes (1 MB), so this test
    // fills no pool bucket while TensorStoragePoolTests (same process, in parallel) counts on the pool's idle bytes.
    [InlineData(DType.Float32, new[] { 16, 8, 256 })]
    [InlineData(DType.Float64, new[] { 4, 70, 130 })]
    [InlineData(DType.Float64, new[] { 7 })]                   // rank 1
    public void ForwardAndGradientsEqualTheUnfusedOps(DType dtype, int[] shape)
    {
        int c = shape[^1];
        var x = Ops.Cast(Ops.Add(new RandomGenerator(1).Normal(new Shape(shape), stddev: 3), Tensor.Scalar(2.0, DType.Float32)), dtype);
        var w = Ops.Cast(new RandomGenerator(2).Normal(new Shape(shape)), dtype);
        var gamma = new Variable(Ops.Cast(new RandomGenerator(3).Normal([c]), dtype));
        var beta = new Variable(Ops.Cast(new RandomGenerator(4).Normal([c]), dtype));
        double tol = dtype == DType.Float32 ? 2e-5 : 1e-12;
        Near(Unfused(x, gamma, beta, 1e-3), Ops.LayerNorm(x, gamma, beta, 1e-3), tol, "forward");

        Tensor?[] Grads(Func<Tensor, Tensor> f)
        {
            using var tape = new GradientTape();
            tape.Watch(x);
            var loss = Ops.Sum(Ops.Mul(f(x), w));
            return tape.Gradient(loss, [x, gamma, beta]);
        }
        var fused = Grads(t => Ops.LayerNorm(t, gamma, beta, 1e-3));
        var plain = Grads(t => Unfused(t, gamma, beta, 1e-3));
        string[] names = ["dx", "dgamma", "dbeta"];
        for (int i = 0; i < 3; i++) Near(plain[i]!, fused[i]!, dtype == DType.Float32 ? 1e-4 : 1e-10, names[i]);
    }

    [Fact]
    public void TheLayerUsesTheFusedOpForTheLastAxisAndTheOpsOtherwise()
    {
        var x = new RandomGenerator(5).Normal([2, 3, 4]);
        var last = new LayerNormalization(epsilon: 1e-5);
        var graph = TensorFunction.Trace(t => last.Invoke(t)).Plan(x.Spec);
        var middle = new LayerNormalization(axis: 1);
        var unscaled = new LayerNormalization(scale: false);
        // Other axes, and a layer without gamma or beta, keep Keras's ops and give the same values as the fused path's formula.
        Near(Unfused(x, Tensor.Ones(new Shape(4)), Tensor.Zeros(new Shape(4)), 1e-3), unscaled.Invoke(x), 2e-5, "scale=False");
        Near(last.Invoke(x), graph.Run(x), 0, "planned");
        var ex = middle.Invoke(x);
        Assert.Equal(x.Shape, ex.Shape);
        Assert.Contains("LayerNorm", LayerGen.Graphs.Graph.Trace(p => [last.Invoke(p[0])], [x.Spec]).ToString());
        Assert.DoesNotContain("LayerNorm", LayerGen.Graphs.Graph.Trace(p => [middle.Invoke(p[0])], [x.Spec]).ToString());
    }

    [Fact]
    public void BadOperandsNameTheOpAndTheShapes()
    {
        var x = new RandomGenerator(6).Normal([2, 3]);
        var ex = Assert.Throws<ShapeMismatchException>(() => Ops.LayerNorm(x, Tensor.Ones(new Shape(4)), Tensor.Zeros(new Shape(3))));
        Assert.Contains("LayerNorm", ex.Message);
        Assert.Contains("gamma", ex.Message);
        Assert.Throws<DTypeMismatchException>(() => Ops.LayerNorm(x, Tensor.Ones(new Shape(3), DType.Float64), Tensor.Zeros(new Shape(3))));
        Assert.Throws<ShapeMismatchException>(() => Ops.LayerNormGrad(x, Tensor.Ones(new Shape(3)), Tensor.Ones(new Shape(3, 2))));
    }
}
