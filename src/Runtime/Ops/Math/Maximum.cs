using System.Numerics;
using System.Numerics.Tensors;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>
/// Elementwise <c>max(x, y)</c> with broadcasting. The gradient goes to the selected input; on ties
/// (<c>x == y</c>) it all goes to <c>x</c>, as TensorFlow does.
/// </summary>
[Op("Maximum")]
public sealed partial class MaximumOp : BinaryElementwiseOp
{
    /// <summary>The shared instance.</summary>
    public static readonly MaximumOp Instance = new();

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
        => Elementwise.Binary(inputs[0], inputs[1], output, Kernel, Kernel, Kernel, Kernel, Name);

    private static void Kernel<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : INumber<T>
    {
        if (x.Length == y.Length) TensorPrimitives.Max(x, y, d);
        else if (y.Length == 1) TensorPrimitives.Max(x, y[0], d);
        else TensorPrimitives.Max(y, x[0], d);
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        var x = inputs[0];
        var y = inputs[1];
        var toX = Ops.GreaterEqual(x, y);
        var zero = Tensor.Scalar(0, g.DType);
        return [Ops.ReduceToLike(Ops.Where(toX, g, zero), x), Ops.ReduceToLike(Ops.Where(toX, zero, g), y)];
    }
}

public static partial class Ops
{
    /// <summary>Elementwise maximum with broadcasting (ties send the gradient to <paramref name="x"/>).</summary>
    public static Tensor Maximum(Tensor x, Tensor y) => OpRunner.Run(MaximumOp.Instance, x, y);
}
