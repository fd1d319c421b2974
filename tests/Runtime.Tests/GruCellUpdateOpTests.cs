namespace LayerGen.Tests;

/// <summary><see cref="GruCellUpdateOp"/> and <see cref="GruCellUpdateGradOp"/>: equal to the unfused ops, their gradients, shape rules and errors, and GRUCell's use of them.</summary>
public class GruCellUpdateOpTests
{
    /// <summary>The unfused step (reset_after): Keras's gate order z, r, h.</summary>
    private static Tensor Unfused(Tensor x, Tensor inner, Tensor h)
    {
        var xs = Ops.Split(x, 3, axis: 1);
        var rs = Ops.Split(inner, 3, axis: 1);
        var z = Ops.Sigmoid(Ops.Add(xs[0], rs[0]));
        var r = Ops.Sigmoid(Ops.Add(xs[1], rs[1]));
        var hh = Ops.Tanh(Ops.Add(xs[2], Ops.Mul(r, rs[2])));
        return Ops.Add(Ops.Mul(z, h), Ops.Mul(Ops.Sub(Tensor.Scalar(1.0, z.DType), z), hh));
    }

    [Theory]
    [InlineData(DType.Float32, 5, 4)]
    [InlineData(DType.Float32, 3, 3)]      // rows shorter than a vector
    [InlineData(DType.Float32, 64, 128)]   // rows split over the cores in chunks of 21
    [InlineData(DType.Float32, 37, 128)]
    [InlineData(DType.Float64, 33, 128)]
    [InlineData(DType.Float32, 2, 1500)]   // scratch rented instead of on the stack
    [InlineData(DType.Float64, 4, 7)]
    public void EqualsTheUnfusedOpsBitForBit(DType dtype, int batch, int units)
    {
        var gen = new RandomGenerator(41);
        var x = gen.Normal([batch, 3 * units], stddev: 3, dtype: dtype);
        var inner = gen.Normal([batch, 3 * units], stddev: 3, dtype: dtype);
        var h = gen.Normal([batch, units], stddev: 1, dtype: dtype);
        var fused = Ops.GruCellUpdate(x, inner, h);
        Assert.Equal(new Shape(batch, units), fused.Shape);
        Assert.Equal(Unfused(x, inner, h).ToDoubleArray(), fused.ToDoubleArray());
    }

    [Fact]
    public void GradientEqualsTheUnfusedOpsGradient()
    {
        var gen = new RandomGenerator(42);
        var x = new Variable(gen.Normal([3, 6], stddev: 2, dtype: DType.Float64));
        var inner = new Variable(gen.Normal([3, 6], stddev: 2, dtype: DType.Float64));
        var h = new Variable(gen.Normal([3, 2], dtype: DType.Float64));
        var w = gen.Normal([3, 2], dtype: DType.Float64);
        Tensor?[] fused, unfused;
        using (var tape = new GradientTape())
            fused = tape.Gradient(Ops.Sum(Ops.Mul(Ops.GruCellUpdate(x, inner, h), w)), [x, inner, h]);
        using (var tape = new GradientTape())
            unfused = tape.Gradient(Ops.Sum(Ops.Mul(Unfused(x, inner, h), w)), [x, inner, h]);
        for (int k = 0; k < 3; k++)
        {
            double[] a = fused[k]!.ToDoubleArray(), b = unfused[k]!.ToDoubleArray();
            for (int i = 0; i < a.Length; i++) Assert.Equal(b[i], a[i], 1e-14);
        }
    }

    // The fused gradient op against its composite form: float32 rows long enough for the vector path and a tail.
    [Fact]
    public void GradientOpEqualsItsCompositeForm()
    {
        var gen = new RandomGenerator(43);
        int batch = 37, units = 21;
        var x = gen.Normal([batch, 3 * units], stddev: 2);
        var inner = gen.Normal([batch, 3 * units], stddev: 2);
        var h = gen.Normal([batch, units]);
        var g = gen.Normal([batch, units]);
        double[] a = Ops.GruCellUpdateGrad(x, inner, h, g).ToDoubleArray(), b = GruCellUpdateGradOp.Composite(x, inner, h, g).ToDoubleArray();
        Assert.Equal(b.Length, a.Length);
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - b[i]) <= 2e-6 * Math.Max(1, Math.Abs(b[i])), $"{i}: {a[i]:R} vs {b[i]:R}");
    }

    // A trace with an unknown batch takes the gradient written with ops (the fused gradient op needs known shapes).
    [Fact]
    public void GradientWithAnUnknownBatchIsTheCompositeOne()
    {
        var gen = new RandomGenerator(44);
        var x = gen.Normal([2, 6], dtype: DType.Float64);
        var inner = gen.Normal([2, 6], dtype: DType.Float64);
        var h = gen.Normal([2, 2], dtype: DType.Float64);
        Tensor[] Grads(Tensor[] p)
        {
            using var tape = new GradientTape();
            foreach (var t in p) tape.Watch(t);
            return [.. tape.Gradient(Ops.Sum(Ops.Square(Ops.GruCellUpdate(p[0], p[1], p[2]))), p).Select(t => t!)];
        }
        var spec = (int w) => new TensorSpec(new Shape(Shape.Unknown, w), DType.Float64);
        var graph = Graph.Trace(Grads, [spec(6), spec(6), spec(2)]);
        Assert.DoesNotContain(graph.OpNodes, n => n.Op is GruCellUpdateGradOp);
        var traced = graph.Run([x, inner, h]);
        var eager = Grads([x, inner, h]);
        for (int k = 0; k < 3; k++)
        {
            double[] a = traced[k].ToDoubleArray(), b = eager[k].ToDoubleArray();
            for (int i = 0; i < a.Length; i++) Assert.Equal(b[i], a[i], 1e-12);
        }
    }

    [Fact]
    public void ShapeRulesAndTypedErrors()
    {
        var p = Ops.GruCellUpdate(Tensor.Placeholder([Shape.Unknown, 9]), Tensor.Placeholder([Shape.Unknown, 9]), Tensor.Placeholder([Shape.Unknown, 3]));
        Assert.Equal("(None, 3)", p.Shape.ToString());
        var q = Ops.GruCellUpdateGrad(Tensor.Placeholder([4, 9]), Tensor.Placeholder([4, 9]), Tensor.Placeholder([4, 3]), Tensor.Placeholder([4, 3]));
        Assert.Equal(new Shape(84), q.Shape);
        var wrongWidth = Assert.Throws<ShapeMismatchException>(() => Ops.GruCellUpdate(Tensor.Zeros([2, 8]), Tensor.Zeros([2, 9]), Tensor.Zeros([2, 3])));
        Assert.Contains("3 * units = 9", wrongWidth.Message);
        Assert.Contains("GruCellUpdate", wrongWidth.Message);
        var wrongBatch = Assert.Throws<ShapeMismatchException>(() => Ops.GruCellUpdate(Tensor.Zeros([2, 9]), Tensor.Zeros([2, 9]), Tensor.Zeros([4, 3])));
        Assert.Contains("different batch sizes", wrongBatch.Message);
        Assert.Throws<ShapeMismatchException>(() => Ops.GruCellUpdate(Tensor.Zeros([9]), Tensor.Zeros([2, 9]), Tensor.Zeros([2, 3])));
        Assert.Throws<DTypeMismatchException>(() => Ops.GruCellUpdate(Tensor.Zeros([2, 9]), Tensor.Zeros([2, 9], DType.Float64), Tensor.Zeros([2, 3])));
        Assert.Throws<DTypeMismatchException>(() => Ops.GruCellUpdate(Tensor.Zeros([2, 9], DType.Int32), Tensor.Zeros([2, 9], DType.Int32), Tensor.Zeros([2, 3], DType.Int32)));
        Assert.Throws<ShapeMismatchException>(() => Ops.GruCellUpdateGrad(Tensor.Zeros([2, 9]), Tensor.Zeros([2, 9]), Tensor.Zeros([2, 3]), Tensor.Zeros([2, 4])));
    }

    [Fact]
    public void GruCellFusesOnlyWithResetAfterAndTheBuiltInActivations()
    {
        static bool Fuses(GRUCell cell)
        {
            cell.BuildCell(new Shape(2, 3));
            var step = Graph.Trace(p => cell.Step(p[0], [p[1]], false),
                [new TensorSpec(new Shape(2, 6), DType.Float32), new TensorSpec(new Shape(2, 2), DType.Float32)]);
            return step.Nodes.Any(n => n.Op?.Name == "GruCellUpdate");
        }
        Assert.True(Fuses(new GRUCell(2)));
        Assert.False(Fuses(new GRUCell(2, resetAfter: false)));
        Assert.False(Fuses(new GRUCell(2, activation: "relu")));
        Assert.False(Fuses(new GRUCell(2, recurrentActivation: "hard_sigmoid")));
    }
}
