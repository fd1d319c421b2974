namespace LayerGen.Training;

/// <summary>
/// How <c>Fit</c> and <c>Evaluate</c> under a data-parallel strategy split a <see cref="Dataset"/> between the ranks
/// (tf.data's <c>options.experimental_distribute.auto_shard_policy</c>); set it with
/// <see cref="Dataset.WithAutoShardPolicy"/>. In every policy but <see cref="Off"/> the dataset's <see cref="Dataset.Batch"/>
/// size is the global batch: each rank trains on its part of it.
/// </summary>
public enum AutoShardPolicy
{
    /// <summary>By file when the source is several files (<see cref="Dataset.FromFiles"/>, at least one per rank), else by data (the default).</summary>
    Auto,

    /// <summary>
    /// Rank r of N reads files r, r + N, ... of a <see cref="Dataset.FromFiles"/> source and batches its own elements
    /// (its part of each global batch); the ranks' epochs must have the same number of batches.
    /// </summary>
    File,

    /// <summary>
    /// Every rank walks the same element order (shuffled with one seed) and keeps its part of each global batch; the
    /// split is made below the <see cref="Dataset.Map"/>s and <see cref="Dataset.Prefetch"/>es that precede
    /// <see cref="Dataset.Batch"/>, so each rank maps only its own elements.
    /// </summary>
    Data,

    /// <summary>No split: every batch the dataset gives a rank is that rank's (a dataset sharded by hand, or the same data everywhere).</summary>
    Off,
}
