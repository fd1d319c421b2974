namespace LayerGen.Tests;

/// <summary><see cref="LstmCellUpdateGradOp"/>: the one-pass kernel against its composite ops, its use by LstmCellUpdate's gradient, its shape rule and errors.</summary>
public class LstmCellUpdateGradOpTests
{
    [Theory]
    [InlineData(DType.Float32, 5, 4)]
    [InlineData(DType.Float32, 64, 128)]
    [InlineData(DType.Float32, 37, 128)]  // rows split over the cores in chunks of 16, 16 and 5
    [InlineData(DType.Float64, 33, 128)]  // float64 rows split too
    [InlineData(DType.Float32, 3, 13)]     // a scalar tail after the vectors
    [InlineData(DType.Float32, 2, 1100)]   // scratch rented instead of on the stack
    [InlineData(DType.Float64, 4, 7)]
    public void EqualsItsCompositeOps(DType dtype, int batch, int units)
    {
        var gen = new RandomGenerator(41);
        var z = gen.Normal([batch, 4 * units], stddev: 3, dtype: dtype);
        var c = gen.Normal([batch, units], stddev: 2, dtype: dtype);
        var hc = Ops.LstmCellUpdate(z, c);
        var g = gen.Normal([2, batch, units], dtype: dtype);
        var fused = Ops.LstmCellUpdateGrad(z, c, hc, g);
        Assert.Equal(new Shape(5 * batch * units), fused.Shape);
        double[] a = fused.ToDoubleArray(), b = LstmCellUpdateGradOp.Composite(z, c, hc, g).ToDoubleArray();
        double tolerance = dtype == DType.Float32 ? 2e-6 : 1e-14;
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - b[i]) <= tolerance * Math.Max(1, Math.Abs(b[i])), $"{i}: {a[i]:R} vs {b[i]:R}");
    }

    [Fact]
    public void TheCellUpdatesGradientIsTheFusedOpWithKnownShapesOnly()
    {
        static Graph GradientGraph(int batch)
        {
            var specs = new[] { new TensorSpec(new Shape(batch, 8), DType.Float32), new TensorSpec(new Shape(batch, 2), DType.Float32) };
            return Graph.Trace(p =>
            {
                using var tape = new GradientTape();
                tape.Watch(p[0]);
                tape.Watch(p[1]);
                return [.. tape.Gradient(Ops.Sum(Ops.Square(Ops.LstmCellUpdate(p[0], p[1]))), [p[0], p[1]]).Select(t => t!)];
            }, specs);
        }
        Assert.Contains(GradientGraph(3).OpNodes, n => n.Op is LstmCellUpdateGradOp);
        Assert.DoesNotContain(GradientGraph(Shape.Unknown).OpNodes, n => n.Op is LstmCellUpdateGradOp);
    }

    [Fact]
    public void ShapeRuleAndTypedErrors()
    {
        var p = Ops.LstmCellUpdateGrad(Tensor.Placeholder([Shape.Unknown, 12]), Tensor.Placeholder([Shape.Unknown, 3]), Tensor.Placeholder([2, Shape.Unknown, 3]), Tensor.Placeholder([2, Shape.Unknown, 3]));
        Assert.Equal("(None,)", p.Shape.ToString());
        Assert.Equal(new Shape(30), Ops.LstmCellUpdateGrad(Tensor.Zeros([2, 12]), Tensor.Zeros([2, 3]), Tensor.Zeros([2, 2, 3]), Tensor.Zeros([2, 2, 3])).Shape);
        var wrongWidth = Assert.Throws<ShapeMismatchException>(() => Ops.LstmCellUpdateGrad(Tensor.Zeros([2, 10]), Tensor.Zeros([2, 3]), Tensor.Zeros([2, 2, 3]), Tensor.Zeros([2, 2, 3])));
        Assert.Contains("LstmCellUpdateGrad", wrongWidth.Message);
        Assert.Contains("(2, 12)", wrongWidth.Message);
        var wrongOutput = Assert.Throws<ShapeMismatchException>(() => Ops.LstmCellUpdateGrad(Tensor.Zeros([2, 12]), Tensor.Zeros([2, 3]), Tensor.Zeros([2, 4, 3]), Tensor.Zeros([2, 2, 3])));
        Assert.Contains("(2, 2, 3)", wrongOutput.Message);
        Assert.Throws<ShapeMismatchException>(() => Ops.LstmCellUpdateGrad(Tensor.Zeros([2, 12]), Tensor.Zeros([2, 3]), Tensor.Zeros([2, 3]), Tensor.Zeros([2, 2, 3])));
        Assert.Throws<DTypeMismatchException>(() => Ops.LstmCellUpdateGrad(Tensor.Zeros([2, 12]), Tensor.Zeros([2, 3], DType.Float64), Tensor.Zeros([2, 2, 3]), Tensor.Zeros([2, 2, 3])));
        Assert.Throws<DTypeMismatchException>(() => Ops.LstmCellUpdateGrad(Tensor.Zeros([2, 12], DType.Int32), Tensor.Zeros([2, 3], DType.Int32), Tensor.Zeros([2, 2, 3], DType.Int32), Tensor.Zeros([2, 2, 3], DType.Int32)));
    }
}
