using static LayerGen.Tests.TestUtil;

namespace LayerGen.Tests;

public class MathOpsTests
{
    [Fact]
    public void PowForwardBroadcastsAndRejectsIntegers()
    {
        var x = F([2, 2], 1, 2, 3, 4);
        var y = F([2], 2, 1);
        var r = Ops.Pow(x, y);
        Assert.Equal(new Shape(2, 2), r.Shape);
        Close([1, 2, 9, 4], r);
        Close([1, 4, 9, 16], Ops.Pow(x, 2));
        Close([0.5, 0.25], Ops.Pow(Tensor.Scalar(2.0), D([2], -1, -2)));
        var ex = Assert.Throws<DTypeMismatchException>(() => Ops.Pow(Tensor.From(new[] { 1, 2 }), Tensor.From(new[] { 1, 2 })));
        Assert.Equal("Pow: argument x must be float32 or float64, got int32 with shape (2,).", ex.Message);
    }

    [Fact]
    public void BoolToFloat32CastIsOneOrZeroAtEveryLength()
    {
        // The vector loop takes 16 at a time, the tail the rest: lengths around the vector width and a random mask.
        foreach (int n in new[] { 0, 1, 15, 16, 17, 33, 1000 })
        {
            var bits = Enumerable.Range(0, n).Select(i => (i * 7919 + i / 3) % 5 < 2).ToArray();
            var r = Ops.Cast(Tensor.From(bits), DType.Float32).ToArray<float>();
            Assert.Equal(bits.Select(b => b ? 1f : 0f).ToArray(), r);
        }
    }

    [Fact]
    public void PowGradient()
    {
        var x = GradientCheck.Rand([2, 3], 1, 0.5, 2);
        var y = GradientCheck.Rand([3], 2, -1.5, 2);
        GradientCheck.Check(t => Ops.Pow(t[0], t[1]), [x, y]);
        // negative base: log is undefined, d/dy is taken as 0 (TensorFlow's choice), d/dx still correct
        GradientCheck.Check(t => Ops.Pow(t[0], 3.0), [GradientCheck.Rand([4], 3, -2, -0.5)]);
    }

    [Fact]
    public void UnaryMathValues()
    {
        var x = F([4], -1.5f, 2f, 0f, 4f);
        Close([1.5, 2, 0, 4], Ops.Abs(x));
        Close([-1, 1, 0, 1], Ops.Sign(x));
        Close([2.25, 4, 0, 16], Ops.Square(x));
        Close([Math.Sqrt(1.5), Math.Sqrt(2), 0, 2], Ops.Sqrt(Ops.Abs(x)), 1e-6);
        Close([Math.Exp(-1.5), Math.Exp(2), 1, Math.Exp(4)], Ops.Exp(x), 1e-4);
        Close([Math.Log(2), Math.Log(4)], Ops.Log(F([2], 2, 4)), 1e-6);
        Assert.True(double.IsNegativeInfinity(Ops.Log(Tensor.Scalar(0.0)).ToScalar<double>()));

        var i = Tensor.From(new[] { -3, 0, 4 });
        Assert.Equal(new[] { 3, 0, 4 }, Ops.Abs(i).ToArray<int>());
        Assert.Equal(new[] { -1, 0, 1 }, Ops.Sign(i).ToArray<int>());
        Assert.Equal(new long[] { 9, 0, 16 }, Ops.Square(Tensor.From(new long[] { -3, 0, 4 })).ToArray<long>());
        Assert.Equal(DType.Int32, Ops.Abs(i).DType);
    }

    [Fact]
    public void UnaryMathRejectsWrongDTypes()
    {
        var ex = Assert.Throws<DTypeMismatchException>(() => Ops.Exp(Tensor.From(new[] { 1, 2 })));
        Assert.Equal("Exp: argument x must be float32 or float64, got int32 with shape (2,).", ex.Message);
        var ex2 = Assert.Throws<DTypeMismatchException>(() => Ops.Abs(Tensor.From(new[] { true })));
        Assert.Equal("Abs: argument x must be numeric, got bool with shape (1,).", ex2.Message);
    }

    [Fact]
    public void UnaryMathGradients()
    {
        var x = GradientCheck.Rand([2, 3], 4);
        var pos = GradientCheck.Rand([2, 3], 5, 0.5, 2);
        GradientCheck.Check(t => Ops.Abs(t[0]), [x]);
        GradientCheck.Check(t => Ops.Exp(t[0]), [x]);
        GradientCheck.Check(t => Ops.Square(t[0]), [x]);
        GradientCheck.Check(t => Ops.Log(t[0]), [pos]);
        GradientCheck.Check(t => Ops.Sqrt(t[0]), [pos]);
        GradientCheck.Check(t => Ops.Erf(t[0]), [Ops.Mul(x, Tensor.Scalar(3.0))]);
        GradientCheck.Check(t => Ops.Mul(Ops.Sign(t[0]), t[0]), [x]);
    }

    [Fact]
    public void UnaryMathSymbolicShapes()
    {
        var p = Tensor.Placeholder([Shape.Unknown, 3]);
        foreach (var y in new[] { Ops.Abs(p), Ops.Exp(p), Ops.Log(p), Ops.Sqrt(p), Ops.Square(p), Ops.Sign(p), Ops.Erf(p), Ops.Clip(p, 0, 1), Ops.StopGradient(p) })
        {
            Assert.True(y.IsSymbolic);
            Assert.Equal(new Shape(-1, 3), y.Shape);
        }
        Assert.Equal(new Shape(-1, 3), Ops.Pow(p, Tensor.Placeholder([3])).Shape);
        Assert.Equal(new Shape(4, -1, 3), Ops.Maximum(p, Tensor.Placeholder([4, 1, 1])).Shape);
        Assert.Equal(new Shape(-1, 3), Ops.Where(Tensor.Placeholder([Shape.Unknown, 1], DType.Bool), p, Tensor.Scalar(0f)).Shape);
    }

    [Fact]
    public void ErfMatchesReferenceValues()
    {
        (double x, double erf)[] cases =
        [
            (0.1, 0.1124629160182849), (0.5, 0.5204998778130465), (1, 0.8427007929497149), (1.5, 0.9661051464753108),
            (2, 0.9953222650189527), (2.5, 0.999593047982555), (3, 0.9999779095030014), (4, 0.9999999845827421),
            (-0.3, -0.3286267594591274), (0, 0), (-2.7, -0.9998656672600594), (6, 1),
        ];
        foreach (var (x, e) in cases)
            Assert.True(Math.Abs(SpecialFunctions.Erf(x) - e) <= 1e-15 + 1e-14 * Math.Abs(e), $"erf({x}) = {SpecialFunctions.Erf(x):R}, expected {e:R}");
        Assert.Equal(2.2090496998585438e-05, SpecialFunctions.Erfc(3), 1e-18);
        Assert.True(Math.Abs(SpecialFunctions.Erfc(5) / 1.5374597944280351e-12 - 1) < 1e-12);
        Assert.Equal(1.9999779095030015, SpecialFunctions.Erfc(-3), 1e-15);
        Assert.Equal(1e-20 * SpecialFunctions.TwoOverSqrtPi, SpecialFunctions.Erf(1e-20), 1e-35);
        Close([0.5204998778130465, -0.8427007929497149], Ops.Erf(D([2], 0.5, -1)), 1e-15);
    }

    [Fact]
    public void MaximumMinimumBroadcastAndIntegers()
    {
        var a = Tensor.From(new[,] { { 1, 5 }, { 7, 2 } });
        var b = Tensor.From(new[] { 3, 3 });
        Assert.Equal(new[] { 3, 5, 7, 3 }, Ops.Maximum(a, b).ToArray<int>());
        Assert.Equal(new[] { 1, 3, 3, 2 }, Ops.Minimum(a, b).ToArray<int>());
        Close([3, 5, 7, 3], Ops.Maximum(Ops.Cast(a, DType.Float32), Tensor.Scalar(3f)));
        Close([1, 3, 3, 2], Ops.Minimum(Tensor.Scalar(3.0), Ops.Cast(a, DType.Float64)));
        var ex = Assert.Throws<ShapeMismatchException>(() => Ops.Maximum(Tensor.Zeros([2, 3]), Tensor.Zeros([4])));
        Assert.Equal("Maximum: shapes (2, 3) and (4,) cannot be broadcast together (axis -1 has sizes 3 and 4).", ex.Message);
    }

    [Fact]
    public void MaximumMinimumGradients()
    {
        var a = GradientCheck.Rand([3, 4], 6);
        var b = GradientCheck.Rand([4], 7);
        GradientCheck.Check(t => Ops.Maximum(t[0], t[1]), [a, b]);
        GradientCheck.Check(t => Ops.Minimum(t[0], t[1]), [a, b]);
    }

    [Fact]
    public void MaximumTiesSendGradientToFirstInput()
    {
        var x = D([3], 1, 2, 5);
        var y = D([3], 1, 3, 4);
        using var tape = new GradientTape(persistent: true);
        tape.Watch(x);
        tape.Watch(y);
        var max = Ops.Sum(Ops.Maximum(x, y));
        var min = Ops.Sum(Ops.Minimum(x, y));
        Close([1, 0, 1], tape.Gradient(max, x)!);
        Close([0, 1, 0], tape.Gradient(max, y)!);
        Close([1, 1, 0], tape.Gradient(min, x)!);
        Close([0, 0, 1], tape.Gradient(min, y)!);
    }

    [Fact]
    public void WhereBroadcastsAllThree()
    {
        var c = Tensor.From(new[,] { { true, false } });
        var x = F([2, 1], 1, 2);
        var r = Ops.Where(c, x, Tensor.Scalar(0f));
        Assert.Equal(new Shape(2, 2), r.Shape);
        Close([1, 0, 2, 0], r);
        Assert.Equal(new[] { 7, -1 }, Ops.Where(Tensor.From(new[] { true, false }), Tensor.Scalar(7), Tensor.Scalar(-1)).ToArray<int>());
        var ex = Assert.Throws<DTypeMismatchException>(() => Ops.Where(Tensor.Zeros([2]), x, x));
        Assert.Equal("Where: the condition must be bool, got float32 with shape (2,). Use a comparison such as Ops.Greater.", ex.Message);
        var ex2 = Assert.Throws<DTypeMismatchException>(() => Ops.Where(c, x, Tensor.Scalar(0.0)));
        Assert.Equal("Where: inputs have different dtypes: float32 (2, 1) and float64 (). Use Ops.Cast to convert one.", ex2.Message);
    }

    [Fact]
    public void WhereGradient()
    {
        var c = Tensor.From(new[,] { { true, false, true } });
        GradientCheck.Check(t => Ops.Where(c, t[0], t[1]), [GradientCheck.Rand([2, 1], 8), GradientCheck.Rand([2, 3], 9)]);
    }

    [Fact]
    public void ClipValuesGradientAndErrors()
    {
        Close([-1, 0.5, 1], Ops.Clip(F([3], -2, 0.5f, 3), -1, 1));
        Assert.Equal(new[] { 0, 1, 2 }, Ops.Clip(Tensor.From(new[] { -5, 1, 9 }), -0.5, 2.5).ToArray<int>());
        var x = D([4], -2, 0.3, 0.7, 3);
        using (var tape = new GradientTape())
        {
            tape.Watch(x);
            Close([0, 1, 1, 0], tape.Gradient(Ops.Sum(Ops.Clip(x, -1, 1)), x)!);
        }
        GradientCheck.Check(t => Ops.Clip(t[0], -0.5, 0.5), [GradientCheck.Rand([2, 3], 10)]);
        var ex = Assert.Throws<ArgumentException>(() => Ops.Clip(x, 1, -1));
        Assert.Equal("Clip: min (1) must not exceed max (-1).", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Ops.Clip(Tensor.From(new[] { 1 }), 0.2, 0.8));
        Assert.Equal("Clip: no integer lies in [0.2, 0.8].", ex.Message);
    }
}
