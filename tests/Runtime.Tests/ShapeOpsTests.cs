using static LayerGen.Tests.TestUtil;

namespace LayerGen.Tests;

public class ShapeOpsTests
{
    [Fact]
    public void TransposeValues()
    {
        var x = Tensor.From(new[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var t = Ops.Transpose(x);
        Assert.Equal(new Shape(3, 2), t.Shape);
        Assert.Equal(new[] { 1, 4, 2, 5, 3, 6 }, t.ToArray<int>());
        var y = Ops.Cast(Tensor.Range(24), DType.Float64);
        var y3 = Ops.Reshape(y, [2, 3, 4]);
        var p = Ops.Transpose(y3, [1, 2, 0]);
        Assert.Equal(new Shape(3, 4, 2), p.Shape);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 4; k++)
                    Assert.Equal(y3.At<double>(i, j, k), p.At<double>(j, k, i));
        Assert.Equal(new Shape(4, 3, 2), Ops.Transpose(y3).Shape);
        Assert.Equal(new[] { true, false }, Ops.Transpose(Tensor.From(new[,] { { true }, { false } })).ToArray<bool>());
    }

    [Fact]
    public void TransposeErrorsSymbolicAndGradient()
    {
        var ex = Assert.Throws<ShapeMismatchException>(() => Ops.Transpose(Tensor.Zeros([2, 3]), [0, 0]));
        Assert.Equal("Transpose: perm [0, 0] is not a permutation of the axes of shape (2, 3).", ex.Message);
        ex = Assert.Throws<ShapeMismatchException>(() => Ops.Transpose(Tensor.Zeros([2, 3]), [0]));
        Assert.Equal("Transpose: perm [0] needs 2 entries for input of shape (2, 3).", ex.Message);
        Assert.Equal(new Shape(3, -1), Ops.Transpose(Tensor.Placeholder([Shape.Unknown, 3])).Shape);
        GradientCheck.Check(t => Ops.Transpose(t[0], [2, 0, 1]), [GradientCheck.Rand([2, 3, 4], 31)]);
    }

    [Fact]
    public void ConcatValuesAndErrors()
    {
        var a = Tensor.From(new[,] { { 1, 2 }, { 3, 4 } });
        var b = Tensor.From(new[,] { { 5 }, { 6 } });
        var c = Ops.Concat([a, b], axis: 1);
        Assert.Equal(new Shape(2, 3), c.Shape);
        Assert.Equal(new[] { 1, 2, 5, 3, 4, 6 }, c.ToArray<int>());
        Assert.Equal(new[] { 1, 2, 3, 4, 1, 2, 3, 4 }, Ops.Concat([a, a]).ToArray<int>());
        Assert.Equal(new Shape(2, 2), Ops.Concat([a, Tensor.Zeros([2, 0], DType.Int32)], -1).Shape);

        var ex = Assert.Throws<ShapeMismatchException>(() => Ops.Concat([Tensor.Zeros([2, 3]), Tensor.Zeros([3, 4])], 1));
        Assert.Equal("Concat: shapes (2, 3) and (3, 4) differ on axis 0, which is not the concatenation axis 1 (input 1).", ex.Message);
        ex = Assert.Throws<ShapeMismatchException>(() => Ops.Concat([Tensor.Zeros([2, 3]), Tensor.Zeros([2])], 0));
        Assert.Equal("Concat: shapes (2, 3) and (2,) have different ranks (input 1).", ex.Message);
        var dt = Assert.Throws<DTypeMismatchException>(() => Ops.Concat([Tensor.Zeros([2]), Tensor.Zeros([2], DType.Int32)]));
        Assert.Equal("Concat: inputs have different dtypes: float32 (2,) and int32 (2,) (input 1).", dt.Message);
    }

    [Fact]
    public void ConcatSymbolicAndGradient()
    {
        var p = Tensor.Placeholder([Shape.Unknown, 3]);
        var q = Tensor.Placeholder([Shape.Unknown, 2]);
        Assert.Equal(new Shape(-1, 5), Ops.Concat([p, q], 1).Shape);
        Assert.Equal(new Shape(-1, 3), Ops.Concat([p, Tensor.Zeros([4, 3])], 0).Shape);
        Assert.Equal(new Shape(4, 5), Ops.Concat([Tensor.Zeros([4, 3]), q], 1).Shape);
        GradientCheck.Check(t => Ops.Concat([t[0], t[1], t[0]], 1), [GradientCheck.Rand([2, 3], 32), GradientCheck.Rand([2, 1], 33)]);
    }

    [Fact]
    public void StackValuesAndGradient()
    {
        var a = Tensor.From(new[] { 1, 2 });
        var b = Tensor.From(new[] { 3, 4 });
        Assert.Equal(new[] { 1, 2, 3, 4 }, Ops.Stack([a, b]).ToArray<int>());
        var s1 = Ops.Stack([a, b], axis: 1);
        Assert.Equal(new Shape(2, 2), s1.Shape);
        Assert.Equal(new[] { 1, 3, 2, 4 }, s1.ToArray<int>());
        Assert.Equal(new Shape(2, 2), Ops.Stack([a, b], -1).Shape);
        var ex = Assert.Throws<ShapeMismatchException>(() => Ops.Stack([a, Tensor.From(new[] { 1, 2, 3 })]));
        Assert.Equal("Stack: all inputs need the same shape: (2,) and (3,) (input 1).", ex.Message);
        Assert.Equal(new Shape(-1, 2, 3), Ops.Stack([Tensor.Placeholder([Shape.Unknown, 3]), Tensor.Placeholder([Shape.Unknown, 3])], 1).Shape);
        GradientCheck.Check(t => Ops.Stack([t[0], t[1]], 1), [GradientCheck.Rand([2, 3], 34), GradientCheck.Rand([2, 3], 35)]);
    }

    [Fact]
    public void SplitValuesErrorsAndGradient()
    {
        var x = Tensor.Range(6);
        var parts = Ops.Split(x, 3);
        Assert.Equal(3, parts.Length);
        Assert.Equal(new[] { 2, 3 }, parts[1].ToArray<int>());
        var m = Ops.Reshape(x, [2, 3]);
        var uneven = Ops.Split(m, [1, -1], axis: 1);
        Assert.Equal(new Shape(2, 1), uneven[0].Shape);
        Assert.Equal(new[] { 1, 2, 4, 5 }, uneven[1].ToArray<int>());
        var ex = Assert.Throws<ShapeMismatchException>(() => Ops.Split(m, 2, axis: 1));
        Assert.Equal("Split: axis 1 of shape (2, 3) (size 3) cannot be split into 2 equal parts.", ex.Message);
        ex = Assert.Throws<ShapeMismatchException>(() => Ops.Split(m, [1, 1], axis: 1));
        Assert.Equal("Split: sizes [1, 1] do not add up to 3, the size of axis 1 of shape (2, 3).", ex.Message);
        var sym = Ops.Split(Tensor.Placeholder([Shape.Unknown, 4]), 2, 1);
        Assert.Equal(new Shape(-1, 2), sym[1].Shape);
        var symRest = Ops.Split(Tensor.Placeholder([Shape.Unknown, 4]), [1, -1], 0);
        Assert.Equal(new Shape(-1, 4), symRest[1].Shape);
        GradientCheck.Check(t => Ops.Split(t[0], [1, 3], 1)[1], [GradientCheck.Rand([2, 4], 36)]);
    }

    [Fact]
    public void GatherValues()
    {
        var p = Tensor.From(new[,] { { 1f, 2f }, { 3f, 4f }, { 5f, 6f } });
        var r = Ops.Gather(p, Tensor.From(new[] { 2, 0, 2 }));
        Assert.Equal(new Shape(3, 2), r.Shape);
        Close([5, 6, 1, 2, 5, 6], r);
        var c = Ops.Gather(p, Tensor.From(new long[,] { { 1, 1, 0 } }), axis: 1);
        Assert.Equal(new Shape(3, 1, 3), c.Shape);
        Close([2, 2, 1, 4, 4, 3, 6, 6, 5], c);
        Assert.Equal(new Shape(2), Ops.Gather(p, Tensor.Scalar(1)).Shape);
        Assert.Equal(new[] { 30, 10 }, Ops.Gather(Tensor.From(new[] { 10, 20, 30 }), Tensor.From(new[] { 2, 0 })).ToArray<int>());
    }

    [Fact]
    public void GatherErrorsSymbolicAndGradient()
    {
        var p = Tensor.Zeros([3, 2]);
        var ex = Assert.Throws<IndexOutOfRangeException>(() => Ops.Gather(p, Tensor.From(new[] { 3 })));
        Assert.Equal("Gather: index 3 at position (0,) of the indices (shape (1,)) is out of range for axis 0 of size 3 (params shape (3, 2)).", ex.Message);
        var dt = Assert.Throws<DTypeMismatchException>(() => Ops.Gather(p, Tensor.From(new[] { 1f })));
        Assert.Equal("Gather: indices must be int32 or int64, got float32 with shape (1,).", dt.Message);
        var sym = Ops.Gather(Tensor.Placeholder([10, 4]), Tensor.Placeholder([Shape.Unknown, 7], DType.Int32));
        Assert.Equal(new Shape(-1, 7, 4), sym.Shape);
        Assert.Equal(new Shape(-1, 2, 2), Ops.Gather(Tensor.Placeholder([Shape.Unknown, 5]), Tensor.From(new[,] { { 0, 1 }, { 4, 4 } }), 1).Shape);
        // repeated indices accumulate
        GradientCheck.Check(t => Ops.Gather(t[0], Tensor.From(new[] { 2, 0, 2, 2 })), [GradientCheck.Rand([3, 2], 37)]);
        GradientCheck.Check(t => Ops.Gather(t[0], Tensor.From(new long[,] { { 1, 1 }, { 0, 3 } }), -1), [GradientCheck.Rand([2, 4], 38)]);
        // the gradient of the gradient gathers again
        var x = GradientCheck.Rand([3, 2], 39);
        GradientCheck.Check(t =>
        {
            using var tape = new GradientTape();
            tape.Watch(t[0]);
            var y = Ops.Sum(Ops.Square(Ops.Gather(t[0], Tensor.From(new[] { 1, 1, 2 }))));
            return tape.Gradient(y, t[0])!;
        }, [x]);
    }

    [Fact]
    public void OneHotValues()
    {
        var r = Ops.OneHot(Tensor.From(new[] { 0, 2, -1, 3 }), 3);
        Assert.Equal(new Shape(4, 3), r.Shape);
        Assert.Equal(DType.Float32, r.DType);
        Close([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0], r);
        var i = Ops.OneHot(Tensor.From(new long[,] { { 1 }, { 0 } }), 2, on: 5, off: -1, dtype: DType.Int32);
        Assert.Equal(new Shape(2, 1, 2), i.Shape);
        Assert.Equal(new[] { -1, 5, 5, -1 }, i.ToArray<int>());
        Assert.Equal(new Shape(-1, 10), Ops.OneHot(Tensor.Placeholder([Shape.Unknown], DType.Int64), 10).Shape);
        var ex = Assert.Throws<DTypeMismatchException>(() => Ops.OneHot(Tensor.Zeros([2]), 3));
        Assert.Equal("OneHot: indices must be int32 or int64, got float32 with shape (2,).", ex.Message);
    }

    [Fact]
    public void PadValues()
    {
        var x = Tensor.From(new[,] { { 1f, 2f } });
        var r = Ops.Pad(x, new[,] { { 1, 0 }, { 0, 2 } }, 9);
        Assert.Equal(new Shape(2, 4), r.Shape);
        Close([9, 9, 9, 9, 1, 2, 9, 9], r);
        Assert.Equal(new[] { 0, 7, 8, 0 }, Ops.Pad(Tensor.From(new[] { 7, 8 }), [[1, 1]]).ToArray<int>());
        var ex = Assert.Throws<ShapeMismatchException>(() => Ops.Pad(x, [[1, 1]]));
        Assert.Equal("Pad: paddings have 1 pairs but the input of shape (1, 2) has rank 2.", ex.Message);
        Assert.Equal(new Shape(-1, 5), Ops.Pad(Tensor.Placeholder([Shape.Unknown, 3]), [[1, 1], [0, 2]]).Shape);
    }

    [Fact]
    public void PadGradient()
    {
        GradientCheck.Check(t => Ops.Pad(t[0], [[1, 2], [0, 1]], 3), [GradientCheck.Rand([2, 3], 40)]);
        var x = GradientCheck.Rand([2, 2], 41);
        GradientCheck.Check(t =>
        {
            using var tape = new GradientTape();
            tape.Watch(t[0]);
            var y = Ops.Sum(Ops.Square(Ops.Pad(t[0], [[1, 0], [2, 1]])));
            return tape.Gradient(y, t[0])!;
        }, [x]);
    }

    [Fact]
    public void TileValuesSymbolicAndGradient()
    {
        Assert.Equal(new[] { 1, 2, 1, 2, 1, 2 }, Ops.Tile(Tensor.From(new[] { 1, 2 }), [3]).ToArray<int>());
        var t2 = Ops.Tile(Tensor.From(new[,] { { 1f, 2f }, { 3f, 4f } }), [2, 2]);
        Assert.Equal(new Shape(4, 4), t2.Shape);
        Close([1, 2, 1, 2, 3, 4, 3, 4, 1, 2, 1, 2, 3, 4, 3, 4], t2);
        Assert.Equal(new Shape(0, 2), Ops.Tile(Tensor.Zeros([3, 2]), [0, 1]).Shape);
        Assert.Equal(new Shape(-1, 6), Ops.Tile(Tensor.Placeholder([Shape.Unknown, 3]), [2, 2]).Shape);
        Assert.Equal(new Shape(-1, 3), Ops.Tile(Tensor.Placeholder([Shape.Unknown, 3]), [1, 1]).Shape);
        var ex = Assert.Throws<ShapeMismatchException>(() => Ops.Tile(Tensor.Zeros([2, 3]), [2]));
        Assert.Equal("Tile: multiples [2] need one entry per axis of input shape (2, 3).", ex.Message);
        GradientCheck.Check(t => Ops.Tile(t[0], [2, 1, 3]), [GradientCheck.Rand([2, 3, 2], 42)]);
        var x = GradientCheck.Rand([2, 2], 43);
        GradientCheck.Check(t =>
        {
            using var tape = new GradientTape();
            tape.Watch(t[0]);
            var y = Ops.Sum(Ops.Mul(Ops.Square(Ops.Tile(t[0], [3, 2])), GradientCheck.Rand([6, 4], 44)));
            return tape.Gradient(y, t[0])!;
        }, [x]);
    }

    [Fact]
    public void ExistingShapeOpsStillWork()
    {
        var p = Tensor.Placeholder([Shape.Unknown, 1, 3]);
        Assert.Equal(new Shape(-1, 3), Ops.Squeeze(p, 1).Shape);
        Assert.Equal(new Shape(-1, 1, 1, 3), Ops.ExpandDims(p, 1).Shape);
        Assert.Equal(new Shape(2, 3), Ops.BroadcastTo(Tensor.Zeros([3]), [2, 3]).Shape);
    }
}
