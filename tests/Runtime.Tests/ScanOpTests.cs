namespace LayerGen.Tests;

/// <summary>The loop op (<see cref="ScanOp"/>): results, gradients in float64, errors.</summary>
public class ScanOpTests
{
    [Fact]
    public void TheLoopGradientMatchesCentralDifferencesInFloat64()
    {
        // An LSTM step written with ops on float64 tensors, as a loop: gradient w.r.t. the inputs and both kernels.
        var rng = new RandomGenerator(7);
        var w = Ops.Cast(Tensor.RandomNormal([3, 8], generator: rng), DType.Float64);
        var u = Ops.Cast(Tensor.RandomNormal([2, 8], generator: rng), DType.Float64);
        var xs = Ops.Cast(Tensor.RandomNormal([4, 2, 3], generator: rng), DType.Float64);
        Tensor Lstm(Tensor[] v)
        {
            var projected = Ops.MatMul(v[0], v[1]);
            var (op, inputs, loop) = ScanOp.Apply(c =>
            {
                var z = Ops.Add(c[2], Ops.MatMul(c[0], v[2]));
                var g = Ops.Split(z, 4, axis: 1);
                var cell = Ops.Add(Ops.Mul(Ops.Sigmoid(g[1]), c[1]), Ops.Mul(Ops.Sigmoid(g[0]), Ops.Tanh(g[2])));
                return [Ops.Mul(Ops.Sigmoid(g[3]), Ops.Tanh(cell)), cell];
            }, [Tensor.Zeros(new Shape(2, 2), DType.Float64), Tensor.Zeros(new Shape(2, 2), DType.Float64)], [projected]);
            return Ops.Sum(Ops.Square(ScanOp.Part(loop, op, inputs, 0, stacked: true)));
        }
        GradientCheck.Check(Lstm, [xs, w, u]);
    }

    [Fact]
    public void TheResultHoldsFinalCarriesThenStackedRowsInSequenceOrder()
    {
        // c' = c + x_t over x = 1, 2, 3: stacked rows are the running sums in sequence order, also when reversed.
        var xs = Tensor.From<float>([1, 2, 3], new Shape(3, 1));
        var (op, inputs, r) = ScanOp.Apply(c => [Ops.Add(c[0], c[1])], [Tensor.Zeros(new Shape(1))], [xs]);
        Assert.Equal(new float[] { 6, 1, 3, 6 }, r.ToArray<float>());
        Assert.Equal(new float[] { 1, 3, 6 }, ScanOp.Part(r, op, inputs, 0, stacked: true).ToArray<float>());
        var (_, _, back) = ScanOp.Apply(c => [Ops.Add(c[0], c[1])], [Tensor.Zeros(new Shape(1))], [xs], reverse: true);
        Assert.Equal(new float[] { 6, 6, 5, 3 }, back.ToArray<float>());
    }

    [Fact]
    public void BadLoopsAreRefused()
    {
        var xs = Tensor.Zeros(new Shape(3, 2));
        Assert.Throws<ShapeMismatchException>(() => ScanOp.Apply(c => [Ops.Add(c[0], c[1])], [Tensor.Zeros(new Shape(2))], [xs, Tensor.Zeros(new Shape(4, 2))]));
        Assert.Throws<ArgumentException>(() => ScanOp.Apply(c => [c[0], c[0]], [Tensor.Zeros(new Shape(2))], [xs]));
        var e = Assert.Throws<InvalidOperationException>(() => ScanOp.Apply(c => [Ops.Add(c[0], new SeedGenerator(1).Uniform(c[0]))], [Tensor.Zeros(new Shape(2))], [xs]));
        Assert.Contains("side effects", e.Message);
    }
}
