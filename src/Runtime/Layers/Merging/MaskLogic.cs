namespace LayerGen.Layers;

/// <summary>
/// Logical operations on masks (bool tensors) built from ops that work on symbolic and traced tensors too:
/// the values go through float32 (0/1) and come back as bool, so no op needs a bool kernel.
/// </summary>
internal static class MaskLogic
{
    /// <summary><paramref name="mask"/> as float32 0/1 (a non-bool mask: nonzero is true).</summary>
    public static Tensor AsFloat(Tensor mask) => Ops.Cast(mask.DType == DType.Bool ? mask : Ops.Cast(mask, DType.Bool), DType.Float32);

    /// <summary>Float32 0/1 back to bool.</summary>
    public static Tensor AsBool(Tensor mask) => mask.DType == DType.Bool ? mask : Ops.Cast(mask, DType.Bool);

    /// <summary>Keras's <c>ops.logical_or</c> (broadcasting).</summary>
    public static Tensor Or(Tensor a, Tensor b) => AsBool(Ops.Maximum(AsFloat(a), AsFloat(b)));

    /// <summary>Keras's <c>ops.logical_and</c> (broadcasting).</summary>
    public static Tensor And(Tensor a, Tensor b) => AsBool(Ops.Minimum(AsFloat(a), AsFloat(b)));

    /// <summary>Float32 ones of <paramref name="like"/>'s shape, known or not (derived from the tensor; never NaN).</summary>
    public static Tensor OnesLike(Tensor like)
        => Ops.Add(Ops.Mul(Ops.Cast(Ops.Cast(like, DType.Bool), DType.Float32), Tensor.Scalar(0f)), Tensor.Scalar(1f));

    /// <summary>Float32 zeros of <paramref name="like"/>'s shape.</summary>
    public static Tensor ZerosLike(Tensor like) => Ops.Mul(Ops.Cast(Ops.Cast(like, DType.Bool), DType.Float32), Tensor.Scalar(0f));
}
