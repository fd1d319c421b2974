using static LayerGen.Tests.TestUtil;

namespace LayerGen.Tests;

public class ActivationOpsTests
{
    [Fact]
    public void ElementwiseActivationValues()
    {
        var x = D([3], -1, 0, 2);
        Close([-0.2, 0, 2], Ops.LeakyRelu(x), 1e-15);
        Close([-0.1, 0, 2], Ops.LeakyRelu(x, 0.1), 1e-15);
        Close([-0.6321205588285577, 0, 2], Ops.Elu(x), 1e-15);
        Close([-1.2642411176571153, 0, 2], Ops.Elu(x, 2), 1e-15);
        Close([-0.15865525393145707, 0, 2 * 0.5 * (1 + 0.9544997361036416)], Ops.Gelu(x), 1e-14);
        Close([0.8413447460685429], Ops.Gelu(D([1], 1)), 1e-15);
        Close([-0.15880800939172324, 0.8411919906082768], Ops.Gelu(D([2], -1, 1), approximate: true), 1e-15);
        Close([1 / (1 + Math.E), 0.5, 1 / (1 + Math.Exp(-2))], Ops.Sigmoid(x), 1e-15);
        Close([Math.Tanh(-1), 0, Math.Tanh(2)], Ops.Tanh(x), 1e-15);
        Close([Math.Log(1 + Math.Exp(-1)), Math.Log(2), Math.Log(1 + Math.Exp(2))], Ops.Softplus(x), 1e-15);
        Close([0.2, 0.5], Ops.Sigmoid(F([2], -1.3862944f, 0)), 1e-6);
    }

    [Fact]
    public void ReluGradPassesTheGradientWhereTheOutputIsPositive()
    {
        // 19 elements: the vector loop and the scalar tail.
        var y = Ops.Relu(F([19], [.. Enumerable.Range(0, 19).Select(i => (float)(i % 3 - 1))]));
        var g = F([19], [.. Enumerable.Range(0, 19).Select(i => i + 0.5f)]);
        Close([.. Enumerable.Range(0, 19).Select(i => i % 3 == 2 ? i + 0.5 : 0)], Ops.ReluGrad(g, y), 0);
        Close([0, 2.5], Ops.ReluGrad(D([2], 1.5, 2.5), D([2], 0, 3)), 0);
        var ex = Assert.Throws<ShapeMismatchException>(() => Ops.ReluGrad(D([2], 1, 2), D([3], 1, 2, 3)));
        Assert.Contains("ReluGrad", ex.Message);
        Assert.Throws<DTypeMismatchException>(() => Ops.ReluGrad(D([2], 1, 2), F([2], 1, 2)));
    }

    [Fact]
    public void ReluGradientThroughATape()
    {
        var x = new Variable(D([4], -1, 0, 2, 3));
        using var tape = new GradientTape();
        var y = Ops.Relu(x);
        var loss = Ops.Sum(Ops.Mul(y, D([4], 1, 2, 3, 4)));
        Close([0, 0, 3, 4], tape.Gradient(loss, x)!, 0);
    }

    [Fact]
    public void ActivationsAreStableForLargeInputs()
    {
        var x = D([2], -1000, 1000);
        Close([0, 1000], Ops.Softplus(x), 0);
        Close([0, 1], Ops.Sigmoid(x), 0);
        Close([-1, 1], Ops.Tanh(x), 0);
        Close([-1, 1000], Ops.Elu(x), 0);
        Close([0, 1000], Ops.Gelu(x), 0);
        Close([0, 1], Ops.Softmax(x), 0);
        Close([-2000, 0], Ops.LogSoftmax(x), 0);
        Close([0.2689414213699951, 0.7310585786300049], Ops.Softmax(F([2], 1000, 1001)), 1e-7);
        Close([-1.3132616875182228, -0.31326168751822286], Ops.LogSoftmax(D([2], 1000, 1001)), 1e-12);
    }

    [Fact]
    public void SoftmaxAlongAxes()
    {
        var x = D([2, 3], 1, 2, 3, 1, 1, 1);
        Close([0.09003057317038046, 0.24472847105479764, 0.6652409557748218, 1 / 3.0, 1 / 3.0, 1 / 3.0], Ops.Softmax(x), 1e-15);
        var s0 = Ops.Softmax(x, axis: 0);
        static double Sig(double v) => 1 / (1 + Math.Exp(-v));
        Close([0.5, Sig(1), Sig(2), 0.5, Sig(-1), Sig(-2)], s0, 1e-15);
        Close([1, 1, 1], Ops.Sum(s0, 0), 1e-15);
        var ls = Ops.LogSoftmax(x, 0);
        Close(Ops.Log(s0).ToDoubleArray(), ls, 1e-14);
        Assert.Equal(DType.Float32, Ops.Softmax(Tensor.Zeros([2, 2])).DType);
    }

    [Fact]
    public void SoftmaxOverLargeContiguousRowsMatchesTheStridedLoop()
    {
        // 300 rows of 257 values: large enough to be split over the cores, rows not a multiple of the vector width.
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var x = new RandomGenerator(7).Normal([300, 257], stddev: 10, dtype: dtype);
            double tolerance = dtype == DType.Float32 ? 1e-6 : 1e-14;
            // Along axis 0 of the transpose the normalized axis is strided: the general loop, one exp at a time.
            var strided = Ops.Transpose(Ops.Softmax(Ops.Transpose(x), 0));
            Close(strided.ToDoubleArray(), Ops.Softmax(x), tolerance);
            Close([.. Enumerable.Repeat(1.0, 300)], Ops.Sum(Ops.Softmax(x), 1), 1e-5);
            var logStrided = Ops.Transpose(Ops.LogSoftmax(Ops.Transpose(x), 0));
            Close(logStrided.ToDoubleArray(), Ops.LogSoftmax(x), dtype == DType.Float32 ? 1e-4 : 1e-12);
        }
        // Infinite and NaN rows behave as the general loop's: all -inf gives NaN, a NaN spreads over its row.
        var special = F([3, 2], float.NegativeInfinity, float.NegativeInfinity, 0, float.NaN, float.NegativeInfinity, 5);
        var s = Ops.Softmax(special).ToDoubleArray();
        Assert.All(s[..4], v => Assert.True(double.IsNaN(v)));
        Close([0, 1], Ops.Softmax(F([2], float.NegativeInfinity, 5)), 0);
    }

    [Fact]
    public void ActivationErrorsNameOpAndShape()
    {
        var ex = Assert.Throws<ShapeMismatchException>(() => Ops.Softmax(Tensor.Zeros([2, 3]), 2));
        Assert.Equal("Softmax: axis 2 is out of range for input of shape (2, 3) (rank 2).", ex.Message);
        var ex2 = Assert.Throws<ShapeMismatchException>(() => Ops.LogSoftmax(Tensor.Placeholder([Shape.Unknown]), -2));
        Assert.Equal("LogSoftmax: axis -2 is out of range for input of shape (None,) (rank 1).", ex2.Message);
        var ex3 = Assert.Throws<DTypeMismatchException>(() => Ops.Gelu(Tensor.From(new[] { 1, 2 })));
        Assert.Equal("Gelu: argument x must be float32 or float64, got int32 with shape (2,).", ex3.Message);
    }

    [Fact]
    public void ActivationsOnSymbolicTensors()
    {
        var p = Tensor.Placeholder([Shape.Unknown, 4]);
        foreach (var y in new[] { Ops.LeakyRelu(p), Ops.Elu(p), Ops.Gelu(p), Ops.Gelu(p, true), Ops.Sigmoid(p), Ops.Tanh(p), Ops.Softplus(p), Ops.Softmax(p), Ops.LogSoftmax(p, 0) })
        {
            Assert.True(y.IsSymbolic);
            Assert.Equal("(None, 4)", y.Shape.ToString());
        }
        Assert.Equal("Softmax(axis=-1)", Ops.Softmax(p).Node!.Op.ToString());
    }

    [Fact]
    public void ActivationGradients()
    {
        // values away from the kink at 0
        var x = Ops.Add(GradientCheck.Rand([2, 3], 11, 0.05, 2), Tensor.Scalar(0.0));
        var xs = Ops.Mul(x, D([2, 1], 1, -1));
        GradientCheck.Check(t => Ops.LeakyRelu(t[0]), [xs]);
        GradientCheck.Check(t => Ops.Elu(t[0], 1.5), [xs]);
        GradientCheck.Check(t => Ops.Gelu(t[0]), [xs]);
        GradientCheck.Check(t => Ops.Gelu(t[0], approximate: true), [xs]);
        GradientCheck.Check(t => Ops.Sigmoid(t[0]), [xs]);
        GradientCheck.Check(t => Ops.Tanh(t[0]), [xs]);
        GradientCheck.Check(t => Ops.Softplus(t[0]), [xs]);
        var y = GradientCheck.Rand([3, 4], 12, -2, 2);
        GradientCheck.Check(t => Ops.Softmax(t[0]), [y]);
        GradientCheck.Check(t => Ops.Softmax(t[0], 0), [y]);
        GradientCheck.Check(t => Ops.LogSoftmax(t[0]), [y]);
        GradientCheck.Check(t => Ops.LogSoftmax(t[0], 0), [y]);
    }

    [Fact]
    public void GeluSecondDerivativeMatchesFiniteDifferenceOfGradient()
    {
        // the gradient is built from ops, so it differentiates again
        var x = D([3], -1.2, 0.4, 2.0);
        foreach (bool approx in new[] { false, true })
        {
            GradientCheck.Check(t =>
            {
                using var tape = new GradientTape();
                tape.Watch(t[0]);
                var y = Ops.Sum(Ops.Gelu(t[0], approx));
                return tape.Gradient(y, t[0])!;
            }, [x]);
        }
    }
}
