using LayerGen.Callbacks;
using LayerGen.Optimizers;

namespace LayerGen.Training;

/// <summary>
/// What <c>Fit</c>/<c>Evaluate</c> and the default <c>TrainStep</c> ask of a data-parallel strategy (the hook the
/// training layer owns; <c>LayerGen.Distributed.DataParallel</c> fills it, set with
/// <c>model.Compile(..., distribution: strategy)</c>). Every rank runs the same loop over the same global batches;
/// the strategy hands each rank its part, averages gradients and logs, and keeps output to the chief (rank 0).
/// </summary>
public interface ITrainingDistribution
{
    /// <summary>This process's rank (0 is the chief).</summary>
    int Rank { get; }

    /// <summary>The number of ranks (replicas) training together.</summary>
    int WorldSize { get; }

    /// <summary>Whether this rank prints progress and writes files (rank 0).</summary>
    bool IsChief { get; }

    /// <summary>Copies the model's variables and the optimizer's state from the chief to every rank (checking that they agree on shapes).</summary>
    void Synchronize(Model model, Optimizer? optimizer);

    /// <summary>The seed every rank uses: the chief's <paramref name="seed"/>.</summary>
    long AgreeOnSeed(long seed);

    /// <summary>This rank's rows of a global batch (null: every rank skips the batch).</summary>
    DataBatch? Shard(DataBatch globalBatch);

    /// <summary>
    /// For a dataset whose batches are already this rank's (split at its source, <see cref="AutoShardPolicy.Off"/>, or
    /// sharded by hand): called once per step with this rank's next batch, or null when its data has ended. Every rank
    /// learns the others' row counts, so the gradients are weighted by this rank's share of the global batch; returns
    /// false when every rank's data has ended, and throws on every rank when only some have.
    /// </summary>
    bool AgreeOnBatch(DataBatch? localBatch) => localBatch is not null;

    /// <summary>The gradients averaged over all ranks (weighted by each rank's share of the last <see cref="Shard"/>ed batch).</summary>
    IReadOnlyList<Tensor?> ReduceGradients(IReadOnlyList<Tensor?> gradients, IReadOnlyList<Variable> variables);

    /// <summary>
    /// A gradient all-reduce to run during the backward pass of one step over <paramref name="variables"/>, or null
    /// (the default): the trainer then calls <see cref="ReduceGradients"/> after the backward pass.
    /// </summary>
    IGradientReduction? BeginGradientReduction(IReadOnlyList<Variable> variables) => null;

    /// <summary>The metrics were reset (a new epoch, an evaluation): the running logs start over.</summary>
    void OnMetricsReset() { }

    /// <summary>The logs (loss, metrics) averaged over all ranks.</summary>
    Dictionary<string, double> ReduceLogs(Dictionary<string, double> logs);

    /// <summary>
    /// <see cref="ReduceLogs(Dictionary{string, double})"/> for logs some of whose values come from metrics whose result is
    /// not a mean over rows (<paramref name="summedMetrics"/>: log key and metric, e.g. precision, recall, AUC): those are
    /// computed from their states summed over all ranks; the other values are averaged. The default averages every value.
    /// </summary>
    Dictionary<string, double> ReduceLogs(Dictionary<string, double> logs, IReadOnlyList<KeyValuePair<string, LayerGen.Metrics.Metric>> summedMetrics)
        => ReduceLogs(logs);

    /// <summary>The callbacks this rank runs: all on the chief; on the others, those that neither print nor write files.</summary>
    List<Callback> SelectCallbacks(List<Callback> callbacks);

    /// <summary>Waits for every rank (after the chief has written its files).</summary>
    void Barrier();

    /// <summary>
    /// The outputs for one global batch <paramref name="x"/> of <c>Predict</c>: each rank runs
    /// <paramref name="predictStep"/> on its part, and the parts are gathered, in row order, on every rank.
    /// </summary>
    Tensor Predict(Tensor x, Func<Tensor, Tensor> predictStep);

    /// <summary>
    /// <see cref="Predict"/> for a model with several inputs or outputs: each rank runs <paramref name="predictStep"/> on its
    /// rows of every input, and each output's parts are gathered, in row order, on every rank.
    /// </summary>
    Tensor[] PredictParts(Tensor[] inputs, Func<Tensor[], Tensor[]> predictStep) => predictStep(inputs);
}
