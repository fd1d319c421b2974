using System.Numerics;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary><c>exp(x) / sum(exp(x))</c> along <see cref="Axis"/>, computed stably (the maximum is subtracted first).</summary>
[Op("Softmax")]
public sealed partial class SoftmaxOp(int axis) : Op
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
        if (x.DType == DType.Float32) Run(x.AsSpan<float>(), r.Data<float>(), loop, log: false);
        else Run(x.AsSpan<double>(), r.Data<double>(), loop, log: false);
        return r;
    }

    /// <summary>Softmax (or log-softmax when <paramref name="log"/>) along the middle axis of <paramref name="loop"/>.</summary>
    internal static void Run<T>(ReadOnlySpan<T> x, Span<T> d, AxisLoop loop, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = loop.Length, inner = loop.Inner;
        if (n == 0) return;
        if (inner == 1) { SoftmaxRows.Run(x, d, loop.Outer, n, log); return; }
        for (int o = 0; o < loop.Outer; o++)
        {
            int baseOff = o * n * inner;
            for (int j = 0; j < inner; j++)
            {
                int start = baseOff + j;
                T max = x[start];
                for (int k = 1; k < n; k++) { var v = x[start + k * inner]; if (v > max || T.IsNaN(v)) max = v; }
                if (T.IsInfinity(max)) max = T.IsNegative(max) ? T.Zero : max;
                T sum = T.Zero;
                for (int k = 0; k < n; k++)
                {
                    var e = T.Exp(x[start + k * inner] - max);
                    if (!log) d[start + k * inner] = e;
                    sum += e;
                }
                if (log)
                {
                    T lse = max + T.Log(sum);
                    for (int k = 0; k < n; k++) d[start + k * inner] = x[start + k * inner] - lse;
                }
                else
                {
                    for (int k = 0; k < n; k++) d[start + k * inner] /= sum;
                }
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Over the last axis of a batch of rank 2 or more, each row is normalized alone (<see cref="SoftmaxRows"/>: its
    /// maximum, exponentials and sum over that row's span only, whichever chunk of rows it falls in). Other axes mix
    /// values of several rows' positions in one loop, and the batch axis itself mixes rows: refused.
    /// </remarks>
    internal override bool TreatsRowsIndependently(ReadOnlySpan<TensorSpec> inputs, ReadOnlySpan<bool> rows, TensorSpec output)
    {
        var shape = output.Shape;
        if (shape.Rank < 2 || !RowRules.Elementwise(inputs, rows, output)) return false;
        int axis = Axis < 0 ? Axis + shape.Rank : Axis;
        return axis == shape.Rank - 1;
    }

    /// <summary><c>s * (g - sum(g * s, axis))</c>.</summary>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
        => [Ops.SoftmaxGrad(g, output, Axis)];
}

public static partial class Ops
{
    /// <summary>Softmax along <paramref name="axis"/> (default the last).</summary>
    public static Tensor Softmax(Tensor x, int axis = -1) => OpRunner.Run(new SoftmaxOp(axis), x);
}
