using System.Numerics.Tensors;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>Natural logarithm (-inf at 0, NaN below).</summary>
[Op("Log")]
public sealed partial class LogOp : UnaryElementwiseOp
{
    /// <summary>The shared instance.</summary>
    public static readonly LogOp Instance = new();

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
        => Elementwise.Unary(inputs[0], output, TensorPrimitives.Log, TensorPrimitives.Log, null, null, Name);

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output) => [Ops.Div(g, inputs[0])];
}

public static partial class Ops
{
    /// <summary>Elementwise natural logarithm.</summary>
    public static Tensor Log(Tensor x) => OpRunner.Run(LogOp.Instance, x);
}
