namespace LayerGen.Layers;

/// <summary>
/// The mask a layer attached to a tensor (Keras's <c>_keras_mask</c>): a bool tensor, usually
/// <c>(batch, timesteps)</c>, true where a step holds data and false where it is padding. Kept in a side table
/// keyed by the tensor (weakly, as <see cref="KerasHistory"/>): tensors know nothing of masks. A layer whose
/// <see cref="Layer.SupportsMasking"/> is true sets its output's mask from <see cref="Layer.ComputeMask(Tensor, Tensor?)"/> when it
/// finishes a call; <c>Layer.InvokeLayer</c> looks the inputs' masks up and passes them to a <c>Call</c> that takes a
/// <c>mask</c> (or <c>&lt;name&gt;_mask</c>) left out by the caller, as Keras's <c>Layer.__call__</c>.
/// </summary>
public static class KerasMask
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Tensor, Tensor> s_masks = new();

    /// <summary>The mask attached to <paramref name="tensor"/>, or null.</summary>
    public static Tensor? Of(Tensor? tensor) => tensor is not null && s_masks.TryGetValue(tensor, out var m) ? m : null;

    /// <summary>Attaches <paramref name="mask"/> to <paramref name="tensor"/> (null removes it).</summary>
    public static void Set(Tensor tensor, Tensor? mask)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (mask is null) s_masks.Remove(tensor);
        else s_masks.AddOrUpdate(tensor, mask);
    }

    /// <summary>
    /// Checks that <paramref name="mask"/> fits <paramref name="inputs"/> (its shape is the leading
    /// <c>mask.Rank</c> axes of the input; unknown dimensions match anything) and returns it as a bool tensor.
    /// </summary>
    public static Tensor Check(string layerName, Tensor inputs, Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(mask);
        bool ok = mask.Rank <= inputs.Rank;
        for (int i = 0; ok && i < mask.Rank; i++)
            ok = mask.Shape[i] == Shape.Unknown || inputs.Shape[i] == Shape.Unknown || mask.Shape[i] == inputs.Shape[i];
        if (!ok)
            throw new ShapeMismatchException(layerName, $"the mask's shape {mask.Shape} does not match the inputs' shape {inputs.Shape} (expected the leading axes of the inputs).", mask.Shape);
        return mask.DType == DType.Bool ? mask : Ops.NotEqual(mask, Tensor.Scalar(0, mask.DType));
    }
}
