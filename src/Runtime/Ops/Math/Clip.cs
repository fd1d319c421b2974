using System.Globalization;
using System.Numerics;
using System.Numerics.Tensors;
using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>
/// Clamps every element into <c>[Min, Max]</c>, like <c>tf.clip_by_value</c>. For integer dtypes the
/// bounds are rounded inward (min up, max down). The gradient passes where <c>Min &lt;= x &lt;= Max</c>, end points
/// included, as <c>tf.clip_by_value</c> (Keras's <c>ops.clip</c>) and <c>torch.clamp</c> do: a value sitting exactly
/// on a bound still moves it. Activations whose gradient is 0 at the end points (<c>relu6</c>, <c>hard_sigmoid</c>)
/// are not written with Clip.
/// </summary>
[Op("Clip")]
public sealed partial class ClipOp : UnaryElementwiseOp
{
    /// <summary>Creates the op; <paramref name="min"/> must not exceed <paramref name="max"/>.</summary>
    public ClipOp(double min, double max)
    {
        if (double.IsNaN(min) || double.IsNaN(max) || min > max)
            throw new ArgumentException($"Clip: min ({min.ToString(CultureInfo.InvariantCulture)}) must not exceed max ({max.ToString(CultureInfo.InvariantCulture)}).");
        Min = min;
        Max = max;
    }

    /// <summary>The lower bound.</summary>
    public double Min { get; }
    /// <summary>The upper bound.</summary>
    public double Max { get; }
    /// <inheritdoc/>
    protected override bool FloatOnly => false;

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
        => Elementwise.Unary(inputs[0], output,
            (x, d) => TensorPrimitives.Clamp(x, (float)Min, (float)Max, d),
            (x, d) => TensorPrimitives.Clamp(x, Min, Max, d),
            (x, d) => ClampInt(x, d), (x, d) => ClampInt(x, d), Name);

    private void ClampInt<T>(ReadOnlySpan<T> x, Span<T> d) where T : INumber<T>, IMinMaxValue<T>
    {
        T lo = T.CreateSaturating(Math.Ceiling(Min)), hi = T.CreateSaturating(Math.Floor(Max));
        if (lo > hi)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Clip: no integer lies in [{Min}, {Max}]."));
        TensorPrimitives.Clamp(x, lo, hi, d);
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor g, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        var x = inputs[0];
        var inside = Ops.Mul(
            Ops.Cast(Ops.GreaterEqual(x, Tensor.Scalar(Min, x.DType)), g.DType),
            Ops.Cast(Ops.LessEqual(x, Tensor.Scalar(Max, x.DType)), g.DType));
        return [Ops.Mul(g, inside)];
    }
}

public static partial class Ops
{
    /// <summary>Clamps <paramref name="x"/> into [<paramref name="min"/>, <paramref name="max"/>], like <c>tf.clip_by_value</c>.</summary>
    public static Tensor Clip(Tensor x, double min, double max) => OpRunner.Run(new ClipOp(min, max), x);
}
