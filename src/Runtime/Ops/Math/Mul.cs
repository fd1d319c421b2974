using System.Numerics.Tensors;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary><c>x * y</c> with broadcasting.</summary>
[Op("Mul")]
public sealed partial class MulOp : BinaryElementwiseOp
{
    /// <summary>The shared instance.</summary>
    public static readonly MulOp Instance = new();

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
        => Elementwise.Binary(inputs[0], inputs[1], output, Kernel, Kernel, Kernel, Kernel, Name);

    private static void Kernel<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : System.Numerics.INumber<T>
    {
        if (x.Length == y.Length) TensorPrimitives.Multiply(x, y, d);
        else if (y.Length == 1) TensorPrimitives.Multiply(x, y[0], d);
        else TensorPrimitives.Multiply(y, x[0], d);
    }

    /// <inheritdoc/>
    internal override bool TreatsRowsIndependently(ReadOnlySpan<TensorSpec> inputs, ReadOnlySpan<bool> rows, TensorSpec output)
        => RowRules.Elementwise(inputs, rows, output); // each element alone, exactly rounded

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
        => [Ops.ReduceToLike(Ops.Mul(g, inputs[1]), inputs[0]), Ops.ReduceToLike(Ops.Mul(g, inputs[0]), inputs[1])];
}

public static partial class Ops
{
    /// <summary>Elementwise <c>x * y</c> with broadcasting.</summary>
    public static Tensor Mul(Tensor x, Tensor y) => OpRunner.Run(MulOp.Instance, x, y);
}
