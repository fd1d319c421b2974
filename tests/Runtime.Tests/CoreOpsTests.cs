namespace LayerGen.Tests;

public class CoreOpsTests
{
    [Fact]
    public void AddBroadcastsAndPrintsLikeTensorFlow()
    {
        var a = Tensor.From(new[,] { { 1f, 2f }, { 3f, 4f } });
        var b = Tensor.From(new[] { 10f, 20f });
        var c = a + b;
        Assert.Equal(new[] { 11f, 22f, 13f, 24f }, c.ToArray<float>());
        Assert.Equal("tf.Tensor(\n[[11. 22.]\n [13. 24.]], shape=(2, 2), dtype=float32)", c.ToString());
        Assert.Equal("tf.Tensor(30.0, shape=(), dtype=float32)", (Tensor.Scalar(5f) * Tensor.Scalar(5f) + 5.0).ToString());
    }

    [Fact]
    public void MatMulNamesShapesOnMismatch()
    {
        var ex = Assert.Throws<ShapeMismatchException>(() => Ops.MatMul(Tensor.Zeros([2, 3]), Tensor.Zeros([4, 5])));
        Assert.Equal("MatMul: inner dimensions differ: (2, 3) @ (4, 5).", ex.Message);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void MatMulGradient(bool ta, bool tb)
    {
        var a = GradientCheck.Rand(ta ? [2, 4, 3] : [2, 3, 4], 1);
        var b = GradientCheck.Rand(tb ? [5, 4] : [4, 5], 2);
        GradientCheck.Check(x => Ops.MatMul(x[0], x[1], ta, tb), [a, b]);
    }

    [Fact]
    public void BroadcastingArithmeticGradients()
    {
        var a = GradientCheck.Rand([3, 1, 4], 3);
        var b = GradientCheck.Rand([2, 1], 4, 0.5, 2);
        GradientCheck.Check(x => Ops.Add(x[0], x[1]), [a, b]);
        GradientCheck.Check(x => Ops.Sub(x[0], x[1]), [a, b]);
        GradientCheck.Check(x => Ops.Mul(x[0], x[1]), [a, b]);
        GradientCheck.Check(x => Ops.Div(x[0], x[1]), [a, b]);
        GradientCheck.Check(x => Ops.Neg(x[0]), [a]);
    }

    [Fact]
    public void SumReshapeSliceGradients()
    {
        var a = GradientCheck.Rand([2, 3, 4], 5);
        GradientCheck.Check(x => Ops.Sum(x[0], [0, 2]), [a]);
        GradientCheck.Check(x => Ops.Sum(x[0], 1, keepDims: true), [a]);
        GradientCheck.Check(x => Ops.Reshape(x[0], [4, -1]), [a]);
        GradientCheck.Check(x => Ops.Slice(x[0], [1, 0, 1], [1, -1, 2]), [a]);
        GradientCheck.Check(x => x[0][1], [a]);
        GradientCheck.Check(x => Ops.Relu(x[0]), [a]);
    }

    [Fact]
    public void SymbolicShapesFlowThroughOps()
    {
        var x = Tensor.Placeholder([Shape.Unknown, 3]);
        var w = Tensor.Zeros([3, 2]);
        var y = Ops.Relu(Ops.MatMul(x, w) + Tensor.Zeros([2]));
        Assert.True(y.IsSymbolic);
        Assert.Equal(new Shape(-1, 2), y.Shape);
        Assert.Equal("Relu", y.Node!.Op.Name);
        Assert.Equal("(None, 2)", y.Shape.ToString());
    }
}
