namespace LayerGen.Training;

/// <summary>
/// The masks (<see cref="KerasMask"/>) a traced step's predictions carry: they leave the plan as extra outputs after the
/// step's own, and after each run are attached again to the plan's prediction outputs, so the metrics of a planned step
/// weigh by them as the eager step's do (Keras's masked metrics). The one mechanism of the one-output planned steps
/// (Trainer.Planned.cs) and the several-output ones (Trainer.MultiIOPlanned.cs).
/// </summary>
internal sealed class PredictionMasks
{
    /// <summary>No prediction has a mask.</summary>
    public static readonly PredictionMasks None = new([]);

    // For each prediction, the index of the plan output holding its mask, or -1.
    private readonly int[] _maskOutputs;

    private PredictionMasks(int[] maskOutputs) => _maskOutputs = maskOutputs;

    /// <summary>
    /// While tracing: <paramref name="outputs"/> followed by the mask of each of <paramref name="predictions"/> that has
    /// one; <paramref name="masks"/> says where each is.
    /// </summary>
    public static Tensor[] Append(IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> predictions, out PredictionMasks masks)
    {
        var result = new List<Tensor>(outputs);
        var at = new int[predictions.Count];
        for (int i = 0; i < at.Length; i++)
        {
            if (KerasMask.Of(predictions[i]) is { } mask) { at[i] = result.Count; result.Add(mask); }
            else at[i] = -1;
        }
        masks = Array.Exists(at, i => i >= 0) ? new PredictionMasks(at) : None;
        return [.. result];
    }

    /// <summary>
    /// After a run: attaches each mask output to its prediction, the predictions being the plan outputs from
    /// <paramref name="firstPrediction"/> on, in order. Allocates nothing.
    /// </summary>
    public void Attach(IReadOnlyList<Tensor> outputs, int firstPrediction)
    {
        for (int i = 0; i < _maskOutputs.Length; i++)
            if (_maskOutputs[i] >= 0) KerasMask.Set(outputs[firstPrediction + i], outputs[_maskOutputs[i]]);
    }
}
