using static LayerGen.Tests.TestUtil;

namespace LayerGen.Tests;

public class ReductionOpsTests
{
    private static readonly Tensor M = Tensor.From(new[,] { { 1f, 5f, 2f }, { 7f, 0f, 4f } });

    [Fact]
    public void MeanValues()
    {
        Close([19 / 6.0], Ops.Mean(M), 1e-6);
        Close([4, 2.5, 3], Ops.Mean(M, 0));
        Close([8 / 3.0, 11 / 3.0], Ops.Mean(M, [1]), 1e-6);
        var k = Ops.Mean(M, 1, keepDims: true);
        Assert.Equal(new Shape(2, 1), k.Shape);
        Assert.Equal(new Shape(1, 1), Ops.Mean(M, null, keepDims: true).Shape);
        Assert.Equal(new[] { 1 }, Ops.Mean(Tensor.From(new[] { 1, 2 }), 0, true).ToArray<int>()); // integer mean truncates
        Assert.Equal(new long[] { -2 }, Ops.Mean(Tensor.From(new long[] { -1, -4 }), 0, true).ToArray<long>());
        Assert.True(double.IsNaN(Ops.Mean(Tensor.Zeros([0], DType.Float64)).ToScalar<double>()));
    }

    [Fact]
    public void MaxMinValuesAndIntegers()
    {
        Close([7], Ops.Max(M));
        Close([0], Ops.Min(M));
        Close([7, 5, 4], Ops.Max(M, 0));
        Close([1, 0], Ops.Min(M, 1));
        Assert.Equal(new Shape(2, 1), Ops.Max(M, [1], keepDims: true).Shape);
        var i = Tensor.From(new[,] { { 3, -9 }, { 2, 8 } });
        Assert.Equal(new[] { 3, 8 }, Ops.Max(i, 1).ToArray<int>());
        Assert.Equal(new[] { 2, -9 }, Ops.Min(i, 0).ToArray<int>());
        Assert.Equal(-9L, Ops.Min(Ops.Cast(i, DType.Int64)).ToScalar<long>());
        Assert.True(float.IsNegativeInfinity(Ops.Max(Tensor.Zeros([0])).ToScalar<float>()));
        Assert.True(double.IsNaN(Ops.Max(D([3], 1, double.NaN, 2)).ToScalar<double>()));
    }

    [Fact]
    public void ProdValues()
    {
        Close([0], Ops.Prod(M));
        Close([10, 0], Ops.Prod(M, 1));
        Close([7, 0, 8], Ops.Prod(M, [0]));
        Assert.Equal(new[] { 24 }, Ops.Prod(Tensor.From(new[] { 2, 3, 4 }), 0, keepDims: true).ToArray<int>());
        Close([1], Ops.Prod(Tensor.Zeros([0])));
    }

    [Fact]
    public void ArgMaxArgMinAreInt64()
    {
        var a = Ops.ArgMax(M, 1);
        Assert.Equal(DType.Int64, a.DType);
        Assert.Equal(new long[] { 1, 0 }, a.ToArray<long>());
        Assert.Equal(new long[] { 1, 0, 1 }, Ops.ArgMax(M, 0).ToArray<long>());
        Assert.Equal(new long[] { 0, 1 }, Ops.ArgMin(M, -1).ToArray<long>());
        Assert.Equal(3L, Ops.ArgMax(M).ToScalar<long>());
        Assert.Equal(4L, Ops.ArgMin(M).ToScalar<long>());
        Assert.Equal(new Shape(2, 1), Ops.ArgMax(M, 1, keepDims: true).Shape);
        Assert.Equal(new long[] { 1 }, Ops.ArgMax(Tensor.From(new[] { 1, 9, 9 }), 0, true).ToArray<long>()); // ties: first
        var x = D([3], 1, 2, 3);
        using var tape = new GradientTape();
        tape.Watch(x);
        var idx = Ops.ArgMax(x);
        Assert.Null(tape.Gradient(Ops.Sum(Ops.Cast(idx, DType.Float64)), x));
    }

    [Fact]
    public void VarianceAndStd()
    {
        Close([1.25], Ops.Variance(D([4], 1, 2, 3, 4)), 1e-15);
        Close([9, 6.25, 1], Ops.Variance(M, 0), 1e-6);
        Assert.Equal(new Shape(2, 1), Ops.Variance(M, [1], keepDims: true).Shape);
        Close([Math.Sqrt(1.25)], Ops.Std(D([4], 1, 2, 3, 4)), 1e-15);
        var ex = Assert.Throws<DTypeMismatchException>(() => Ops.Variance(Tensor.From(new[] { 1, 2 })));
        Assert.Equal("Variance: argument x must be float32 or float64, got int32 with shape (2,).", ex.Message);
    }

    [Fact]
    public void ReductionErrorsNameOpAndShape()
    {
        var ex = Assert.Throws<ShapeMismatchException>(() => Ops.Mean(Tensor.Zeros([2, 3]), 2));
        Assert.Equal("Mean: axis 2 is out of range for input of shape (2, 3) (rank 2).", ex.Message);
        ex = Assert.Throws<ShapeMismatchException>(() => Ops.Max(Tensor.Zeros([2, 3]), [1, -1]));
        Assert.Equal("Max: axis -1 is listed twice for input of shape (2, 3).", ex.Message);
        ex = Assert.Throws<ShapeMismatchException>(() => Ops.ArgMax(Tensor.Zeros([2, 0]), 1));
        Assert.Equal("ArgMax: cannot search an empty axis 1 of input shape (2, 0).", ex.Message);
        ex = Assert.Throws<ShapeMismatchException>(() => Ops.ArgMin(Tensor.Zeros([2]), 1));
        Assert.Equal("ArgMin: axis 1 is out of range for input of shape (2,) (rank 1).", ex.Message);
        var dt = Assert.Throws<DTypeMismatchException>(() => Ops.Prod(Tensor.From(new[] { true })));
        Assert.Equal("Prod: argument x must be numeric, got bool with shape (1,).", dt.Message);
    }

    [Fact]
    public void ReductionsOnSymbolicTensors()
    {
        var p = Tensor.Placeholder([Shape.Unknown, 3, 4]);
        Assert.Equal(new Shape(-1, 4), Ops.Mean(p, 1).Shape);
        Assert.Equal(new Shape(-1, 1, 1), Ops.Max(p, [1, 2], true).Shape);
        Assert.Equal(new Shape(3, 4), Ops.Min(p, 0).Shape);
        Assert.Equal(new Shape(-1, 3), Ops.Prod(p, -1).Shape);
        var am = Ops.ArgMax(p, 2);
        Assert.Equal(new Shape(-1, 3), am.Shape);
        Assert.Equal(DType.Int64, am.DType);
        Assert.Equal(Shape.Scalar, Ops.ArgMin(p).Shape);
        Assert.Equal(new Shape(-1, 1, 4), Ops.Variance(p, 1, keepDims: true).Shape);
        Assert.True(Ops.Mean(p).IsSymbolic);
    }

    [Fact]
    public void ReductionGradients()
    {
        var x = GradientCheck.Rand([2, 3, 4], 21);
        GradientCheck.Check(t => Ops.Mean(t[0]), [x]);
        GradientCheck.Check(t => Ops.Mean(t[0], [0, 2]), [x]);
        GradientCheck.Check(t => Ops.Mean(t[0], 1, keepDims: true), [x]);
        GradientCheck.Check(t => Ops.Max(t[0], 1), [x]);
        GradientCheck.Check(t => Ops.Max(t[0]), [x]);
        GradientCheck.Check(t => Ops.Min(t[0], [0, 2], keepDims: true), [x]);
        GradientCheck.Check(t => Ops.Prod(t[0], 2), [x]);
        GradientCheck.Check(t => Ops.Prod(t[0], [0, 1]), [x]);
        GradientCheck.Check(t => Ops.Variance(t[0], [1]), [x]);
        GradientCheck.Check(t => Ops.Variance(t[0]), [x]);
    }

    [Fact]
    public void MaxGradientSplitsTiesEvenly()
    {
        var x = D([2, 3], 1, 3, 3, 2, 2, 2);
        using var tape = new GradientTape(persistent: true);
        tape.Watch(x);
        Close([0, 0.5, 0.5, 1 / 3.0, 1 / 3.0, 1 / 3.0], tape.Gradient(Ops.Sum(Ops.Max(x, 1)), x)!, 1e-15);
        Close([1, 0, 0, 0, 0, 0], tape.Gradient(Ops.Min(x), x)!, 1e-15);
        Close([1, 0, 0, 0.5, 0.5, 0], tape.Gradient(Ops.Sum(Ops.Min(Ops.Slice(x, [0, 0], [-1, 2]), 1)), x)!, 1e-15);
    }

    [Fact]
    public void ProdGradientIsExactWithZeros()
    {
        var x = D([2, 3], 2, 0, 3, 0, 5, 0);
        using var tape = new GradientTape();
        tape.Watch(x);
        Close([0, 6, 0, 0, 0, 0], tape.Gradient(Ops.Sum(Ops.Prod(x, 1)), x)!, 0);
    }

    [Fact]
    public void MeanGradientOnUnknownBatchIsComputedWhenItRuns()
    {
        // the count comes from ReducedCount, evaluated on the concrete input
        var x = D([4, 2], 1, 2, 3, 4, 5, 6, 7, 8);
        using var tape = new GradientTape();
        tape.Watch(x);
        var g = tape.Gradient(Ops.Mean(x), x)!;
        Close([0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125], g, 1e-15);
        var sym = OpRunner.Run(new ReducedCountOp([0]), Tensor.Placeholder([Shape.Unknown, 2], DType.Float64));
        Assert.Equal(Shape.Scalar, sym.Shape);
    }
}
