namespace LayerGen.Operations;

public static partial class Ops
{
    /// <summary>The value Keras puts at masked positions before a softmax: <c>-1e9</c>.</summary>
    public const double SoftmaxMaskValue = -1e9;

    /// <summary>
    /// Keras's masked softmax (<c>keras.layers.Softmax</c> with a mask), composed of existing ops: positions where
    /// <paramref name="mask"/> is false (bool) or not above 0.5 (numbers) get <see cref="SoftmaxMaskValue"/> before
    /// the softmax over <paramref name="axes"/> and 0 after it (so a fully masked row is zeros, not uniform). The
    /// mask broadcasts to <paramref name="x"/> and may not have more axes. A null mask is a plain softmax.
    /// </summary>
    public static Tensor MaskedSoftmax(Tensor x, Tensor? mask, params int[] axes)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (axes is null || axes.Length == 0) axes = [-1];
        Tensor? keep = null;
        if (mask is not null)
        {
            if (mask.Rank > x.Rank)
                throw new ShapeMismatchException("MaskedSoftmax", $"The `mask` must be broadcastable to `inputs` and must not have more dimensions. Received: inputs.shape={x.Shape}, mask.shape={mask.Shape}", x.Shape, mask.Shape);
            for (int i = 1; i <= mask.Rank; i++)
            {
                int m = mask.Shape[^i], d = x.Shape[^i];
                if (m != Shape.Unknown && d != Shape.Unknown && m != 1 && m != d)
                    throw new ShapeMismatchException("MaskedSoftmax", $"The `mask` must be broadcastable to `inputs`. Each mask dimension must be 1 or match the corresponding input dimension. Received: inputs.shape={x.Shape}, mask.shape={mask.Shape}", x.Shape, mask.Shape);
            }
            keep = mask.DType == DType.Bool ? mask : Greater(mask, Tensor.Scalar(0.5, mask.DType));
            x = Where(keep, x, Tensor.Scalar(SoftmaxMaskValue, x.DType));
        }
        Tensor y;
        if (axes.Length == 1) y = Softmax(x, axes[0]);
        else
        {
            var shifted = Sub(x, StopGradient(Max(x, axes, keepDims: true)));
            var e = Exp(shifted);
            y = Div(e, Sum(e, axes, keepDims: true));
        }
        return keep is null ? y : Where(keep, y, Tensor.Scalar(0.0, y.DType));
    }
}
