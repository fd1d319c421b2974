namespace LayerGen.Tests;

/// <summary><see cref="Ops.SoftmaxGrad"/>: the fused softmax gradient against the four ops it replaced (<c>y · (g − sum(g · y))</c>).</summary>
public class SoftmaxGradTests
{
    private static Tensor Unfused(Tensor g, Tensor y, int axis) => Ops.Mul(y, Ops.Sub(g, Ops.Sum(Ops.Mul(g, y), axis, keepDims: true)));

    [Theory]
    [InlineData(DType.Float32, -1, new[] { 3, 5, 7 })]              // short rows, one thread
    [InlineData(DType.Float32, -1, new[] { 8, 4, 64, 128 })]        // attention's scores: rows over the pool in chunks
    [InlineData(DType.Float64, -1, new[] { 2, 300, 130 })]
    [InlineData(DType.Float32, 1, new[] { 4, 6, 5 })]               // a strided axis
    [InlineData(DType.Float64, 0, new[] { 5, 3 })]
    public void EqualsTheUnfusedOps(DType dtype, int axis, int[] shape)
    {
        var y = Ops.Cast(Ops.Softmax(new RandomGenerator(1).Normal(new Shape(shape), stddev: 3), axis), dtype);
        var g = Ops.Cast(new RandomGenerator(2).Normal(new Shape(shape)), dtype);
        var fused = Ops.Cast(Ops.SoftmaxGrad(g, y, axis), DType.Float64).ToArray<double>();
        var plain = Ops.Cast(Unfused(g, y, axis), DType.Float64).ToArray<double>();
        // The row sums are added in another order (a vectorized dot product): a few units in the last place of the sum.
        double tol = dtype == DType.Float32 ? 1e-6 : 1e-14;
        for (int i = 0; i < plain.Length; i++)
            Assert.True(Math.Abs(fused[i] - plain[i]) <= tol * (1 + Math.Abs(plain[i])), $"element {i}: fused {fused[i]:R}, unfused {plain[i]:R}");
    }

    [Fact]
    public void SoftmaxGradientIsTheFusedOpAndMatchesFiniteDifferences()
    {
        var x = Ops.Cast(new RandomGenerator(3).Normal([2, 3, 4]), DType.Float64);
        var w = Ops.Cast(new RandomGenerator(4).Normal([2, 3, 4]), DType.Float64);
        double Loss(Tensor t) => Ops.Sum(Ops.Mul(Ops.Softmax(t, -1), w)).ToArray<double>()[0];
        Tensor grad;
        using (var tape = new GradientTape())
        {
            tape.Watch(x);
            var loss = Ops.Sum(Ops.Mul(Ops.Softmax(x, -1), w));
            grad = tape.Gradient(loss, [x])[0]!;
        }
        var xs = x.ToArray<double>();
        var gs = grad.ToArray<double>();
        for (int i = 0; i < xs.Length; i++)
        {
            var plus = (double[])xs.Clone();
            var minus = (double[])xs.Clone();
            plus[i] += 1e-6;
            minus[i] -= 1e-6;
            double fd = (Loss(Tensor.From<double>(plus, x.Shape)) - Loss(Tensor.From<double>(minus, x.Shape))) / 2e-6;
            Assert.True(Math.Abs(fd - gs[i]) <= 1e-7, $"element {i}: tape {gs[i]:R}, central difference {fd:R}");
        }
    }

    [Fact]
    public void ShapesMustAgree()
    {
        var ex = Assert.Throws<ShapeMismatchException>(() => Ops.SoftmaxGrad(new RandomGenerator(5).Normal([2, 3]), new RandomGenerator(6).Normal([3, 2])));
        Assert.Contains("SoftmaxGrad", ex.Message);
    }
}
