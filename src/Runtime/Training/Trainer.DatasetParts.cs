using LayerGen.Callbacks;

namespace LayerGen.Training;

// Dataset elements with array parts (several inputs and targets, possibly keyed by name): the tensors in the model's
// input and output order, for the array steps.
internal sealed partial class Trainer
{
    /// <summary>The inputs of a batch with array parts, in the model's input order.</summary>
    private Tensor[] PartInputs(DataBatch batch)
        => batch.InputNames is { } names ? FromDictionary(Keyed(names, batch.Inputs!), InputNames, "input") : batch.Inputs!;

    /// <summary>The targets of a batch with array parts, in the model's output order (an error when it has none and <paramref name="use"/> needs them).</summary>
    private Tensor[] PartTargets(DataBatch batch, string use)
    {
        if (batch.Targets is not { } targets)
            throw new ArgumentException($"{use}: the dataset's elements have no targets; give them with DataBatch.FromParts(inputs, targets) or Dataset.FromTensors(x, y).", "dataset");
        return batch.TargetNames is { } names ? FromDictionary(Keyed(names, targets), OutputNames, "output") : targets;
    }

    /// <summary>The per-output sample weights of a batch with array parts, in the model's output order (null: none).</summary>
    private Tensor?[]? PartSampleWeights(DataBatch batch)
    {
        if (batch.SampleWeights is not { } weights) return null;
        if (batch.SampleWeightNames is not { } names) return weights;
        var keyed = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++) if (weights[i] is { } w) keyed[names[i]] = w;
        return SampleWeightsFromDictionary(keyed);
    }

    private static Dictionary<string, Tensor> Keyed(string[] names, Tensor[] tensors)
    {
        var keyed = new Dictionary<string, Tensor>(names.Length, StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++) keyed[names[i]] = tensors[i];
        return keyed;
    }

    /// <summary>
    /// The outputs of a model with several outputs for every batch of a batched <see cref="Dataset"/> (targets
    /// ignored; one pass, or <paramref name="steps"/> batches), one array per output, as Keras's <c>predict</c> returns a list.
    /// </summary>
    public Tensor[] PredictOutputs(Dataset dataset, int verbose = 1, IEnumerable<Callback>? callbacks = null, int? steps = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        using var feed = new EpochFeed(dataset, steps, 1, "Predict");
        var empty = new Dictionary<string, double>(StringComparer.Ordinal);
        var cbs = BeginDatasetPredict(callbacks, verbose, feed.Steps ?? 0, empty);
        var parts = new List<Tensor[]>();
        int step = 0;
        foreach (var batch in feed.Epoch(0))
        {
            cbs.OnPredictBatchBegin(step, empty);
            Tensor[] inputs = batch.HasParts ? PartInputs(batch) : [batch.X];
            parts.Add(_distribution is null ? model.PredictStep(inputs) : _distribution.PredictParts(inputs, model.PredictStep));
            cbs.OnPredictBatchEnd(step, empty);
            step++;
        }
        cbs.OnPredictEnd(empty);
        if (parts.Count == 1) return parts[0];
        return [.. Enumerable.Range(0, parts[0].Length).Select(o => Ops.Concat([.. parts.Select(p => p[o])], 0))];
    }
}
