using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary><c>x - log(sum(exp(x)))</c> along <see cref="Axis"/>, computed stably (the maximum is subtracted first).</summary>
[Op("LogSoftmax")]
public sealed partial class LogSoftmaxOp(int axis) : Op
{
    /// <summary>The axis normalized over (negative counts from the end).</summary>
    public int Axis { get; } = axis;

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectInputs(inputs, 1);
        ExpectFloating(inputs[0]);
        AxisLoop.Normalize(Name, inputs[0].Shape, Axis);
        return inputs[0];
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        var x = inputs[0];
        var loop = AxisLoop.For(x.Shape, AxisLoop.Normalize(Name, x.Shape, Axis));
        var r = output.Allocate(zeroed: false);
        if (x.DType == DType.Float32) SoftmaxOp.Run(x.AsSpan<float>(), r.Data<float>(), loop, log: true);
        else SoftmaxOp.Run(x.AsSpan<double>(), r.Data<double>(), loop, log: true);
        return r;
    }

    /// <summary><c>g - exp(output) * sum(g, axis)</c>.</summary>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
        => [Ops.Sub(g, Ops.Mul(Ops.Exp(output), Ops.Sum(g, Axis, keepDims: true)))];
}

public static partial class Ops
{
    /// <summary>Log-softmax along <paramref name="axis"/> (default the last).</summary>
    public static Tensor LogSoftmax(Tensor x, int axis = -1) => OpRunner.Run(new LogSoftmaxOp(axis), x);
}
