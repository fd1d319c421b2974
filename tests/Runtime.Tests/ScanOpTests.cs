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
        // A carry kept for the backward pass only may not be read by the body, and one carry at least is an ordinary one.
        var read = Assert.Throws<ArgumentException>(() => ScanOp.Apply(c => [Ops.Add(c[0], c[2]), Ops.Add(c[1], c[2])], [Tensor.Zeros(new Shape(2)), Tensor.Zeros(new Shape(2))], [xs], kept: 1));
        Assert.Contains("kept for the backward pass only", read.Message);
        Assert.Throws<ArgumentException>(() => ScanOp.Apply(c => [Ops.Add(c[0], c[1])], [Tensor.Zeros(new Shape(2))], [xs], kept: 1));
    }

    [Fact]
    public void AKeptCarryIsStackedAndItsValuesReplaceTheBodysOpInTheGradient()
    {
        // h' = tanh(x_t + h @ w), with z = x_t + h @ w kept: same result and float64 gradient as without it, and the
        // backward loop does not compute the product h @ w again (only dz @ wᵀ), nor does it accumulate w's gradient.
        var rng = new RandomGenerator(9);
        var w = Ops.Cast(Tensor.RandomNormal([3, 3], generator: rng), DType.Float64);
        var xs = Ops.Cast(Tensor.RandomNormal([4, 2, 3], generator: rng), DType.Float64);
        Tensor Loop(Tensor[] v, bool keep)
        {
            var carries = keep ? new[] { Tensor.Zeros(new Shape(2, 3), DType.Float64), Tensor.Zeros(new Shape(2, 3), DType.Float64) } : [Tensor.Zeros(new Shape(2, 3), DType.Float64)];
            var (op, inputs, loop) = ScanOp.Apply(c =>
            {
                var z = Ops.Add(c[keep ? 2 : 1], Ops.MatMul(c[0], v[1]));
                return keep ? [Ops.Tanh(z), z] : [Ops.Tanh(z)];
            }, carries, [v[0]], batched: true, kept: keep ? 1 : 0);
            Assert.Equal(keep ? 1 : 0, op.Kept);
            return Ops.Sum(Ops.Square(ScanOp.Part(loop, op, inputs, 0, stacked: true)));
        }
        GradientCheck.Check(v => Loop(v, keep: true), [xs, w]);
        var specs = new[] { xs.Spec, w.Spec };
        Tensor[] Grads(Tensor[] v, bool keep)
        {
            using var tape = new GradientTape();
            tape.Watch(v[0]);
            tape.Watch(v[1]);
            return [.. tape.Gradient(Loop(v, keep), v).Select(t => t!)];
        }
        var kept = Graph.Trace(v => Grads(v, keep: true), specs);
        var plain = Graph.Trace(v => Grads(v, keep: false), specs);
        var a = kept.Run(xs, w);
        var b = plain.Run(xs, w);
        for (int i = 0; i < 2; i++)
        {
            double[] x = a[i].ToDoubleArray(), y = b[i].ToDoubleArray();
            for (int j = 0; j < x.Length; j++) Assert.Equal(y[j], x[j], 1e-12);
        }
        var backward = (ScanOp)kept.OpNodes.Where(n => n.Op is ScanOp).Last().Op!;
        Assert.Single(backward.Body.OpNodes, n => n.Op is MatMulOp);
        Assert.DoesNotContain(backward.Body.OpNodes, n => n.Op is AddOp && n.Spec.Shape == w.Shape);
    }
}
