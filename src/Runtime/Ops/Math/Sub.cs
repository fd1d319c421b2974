using System.Numerics.Tensors;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary><c>x - y</c> with broadcasting.</summary>
[Op("Sub")]
public sealed partial class SubOp : BinaryElementwiseOp
{
    /// <summary>The shared instance.</summary>
    public static readonly SubOp Instance = new();

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
        => Elementwise.Binary(inputs[0], inputs[1], output, Kernel, Kernel, Kernel, Kernel, Name);

    private static void Kernel<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : System.Numerics.INumber<T>
    {
        if (x.Length == y.Length) TensorPrimitives.Subtract(x, y, d);
        else if (y.Length == 1) TensorPrimitives.Subtract(x, y[0], d);
        else TensorPrimitives.Subtract(x[0], y, d);
    }

    /// <inheritdoc/>
    internal override bool TreatsRowsIndependently(ReadOnlySpan<TensorSpec> inputs, ReadOnlySpan<bool> rows, TensorSpec output)
        => RowRules.Elementwise(inputs, rows, output); // each element alone, exactly rounded

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
        => [Ops.ReduceToLike(g, inputs[0]), Ops.ReduceToLike(Ops.Neg(g), inputs[1])];
}

public static partial class Ops
{
    /// <summary>Elementwise <c>x - y</c> with broadcasting.</summary>
    public static Tensor Sub(Tensor x, Tensor y) => OpRunner.Run(SubOp.Instance, x, y);
}
