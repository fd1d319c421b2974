using System.Numerics;
using System.Numerics.Tensors;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary><c>x ** y</c> with broadcasting (float32/float64).</summary>
[Op("Pow")]
public sealed partial class PowOp : BinaryElementwiseOp
{
    /// <summary>The shared instance.</summary>
    public static readonly PowOp Instance = new();
    /// <inheritdoc/>
    protected override bool FloatOnly => true;

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
        => Elementwise.Binary(inputs[0], inputs[1], output, Kernel, Kernel, null, null, Name);

    private static void Kernel<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : IPowerFunctions<T>
    {
        if (x.Length == y.Length) TensorPrimitives.Pow(x, y, d);
        else if (y.Length == 1) TensorPrimitives.Pow(x, y[0], d);
        else TensorPrimitives.Pow(x[0], y, d);
    }

    /// <summary>
    /// d/dx = g * y * x^(y-1); d/dy = g * x^y * log(x), taken as 0 where x &lt;= 0 (as TensorFlow does,
    /// since log is undefined there).
    /// </summary>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        var x = inputs[0];
        var y = inputs[1];
        var one = Tensor.Scalar(1, x.DType);
        var dx = Ops.Mul(g, Ops.Mul(y, Ops.Pow(x, Ops.Sub(y, one))));
        var positive = Ops.Greater(x, Tensor.Scalar(0, x.DType));
        var safeLog = Ops.Where(positive, Ops.Log(Ops.Where(positive, x, one)), Tensor.Scalar(0, x.DType));
        var dy = Ops.Mul(g, Ops.Mul(output, safeLog));
        return [Ops.ReduceToLike(dx, x), Ops.ReduceToLike(dy, y)];
    }
}

public static partial class Ops
{
    /// <summary>Elementwise <c>x ** y</c> with broadcasting (float32/float64).</summary>
    public static Tensor Pow(Tensor x, Tensor y) => OpRunner.Run(PowOp.Instance, x, y);

    /// <summary>Elementwise <c>x ** y</c> for a scalar exponent of <paramref name="x"/>'s dtype.</summary>
    public static Tensor Pow(Tensor x, double y) => OpRunner.Run(PowOp.Instance, x, Tensor.Scalar(y, x.DType));
}
