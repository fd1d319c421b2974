using static LayerGen.Tests.TestUtil;

namespace LayerGen.Tests;

public class AutodiffTests
{
    [Fact]
    public void PersistentTapeCanBeUsedTwice()
    {
        var x = D([2], 1, 2);
        using var tape = new GradientTape(persistent: true);
        tape.Watch(x);
        var y = Ops.Sum(Ops.Square(x));
        var z = Ops.Sum(Ops.Mul(x, Tensor.Scalar(3.0)));
        Close([2, 4], tape.Gradient(y, x)!);
        Close([3, 3], tape.Gradient(z, x)!);
        Close([2, 4], tape.Gradient(y, x)!);
    }

    [Fact]
    public void NonPersistentTapeThrowsOnSecondUse()
    {
        var x = D([2], 1, 2);
        using var tape = new GradientTape();
        tape.Watch(x);
        var y = Ops.Sum(Ops.Square(x));
        Assert.NotNull(tape.Gradient(y, x));
        var ex = Assert.Throws<InvalidOperationException>(() => tape.Gradient(y, x));
        Assert.Contains("only be called once on a non-persistent tape", ex.Message);
    }

    [Fact]
    public void UnconnectedSourceGetsNull()
    {
        var x = D([2], 1, 2);
        var other = D([2], 3, 4);
        using var tape = new GradientTape();
        tape.Watch(x);
        tape.Watch(other);
        var grads = tape.Gradient(Ops.Sum(Ops.Exp(x)), [x, other]);
        Assert.NotNull(grads[0]);
        Assert.Null(grads[1]);
    }

    [Fact]
    public void ConstantsNeedWatchVariablesAreWatchedWhenTrainable()
    {
        var c = D([1], 2);
        var w = new Variable(D([1], 3), name: "w");
        var frozen = new Variable(D([1], 5), trainable: false, name: "frozen");
        using (var tape = new GradientTape(persistent: true))
        {
            var y = Ops.Sum(Ops.Mul(Ops.Mul(c, w), frozen));
            Assert.Null(tape.Gradient(y, c));
            Close([10], tape.Gradient(y, w)!);
            Assert.Null(tape.Gradient(y, frozen));
            Assert.Contains(w, tape.Watched);
            Assert.DoesNotContain<Tensor>(frozen, tape.Watched);
        }
        using (var tape = new GradientTape(persistent: true))
        {
            tape.Watch(c);
            tape.Watch(frozen);
            var y = Ops.Sum(Ops.Mul(Ops.Mul(c, w), frozen));
            Close([15], tape.Gradient(y, c)!);
            Close([6], tape.Gradient(y, frozen)!);
        }
        using (var tape = new GradientTape(watchAccessedVariables: false))
        {
            var y = Ops.Sum(Ops.Mul(c, w));
            Assert.Null(tape.Gradient(y, w));
        }
    }

    [Fact]
    public void StopGradientBlocksAndReturnsANewTensor()
    {
        var x = D([2], 1, 2);
        using var tape = new GradientTape(persistent: true);
        tape.Watch(x);
        var s = Ops.StopGradient(x);
        Assert.NotSame(x, s);
        Close([1, 2], s);
        Assert.Null(tape.Gradient(Ops.Sum(Ops.Square(s)), x));
        // x * stop(x): only the first factor carries gradient
        Close([1, 2], tape.Gradient(Ops.Sum(Ops.Mul(x, Ops.StopGradient(x))), x)!);
        var v = new Variable(D([1], 4));
        Assert.NotSame(v, Ops.StopGradient(v));
    }

    [Fact]
    public void NestedTapesGiveSecondDerivatives()
    {
        var x = D([3], -1, 0.5, 2);
        using var outer = new GradientTape();
        outer.Watch(x);
        Tensor dy;
        using (var inner = new GradientTape())
        {
            inner.Watch(x);
            var y = Ops.Sum(Ops.Pow(x, 3.0));
            dy = inner.Gradient(y, x)!;
        }
        Close([3, 0.75, 12], dy, 1e-12);
        var d2 = outer.Gradient(Ops.Sum(dy), x)!;
        Close([-6, 3, 12], d2, 1e-12); // d2/dx2 x^3 = 6x
    }

    [Fact]
    public void NestedTapesThroughMulAndSoftplus()
    {
        var x = D([2], 0.3, -0.7);
        using var outer = new GradientTape();
        outer.Watch(x);
        Tensor dy;
        using (var inner = new GradientTape())
        {
            inner.Watch(x);
            dy = inner.Gradient(Ops.Sum(Ops.Mul(Ops.Mul(x, x), x)), x)!;
        }
        Close([6 * 0.3, 6 * -0.7], outer.Gradient(Ops.Sum(dy), x)!, 1e-12);
    }

    [Fact]
    public void StopRecordingPausesTheTape()
    {
        var x = D([2], 1, 2);
        using var tape = new GradientTape(persistent: true);
        tape.Watch(x);
        Tensor paused;
        using (tape.StopRecording())
        {
            paused = Ops.Square(x);
        }
        var live = Ops.Square(x);
        Assert.Null(tape.Gradient(Ops.Sum(paused), x));
        Close([2, 4], tape.Gradient(Ops.Sum(live), x)!);
    }

    [Fact]
    public void GradientWithUpstreamGradientAndChecks()
    {
        var x = D([2], 1, 2);
        using (var tape = new GradientTape())
        {
            tape.Watch(x);
            var y = Ops.Square(x);
            Close([20, 4], tape.Gradient(y, [x], D([2], 10, 1))[0]!);
        }
        using (var tape = new GradientTape())
        {
            tape.Watch(x);
            var y = Ops.Cast(x, DType.Int32);
            var ex = Assert.Throws<DTypeMismatchException>(() => tape.Gradient(y, x));
            Assert.Equal("GradientTape.Gradient: the target must be float32 or float64, got int32 with shape (2,).", ex.Message);
        }
    }

    [Fact]
    public void GradientsAccumulateOverPathsAndBroadcasts()
    {
        var x = D([2, 1], 1, 2);
        using var tape = new GradientTape();
        tape.Watch(x);
        var y = Ops.Sum(Ops.Add(Ops.Mul(x, D([3], 1, 2, 3)), x));
        Close([9, 9], tape.Gradient(y, x)!); // 1 + 2 + 3, plus 1 for each of the 3 broadcast copies
    }

    public static TheoryData<string> SymbolicOps => new()
    {
        "Pow", "Abs", "Exp", "Log", "Sqrt", "Square", "Sign", "Erf", "Maximum", "Minimum", "Where", "Clip",
        "LeakyRelu", "Elu", "Gelu", "GeluApprox", "Sigmoid", "Tanh", "Softplus", "Softmax", "LogSoftmax",
        "Mean", "Max", "Min", "Prod", "Variance", "Transpose", "Concat", "Gather", "Pad", "Tile", "StopGradient",
    };

    [Theory]
    [MemberData(nameof(SymbolicOps))]
    public void GradientsBuildOnSymbolicTensors(string name)
    {
        // Calling an op's gradient on symbolic tensors (unknown batch) must build a graph whose
        // gradients have the inputs' shapes: the gradient is written with ops, not kernels.
        var x = Tensor.Placeholder([Shape.Unknown, 3], DType.Float64);
        var y = Tensor.Placeholder([3], DType.Float64);
        Tensor output = name switch
        {
            "Pow" => Ops.Pow(x, y),
            "Abs" => Ops.Abs(x),
            "Exp" => Ops.Exp(x),
            "Log" => Ops.Log(x),
            "Sqrt" => Ops.Sqrt(x),
            "Square" => Ops.Square(x),
            "Sign" => Ops.Sign(x),
            "Erf" => Ops.Erf(x),
            "Maximum" => Ops.Maximum(x, y),
            "Minimum" => Ops.Minimum(y, x),
            "Where" => Ops.Where(Tensor.Placeholder([Shape.Unknown, 1], DType.Bool), x, y),
            "Clip" => Ops.Clip(x, -1, 1),
            "LeakyRelu" => Ops.LeakyRelu(x),
            "Elu" => Ops.Elu(x),
            "Gelu" => Ops.Gelu(x),
            "GeluApprox" => Ops.Gelu(x, true),
            "Sigmoid" => Ops.Sigmoid(x),
            "Tanh" => Ops.Tanh(x),
            "Softplus" => Ops.Softplus(x),
            "Softmax" => Ops.Softmax(x),
            "LogSoftmax" => Ops.LogSoftmax(x, 0),
            "Mean" => Ops.Mean(x, 0),
            "Max" => Ops.Max(x, 1),
            "Min" => Ops.Min(x),
            "Prod" => Ops.Prod(x, [0], keepDims: true),
            "Variance" => Ops.Variance(x, 0),
            "Transpose" => Ops.Transpose(x),
            "Concat" => Ops.Concat([x, x], 1),
            "Gather" => Ops.Gather(x, Tensor.Placeholder([Shape.Unknown], DType.Int32), 1),
            "Pad" => Ops.Pad(x, [[1, 2], [0, 1]]),
            "Tile" => Ops.Tile(x, [2, 3]),
            _ => Ops.StopGradient(x),
        };
        Assert.True(output.IsSymbolic);
        var node = output.Node!;
        var grads = node.Op.Gradient(Tensor.Placeholder(output.Shape, output.DType), node.Inputs, output);
        Assert.Equal(node.Inputs.Count, grads.Length);
        for (int i = 0; i < grads.Length; i++)
        {
            if (grads[i] is not { } g) continue;
            Assert.True(g.IsSymbolic);
            Assert.True(g.Shape.IsCompatibleWith(node.Inputs[i].Shape), $"{name}: gradient {i} has shape {g.Shape}, input has {node.Inputs[i].Shape}");
        }
    }
}
