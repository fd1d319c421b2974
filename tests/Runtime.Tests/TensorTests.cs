using static LayerGen.Tests.TestUtil;

namespace LayerGen.Tests;

public class TensorTests
{
    [Fact]
    public void FilledCreation()
    {
        var z = Tensor.Zeros([2, 3]);
        Assert.Equal(new Shape(2, 3), z.Shape);
        Assert.Equal(DType.Float32, z.DType);
        Assert.All(z.ToArray<float>(), v => Assert.Equal(0f, v));
        Assert.Equal(new long[] { 1, 1 }, Tensor.Ones([2], DType.Int64).ToArray<long>());
        Assert.Equal(new[] { 2.5, 2.5 }, Tensor.Full([1, 2], 2.5, DType.Float64).ToArray<double>());
        Assert.Equal(new[] { true }, Tensor.Full([1], 3, DType.Bool).ToArray<bool>());
        Assert.Equal(Shape.Scalar, Tensor.Scalar(3).Shape);
        Assert.Equal(DType.Int32, Tensor.Scalar(3).DType);
        Assert.Equal(DType.Int64, Tensor.Scalar(3L).DType);
        Assert.Equal(DType.Float64, Tensor.Scalar(3.0).DType);
        Assert.Equal(DType.Bool, Tensor.Scalar(true).DType);
        Assert.Equal(4f, Tensor.Scalar(4, DType.Float32).ToScalar<float>());
        var ex = Assert.Throws<ShapeMismatchException>(() => Tensor.Zeros([Shape.Unknown, 2]));
        Assert.Equal("Zeros: shape (None, 2) has unknown dimensions; a concrete tensor needs every dimension.", ex.Message);
        Assert.Equal(new Shape(0, 3), Tensor.Zeros([0, 3]).Shape);
    }

    [Fact]
    public void FromArraysAndSpans()
    {
        var src = new[] { 1f, 2f, 3f };
        var t1 = Tensor.From(src);
        src[0] = 99; // copied
        Assert.Equal(new[] { 1f, 2f, 3f }, t1.ToArray<float>());
        var t2 = Tensor.From(new[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.Equal(new Shape(2, 3), t2.Shape);
        Assert.Equal(6, t2.At<int>(1, 2));
        Assert.Equal(4, t2.At<int>(-1, 0));
        var t3 = Tensor.From(new[, ,] { { { 1.0 }, { 2.0 } }, { { 3.0 }, { 4.0 } } });
        Assert.Equal(new Shape(2, 2, 1), t3.Shape);
        Assert.Equal(3.0, t3.At<double>(1, 0, 0));
        var t4 = Tensor.From<long>(new long[] { 1, 2, 3, 4, 5, 6 }, [3, 2]);
        Assert.Equal(5L, t4.At<long>(2, 0));
        var ex = Assert.Throws<ShapeMismatchException>(() => Tensor.From<float>(new float[5], [2, 3]));
        Assert.Equal("From: 5 values cannot fill shape (2, 3), which needs 6.", ex.Message);
        Assert.Throws<IndexOutOfRangeException>(() => t2.At<int>(2, 0));
        var at = Assert.Throws<ShapeMismatchException>(() => t2.At<int>(1));
        Assert.Equal("At: index has 1 components but the tensor has rank 2 (shape (2, 3)).", at.Message);
        Assert.Throws<DTypeMismatchException>(() => t2.At<float>(0, 0));
    }

    [Fact]
    public void IndexingAndRanges()
    {
        var t = Tensor.From(new[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } });
        Assert.Equal(new[] { 3, 4 }, t[1].ToArray<int>());
        Assert.Equal(new[] { 5, 6 }, t[-1].ToArray<int>());
        Assert.Equal(new Shape(2, 2), t[1..].Shape);
        Assert.Equal(new[] { 1, 2, 3, 4 }, t[..2].ToArray<int>());
        Assert.Equal(2, t[0][1].ToScalar<int>());
        Assert.Throws<IndexOutOfRangeException>(() => t[3]);
    }

    [Fact]
    public void RangeLinspaceEye()
    {
        Assert.Equal(new[] { 0, 1, 2, 3 }, Tensor.Range(4).ToArray<int>());
        Close([1, 1.5, 2, 2.5], Tensor.Range(1, 3, 0.5));
        Close([5, 3], Tensor.Range(5, 1, -2, DType.Float64));
        Assert.Equal(0, Tensor.Range(3, 1).Size);
        Close([0, 0.25, 0.5, 0.75, 1], Tensor.Linspace(0, 1, 5));
        Close([2], Tensor.Linspace(2, 3, 1));
        Assert.Equal(new[] { 1, 0, 0, 0, 1, 0 }, Tensor.Eye(2, 3, DType.Int32).ToArray<int>());
        Close([1, 0, 0, 1], Tensor.Eye(2));
    }

    [Fact]
    public void RandomIsDeterministicWithSeeds()
    {
        RandomGenerator.SetGlobalSeed(42);
        var a = Tensor.RandomNormal([3, 3]);
        var b = Tensor.RandomUniform([4], -1, 1);
        RandomGenerator.SetGlobalSeed(42);
        Assert.Equal(a.ToArray<float>(), Tensor.RandomNormal([3, 3]).ToArray<float>());
        Assert.Equal(b.ToArray<float>(), Tensor.RandomUniform([4], -1, 1).ToArray<float>());

        var g1 = new RandomGenerator(7);
        var g2 = new RandomGenerator(7);
        Assert.Equal(g1.Normal([5], dtype: DType.Float64).ToArray<double>(), Tensor.RandomNormal([5], dtype: DType.Float64, generator: g2).ToArray<double>());
        Assert.NotEqual(new RandomGenerator(8).Uniform([5]).ToArray<float>(), new RandomGenerator(9).Uniform([5]).ToArray<float>());
        Assert.All(new RandomGenerator(3).Uniform([100], 2, 3).ToArray<float>(), v => Assert.InRange(v, 2f, 3f));
    }

    [Fact]
    public void TruncatedNormalStaysWithinTwoStddev()
    {
        var t = Tensor.TruncatedNormal([2000], mean: 1, stddev: 0.5, dtype: DType.Float64, generator: new RandomGenerator(5));
        var v = t.ToArray<double>();
        Assert.All(v, x => Assert.InRange(x, 0.0, 2.0));
        Assert.InRange(v.Average(), 0.95, 1.05);
        Assert.Equal(v, Tensor.TruncatedNormal([2000], 1, 0.5, DType.Float64, new RandomGenerator(5)).ToArray<double>());
        var ex = Assert.Throws<DTypeMismatchException>(() => Tensor.RandomNormal([2], dtype: DType.Int32));
        Assert.Equal("RandomNormal: needs a floating dtype, got int32.", ex.Message);
    }

    [Fact]
    public void ToStringFormats()
    {
        Assert.Equal("tf.Tensor([1.5 2. ], shape=(2,), dtype=float32)", Tensor.From(new[] { 1.5f, 2f }).ToString());
        Assert.Equal("tf.Tensor([1 2 3], shape=(3,), dtype=int32)", Tensor.From(new[] { 1, 2, 3 }).ToString());
        Assert.Equal("tf.Tensor([ True False], shape=(2,), dtype=bool)", Tensor.From(new[] { true, false }).ToString());
        Assert.Equal("tf.Tensor(7, shape=(), dtype=int64)", Tensor.Scalar(7L).ToString());
        Assert.Equal("tf.Tensor(\n[[1 2]\n [3 4]], shape=(2, 2), dtype=int32)", Tensor.From(new[,] { { 1, 2 }, { 3, 4 } }).ToString());
        Assert.Equal("tf.Tensor(0.5, shape=(), dtype=float64)", Tensor.Scalar(0.5).ToString());
        Assert.Equal("<SymbolicTensor shape=(None, 3) dtype=float32 name=x>", Tensor.Placeholder([Shape.Unknown, 3], name: "x").ToString());
    }

    [Fact]
    public void VariableToStringAndAssignments()
    {
        var w = new Variable(Tensor.Zeros([3, 3]), name: "w");
        Assert.Equal("<Variable 'w' shape=(3, 3) dtype=float32, numpy=\n[[0. 0. 0.]\n [0. 0. 0.]\n [0. 0. 0.]]>", w.ToString());
        Assert.Equal("<Variable 's' shape=() dtype=float64, numpy=1.5>", new Variable(1.5, name: "s").ToString());

        var v = new Variable(Tensor.From(new[] { 1f, 2f }), name: "v");
        v.Assign(Tensor.From(new[] { 5f, 6f }));
        Assert.Equal(new[] { 5f, 6f }, v.ToArray<float>());
        v.AssignAdd(Tensor.From(new[] { 1f, 1f }));
        v.AssignSub(Tensor.From(new[] { 0.5f, 0.5f }));
        Assert.Equal(new[] { 5.5f, 6.5f }, v.ToArray<float>());
        var snapshot = v.Value();
        v.Assign(Tensor.Zeros([2]));
        Assert.Equal(new[] { 5.5f, 6.5f }, snapshot.ToArray<float>());

        var se = Assert.Throws<ShapeMismatchException>(() => v.Assign(Tensor.Zeros([3])));
        Assert.Equal("Assign to variable 'v': value has shape (3,) but the variable has shape (2,).", se.Message);
        se = Assert.Throws<ShapeMismatchException>(() => v.AssignAdd(Tensor.Zeros([2, 1])));
        Assert.Equal("AssignAdd to variable 'v': value has shape (2, 1) but the variable has shape (2,).", se.Message);
        var de = Assert.Throws<DTypeMismatchException>(() => v.AssignSub(Tensor.Zeros([2], DType.Float64)));
        Assert.Equal("AssignSub to variable 'v': value has dtype float64 but the variable has dtype float32.", de.Message);
    }

    [Fact]
    public void ViewsOfVariablesDoNotChangeWhenTheVariableDoes()
    {
        var v = new Variable(Tensor.From(new[] { 1f, 2f }));
        var reshaped = Ops.Reshape(v, [2, 1]);
        var stopped = Ops.StopGradient(v);
        v.Assign(Tensor.From(new[] { 3f, 4f }));
        Assert.Equal(new[] { 1f, 2f }, reshaped.ToArray<float>());
        Assert.Equal(new[] { 1f, 2f }, stopped.ToArray<float>());
    }
}
