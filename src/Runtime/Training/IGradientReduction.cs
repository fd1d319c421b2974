namespace LayerGen.Training;

/// <summary>
/// One training step's gradient all-reduce, started during the backward pass (PyTorch DDP's overlapped buckets):
/// the trainer reports each variable's gradient as soon as it is final (<see cref="GradientReady"/>, from the tape's
/// or the plan's hook), the strategy starts a bucket's all-reduce once all its gradients are in, and
/// <see cref="Finish"/> waits for the rest. Made by <see cref="ITrainingDistribution.BeginGradientReduction"/>.
/// </summary>
public interface IGradientReduction
{
    /// <summary>The gradient of variable <paramref name="index"/> is final; it is read now (the caller may reuse its storage afterwards).</summary>
    void GradientReady(int index, Tensor gradient);

    /// <summary>Waits for every bucket and returns the averaged gradients (null where <paramref name="gradients"/> has null).</summary>
    IReadOnlyList<Tensor?> Finish(IReadOnlyList<Tensor?> gradients);
}
