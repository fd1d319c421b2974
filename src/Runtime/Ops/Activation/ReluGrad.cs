using System.Numerics;

namespace LayerGen.Operations;

/// <summary>
/// The gradient of <see cref="ReluOp"/>: <c>g</c> where the relu's output <c>y</c> is positive, 0 elsewhere, in one pass
/// (instead of <c>g · cast(y &gt; 0)</c>, which makes two more arrays of the activation's size). Inputs: the
/// upstream gradient <c>g</c> and the relu's output <c>y</c>, of the same shape and dtype.
/// </summary>
[Op("ReluGrad")]
public sealed partial class ReluGradOp : Op
{
    /// <summary>The shared instance.</summary>
    public static readonly ReluGradOp Instance = new();

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        ExpectGradientLikeOutput(inputs, "relu");
        return inputs[0];
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        Tensor g = inputs[0], y = inputs[1];
        var r = output.Allocate(zeroed: false);
        if (g.DType == DType.Float32) Mask(g.Lend<float>(), y.Lend<float>(), r.Lend<float>());
        else Mask(g.Lend<double>(), y.Lend<double>(), r.Lend<double>());
        // Lent spans (docs/design/tensor-storage.md): the inputs stay reachable until the kernel is done.
        GC.KeepAlive(g);
        GC.KeepAlive(y);
        return r;
    }

    /// <summary><c>d[i] = y[i] &gt; 0 ? g[i] : 0</c>.</summary>
    internal static void Mask<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && g.Length >= Vector<T>.Count)
        {
            for (; i <= g.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var yv = new Vector<T>(y[i..]);
                var gv = new Vector<T>(g[i..]);
                Vector.ConditionalSelect(Vector.GreaterThan(yv, Vector<T>.Zero), gv, Vector<T>.Zero).CopyTo(d[i..]);
            }
        }
        for (; i < g.Length; i++) d[i] = y[i] > T.Zero ? g[i] : T.Zero;
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
        // Linear in the gradient; the mask is piecewise constant in y, so y gets no gradient (as Greater's inputs).
        => [Ops.ReluGrad(g, inputs[1]), null];
}

public static partial class Ops
{
    /// <summary>
    /// The gradient of <see cref="Relu"/> from its output: <paramref name="g"/> where <paramref name="y"/> is positive,
    /// 0 elsewhere.
    /// </summary>
    public static Tensor ReluGrad(Tensor g, Tensor y) => OpRunner.Run(ReluGradOp.Instance, g, y);
}
