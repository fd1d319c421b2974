using static LayerGen.Tests.TestUtil;

namespace LayerGen.Tests;

/// <summary>
/// A gradient tape asks each op only for the input gradients it needs (watched inputs), and the ops with costly
/// input gradients (Conv, ConvTranspose, MatMul) skip the others.
/// </summary>
public class NeededGradientsTests
{
    /// <summary>An unregistered op, <c>a·b</c> elementwise, that records which input gradients the tape asked for.</summary>
    private sealed class ProbeOp : Op
    {
        public List<bool[]> Asked { get; } = [];
        public override string Name => "Probe";
        public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs) => inputs[0];
        public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
        {
            // Written directly: an op run inside a kernel would be recorded on the tape too.
            var r = output.Allocate(zeroed: false);
            System.Numerics.Tensors.TensorPrimitives.Multiply(inputs[0].AsSpan<double>(), inputs[1].AsSpan<double>(), r.Data<double>());
            return r;
        }
        public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output) => [Ops.Mul(g, inputs[1]), Ops.Mul(g, inputs[0])];
        public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output, ReadOnlySpan<bool> needed)
        {
            Asked.Add(needed.ToArray());
            return Gradient(g, inputs, output);
        }
    }

    [Fact]
    public void TapeAsksOnlyForWatchedInputs()
    {
        var probe = new ProbeOp();
        var x = D([2], 1, 2);
        var w = new Variable(D([2], 3, 4));
        using var tape = new GradientTape();
        var y = Ops.Sum(OpRunner.Run(probe, x, w));
        var g = tape.Gradient(y, [w, x]);
        Assert.Equal(new[] { false, true }, Assert.Single(probe.Asked));
        Close([1, 2], g[0]!);
        Assert.Null(g[1]);
    }

    [Fact]
    public void TapeAsksForBothWhenBothAreWatched()
    {
        var probe = new ProbeOp();
        var x = D([2], 1, 2);
        var w = new Variable(D([2], 3, 4));
        using var tape = new GradientTape();
        tape.Watch(x);
        var y = Ops.Sum(OpRunner.Run(probe, x, w));
        var g = tape.Gradient(y, [w, x]);
        Assert.Equal(new[] { true, true }, Assert.Single(probe.Asked));
        Close([1, 2], g[0]!);
        Close([3, 4], g[1]!);
    }

    [Fact]
    public void ConvMatMulAndConvTransposeSkipUnneededInputGradients()
    {
        var x = Tensor.RandomUniform([1, 4, 4, 2], -1, 1, DType.Float64, generator: new RandomGenerator(1));
        var w = Tensor.RandomUniform([3, 3, 2, 3], -1, 1, DType.Float64, generator: new RandomGenerator(2));
        foreach (var (op, inputs) in new (Op, Tensor[])[]
        {
            (new ConvOp([1, 1], [0, 0, 0, 0], [1, 1], 1), [x, w]),
            (new ConvTransposeOp([4, 4], [1, 1], [0, 0, 0, 0], [1, 1], 1), [Ops.Conv(x, w, [1, 1], [0, 0, 0, 0], [1, 1]), w]),
            (MatMulOp.Plain, [D([2, 3], 1, 2, 3, 4, 5, 6), D([3, 2], 1, 0, 0, 1, 1, 1)]),
            (new MatMulOp(true, true), [D([3, 2], 1, 2, 3, 4, 5, 6), D([2, 3], 1, 0, 0, 1, 1, 1)]),
        })
        {
            var y = OpRunner.Run(op, inputs);
            var g = Tensor.OnesLike(y);
            var all = op.Gradient(g, inputs, y);
            var onlyFirst = op.Gradient(g, inputs, y, [true, false]);
            var onlySecond = op.Gradient(g, inputs, y, [false, true]);
            Assert.Null(onlyFirst[1]);
            Assert.Null(onlySecond[0]);
            Close(all[0]!.ToArray<double>(), onlyFirst[0]!, 0);
            Close(all[1]!.ToArray<double>(), onlySecond[1]!, 0);
        }
    }
}
