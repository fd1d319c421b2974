using System.Numerics.Tensors;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary><c>x / y</c> with broadcasting (integer division truncates; division by zero throws for integers).</summary>
[Op("Div")]
public sealed partial class DivOp : BinaryElementwiseOp
{
    /// <summary>The shared instance.</summary>
    public static readonly DivOp Instance = new();

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
        => Elementwise.Binary(inputs[0], inputs[1], output, Kernel, Kernel, Kernel, Kernel, Name);

    private static void Kernel<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : System.Numerics.INumber<T>
    {
        if (x.Length == y.Length) TensorPrimitives.Divide(x, y, d);
        else if (y.Length == 1) TensorPrimitives.Divide(x, y[0], d);
        else TensorPrimitives.Divide(x[0], y, d);
    }

    /// <inheritdoc/>
    internal override bool TreatsRowsIndependently(ReadOnlySpan<TensorSpec> inputs, ReadOnlySpan<bool> rows, TensorSpec output)
        => RowRules.Elementwise(inputs, rows, output); // each element alone, exactly rounded

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        var x = inputs[0];
        var y = inputs[1];
        // d/dx = g / y ; d/dy = -g * x / y^2
        return [Ops.ReduceToLike(Ops.Div(g, y), x), Ops.ReduceToLike(Ops.Neg(Ops.Div(Ops.Mul(g, x), Ops.Mul(y, y))), y)];
    }
}

public static partial class Ops
{
    /// <summary>Elementwise <c>x / y</c> with broadcasting.</summary>
    public static Tensor Div(Tensor x, Tensor y) => OpRunner.Run(DivOp.Instance, x, y);
}
