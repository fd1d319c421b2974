namespace LayerGen.Training;

/// <summary>
/// <c>normalization.Adapt(dataset)</c>: Keras's <c>adapt</c> over a <see cref="Dataset"/>, as an extension member
/// (the dataset lives in the training layer, above the layers). Each batch's inputs (<see cref="DataBatch.X"/>)
/// are one batch of the statistics (an unbatched dataset is read in batches of 1024); targets and weights are ignored, as Keras ignores them.
/// </summary>
public static class NormalizationAdapt
{
    extension(Normalization layer)
    {
        /// <summary>Learns the mean and variance from the inputs of every batch of <paramref name="data"/> (one pass).</summary>
        public void Adapt(Dataset data)
        {
            ArgumentNullException.ThrowIfNull(layer);
            ArgumentNullException.ThrowIfNull(data);
            layer.Adapt((data.IsBatched ? data : data.Batch(1024)).Select(batch => batch.X));
        }
    }
}
