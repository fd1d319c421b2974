namespace LayerGen.Tests;

/// <summary><see cref="LstmCellUpdateOp"/>: equal to the unfused ops, its gradient, its shape rule and errors, and LSTMCell's use of it.</summary>
public class LstmCellUpdateOpTests
{
    /// <summary>The unfused step: Keras's gate order i, f, c, o.</summary>
    private static (Tensor H, Tensor C) Unfused(Tensor z, Tensor c)
    {
        var g = Ops.Split(z, 4, axis: 1);
        var cNew = Ops.Add(Ops.Mul(Ops.Sigmoid(g[1]), c), Ops.Mul(Ops.Sigmoid(g[0]), Ops.Tanh(g[2])));
        return (Ops.Mul(Ops.Sigmoid(g[3]), Ops.Tanh(cNew)), cNew);
    }

    [Theory]
    [InlineData(DType.Float32, 5, 4)]
    [InlineData(DType.Float32, 64, 128)]
    [InlineData(DType.Float32, 37, 128)]  // rows split over the cores in chunks of 16, 16 and 5
    [InlineData(DType.Float64, 33, 128)]  // float64 rows split too
    [InlineData(DType.Float32, 2, 1100)]   // scratch rented instead of on the stack
    [InlineData(DType.Float64, 4, 7)]
    public void EqualsTheUnfusedOpsBitForBit(DType dtype, int batch, int units)
    {
        var gen = new RandomGenerator(31);
        var z = gen.Normal([batch, 4 * units], stddev: 3, dtype: dtype);
        var c = gen.Normal([batch, units], stddev: 2, dtype: dtype);
        var hc = Ops.LstmCellUpdate(z, c);
        Assert.Equal(new Shape(2, batch, units), hc.Shape);
        var (h, cNew) = Unfused(z, c);
        Assert.Equal(h.ToDoubleArray(), Ops.IndexAxis0(hc, 0).ToDoubleArray());
        Assert.Equal(cNew.ToDoubleArray(), Ops.IndexAxis0(hc, 1).ToDoubleArray());
    }

    // Rows of fewer than 4 float32 units: the float32 sigmoid pads a span's tail through its vector code, so short
    // gate rows round as the whole tensor does (TensorPrimitives.Sigmoid, used before, took its scalar path there and
    // could differ by an ulp); the tolerance stays for the float64 path, which still uses TensorPrimitives.
    [Fact]
    public void ShortRowsAreWithinAnUlpOfTheUnfusedOps()
    {
        var gen = new RandomGenerator(33);
        var z = gen.Normal([5, 12], stddev: 3);
        var c = gen.Normal([5, 3], stddev: 2);
        var hc = Ops.LstmCellUpdate(z, c);
        var (h, cNew) = Unfused(z, c);
        double[] a = [.. Ops.IndexAxis0(hc, 0).ToDoubleArray(), .. Ops.IndexAxis0(hc, 1).ToDoubleArray()];
        double[] b = [.. h.ToDoubleArray(), .. cNew.ToDoubleArray()];
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - b[i]) <= 4e-7 * Math.Max(1, Math.Abs(b[i])), $"{i}: {a[i]:R} vs {b[i]:R}");
    }

    [Fact]
    public void GradientEqualsTheUnfusedOpsGradient()
    {
        var gen = new RandomGenerator(32);
        var z = new Variable(gen.Normal([3, 8], stddev: 2, dtype: DType.Float64));
        var c = new Variable(gen.Normal([3, 2], dtype: DType.Float64));
        var wh = gen.Normal([3, 2], dtype: DType.Float64);
        var wc = gen.Normal([3, 2], dtype: DType.Float64);
        Tensor?[] fused, unfused;
        using (var tape = new GradientTape())
        {
            var hc = Ops.LstmCellUpdate(z, c);
            fused = tape.Gradient(Ops.Add(Ops.Sum(Ops.Mul(Ops.IndexAxis0(hc, 0), wh)), Ops.Sum(Ops.Mul(Ops.IndexAxis0(hc, 1), wc))), [z, c]);
        }
        using (var tape = new GradientTape())
        {
            var (h, cNew) = Unfused(z, c);
            unfused = tape.Gradient(Ops.Add(Ops.Sum(Ops.Mul(h, wh)), Ops.Sum(Ops.Mul(cNew, wc))), [z, c]);
        }
        for (int k = 0; k < 2; k++)
        {
            double[] a = fused[k]!.ToDoubleArray(), b = unfused[k]!.ToDoubleArray();
            for (int i = 0; i < a.Length; i++) Assert.Equal(b[i], a[i], 1e-14);
        }
    }

    [Fact]
    public void ShapeRuleAndTypedErrors()
    {
        var p = Ops.LstmCellUpdate(Tensor.Placeholder([Shape.Unknown, 12]), Tensor.Placeholder([Shape.Unknown, 3]));
        Assert.Equal("(2, None, 3)", p.Shape.ToString());
        var wrongWidth = Assert.Throws<ShapeMismatchException>(() => Ops.LstmCellUpdate(Tensor.Zeros([2, 10]), Tensor.Zeros([2, 3])));
        Assert.Contains("4 * units = 12", wrongWidth.Message);
        var wrongBatch = Assert.Throws<ShapeMismatchException>(() => Ops.LstmCellUpdate(Tensor.Zeros([2, 12]), Tensor.Zeros([4, 3])));
        Assert.Contains("different batch sizes", wrongBatch.Message);
        Assert.Throws<ShapeMismatchException>(() => Ops.LstmCellUpdate(Tensor.Zeros([12]), Tensor.Zeros([2, 3])));
        Assert.Throws<DTypeMismatchException>(() => Ops.LstmCellUpdate(Tensor.Zeros([2, 12]), Tensor.Zeros([2, 3], DType.Float64)));
        Assert.Throws<DTypeMismatchException>(() => Ops.LstmCellUpdate(Tensor.Zeros([2, 12], DType.Int32), Tensor.Zeros([2, 3], DType.Int32)));
    }

    [Fact]
    public void LstmCellFusesOnlyWithTheBuiltInActivations()
    {
        static bool Fuses(LSTMCell cell)
        {
            cell.BuildCell(new Shape(2, 3));
            var step = Graph.Trace(p => cell.Step(p[0], [p[1], p[2]], false),
                [new TensorSpec(new Shape(2, 8), DType.Float32), new TensorSpec(new Shape(2, 2), DType.Float32), new TensorSpec(new Shape(2, 2), DType.Float32)]);
            return step.Nodes.Any(n => n.Op?.Name == "LstmCellUpdate");
        }
        Assert.True(Fuses(new LSTMCell(2)));
        Assert.False(Fuses(new LSTMCell(2, activation: "relu")));
        Assert.False(Fuses(new LSTMCell(2, recurrentActivation: "hard_sigmoid")));
    }
}
