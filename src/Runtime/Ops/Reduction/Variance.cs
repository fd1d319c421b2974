namespace LayerGen.Operations;

public static partial class Ops
{
    /// <summary>
    /// Population variance (divides by N, like <c>tf.math.reduce_variance</c>) over <paramref name="axes"/>
    /// (all when null): <c>mean(square(x - mean(x)))</c>, composed of differentiable ops.
    /// </summary>
    public static Tensor Variance(Tensor x, int[]? axes = null, bool keepDims = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!x.DType.IsFloating())
            throw new DTypeMismatchException("Variance", $"argument x must be float32 or float64, got {x.DType.Name()} with shape {x.Shape}.");
        var centered = Sub(x, Mean(x, axes, keepDims: true));
        return Mean(Square(centered), axes, keepDims);
    }

    /// <summary>Population variance over one axis.</summary>
    public static Tensor Variance(Tensor x, int axis, bool keepDims = false) => Variance(x, [axis], keepDims);

    /// <summary>Population standard deviation, <c>sqrt(variance)</c>, over <paramref name="axes"/> (all when null).</summary>
    public static Tensor Std(Tensor x, int[]? axes = null, bool keepDims = false) => Sqrt(Variance(x, axes, keepDims));
}
