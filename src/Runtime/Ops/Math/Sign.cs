using System.Numerics;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary><c>sign(x)</c>: -1, 0 or 1 in the input's dtype (NaN stays NaN).</summary>
[Op("Sign")]
public sealed partial class SignOp : UnaryElementwiseOp
{
    /// <summary>The shared instance.</summary>
    public static readonly SignOp Instance = new();
    /// <inheritdoc/>
    protected override bool FloatOnly => false;

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
        => Elementwise.Unary(inputs[0], output, Kernel, Kernel, Kernel, Kernel, Name);

    private static void Kernel<T>(ReadOnlySpan<T> x, Span<T> d) where T : INumber<T>
    {
        for (int i = 0; i < x.Length; i++)
        {
            var v = x[i];
            d[i] = v > T.Zero ? T.One : v < T.Zero ? -T.One : v; // 0 stays 0, NaN stays NaN
        }
    }

    /// <summary>Zero almost everywhere: <c>g * 0</c>.</summary>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
        => [Ops.Mul(g, Tensor.Scalar(0, g.DType))];
}

public static partial class Ops
{
    /// <summary>Elementwise sign: -1, 0 or 1.</summary>
    public static Tensor Sign(Tensor x) => OpRunner.Run(SignOp.Instance, x);
}
