namespace LayerGen.Training;

/// <summary>
/// One element of a <see cref="Dataset"/>, as Keras's <c>(x, y, sample_weight)</c> tuples: inputs, targets (null for
/// prediction) and per-sample weights (null: none). Before <see cref="Dataset.Batch"/> an element is one sample
/// (tensors without the batch axis); after it, one batch (the first axis is the batch). Change one part with a
/// <c>with</c> expression: <c>ds.Map(e =&gt; e with { X = e.X / 255f })</c>.
/// <para>
/// For a model with several inputs or outputs an element carries array parts (<see cref="Inputs"/>,
/// <see cref="Targets"/>, <see cref="SampleWeights"/>), as tf.data gives Keras tuples of tuples or dictionaries: make
/// one with <see cref="FromParts"/> (in the model's input and output order) or <see cref="FromDictionaries"/> (keyed
/// by input and output name, matched to the model's names when <c>Fit</c>, <c>Evaluate</c> or <c>Predict</c> reads
/// it). <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c> then read the array parts; <see cref="X"/>, <see cref="Y"/> and
/// <see cref="SampleWeight"/> are their first entries, for code that looks at one part.
/// </para>
/// </summary>
public readonly record struct DataBatch(Tensor X, Tensor? Y, Tensor? SampleWeight)
{
    /// <summary>The inputs, one per model input (in the model's order, or named by <see cref="InputNames"/>), or null for a single-input element.</summary>
    public Tensor[]? Inputs { get; init; }

    /// <summary>The targets, one per model output (in order, or named by <see cref="TargetNames"/>), or null (none, or a single-part element).</summary>
    public Tensor[]? Targets { get; init; }

    /// <summary>Per-sample weights, one per output (null entries for none; named by <see cref="SampleWeightNames"/>), or null.</summary>
    public Tensor?[]? SampleWeights { get; init; }

    /// <summary>The input name of each entry of <see cref="Inputs"/> (an element made from a dictionary), or null: model order.</summary>
    public string[]? InputNames { get; init; }

    /// <summary>The output name of each entry of <see cref="Targets"/> (an element made from a dictionary), or null: model order.</summary>
    public string[]? TargetNames { get; init; }

    /// <summary>The output name of each entry of <see cref="SampleWeights"/> (an element made from a dictionary), or null: model order.</summary>
    public string[]? SampleWeightNames { get; init; }

    /// <summary>
    /// Whether every rank of a data-parallel job has this same batch (a global batch with fewer rows than ranks, given whole
    /// to each): the strategy weights its gradients 1/N and counts it once in the logs.
    /// </summary>
    internal bool Replicated { get; init; }

    /// <summary>Whether the element has array parts (several inputs or targets).</summary>
    public bool HasParts => Inputs is not null;

    /// <summary>
    /// An element with several inputs, targets and sample weights, in the model's input and output order (Keras's
    /// <c>((x1, x2), (y1, y2), (w1, w2))</c>); <paramref name="targets"/> null for prediction.
    /// </summary>
    public static DataBatch FromParts(Tensor[] inputs, Tensor[]? targets = null, Tensor?[]? sampleWeights = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Length == 0) throw new ArgumentException("DataBatch: give at least one input.", nameof(inputs));
        foreach (var t in inputs) ArgumentNullException.ThrowIfNull(t, nameof(inputs));
        if (targets is not null) foreach (var t in targets) ArgumentNullException.ThrowIfNull(t, nameof(targets));
        return new DataBatch(inputs[0], targets is { Length: > 0 } ? targets[0] : null, sampleWeights is { Length: > 0 } ? sampleWeights[0] : null)
        {
            Inputs = inputs, Targets = targets, SampleWeights = sampleWeights,
        };
    }

    /// <summary>
    /// An element whose inputs, targets and sample weights are keyed by the model's input and output names (Keras's
    /// dictionaries); the names are matched when <c>Fit</c>, <c>Evaluate</c> or <c>Predict</c> reads the element, and an
    /// unknown or missing name is the <see cref="ArgumentException"/> the dictionary <c>Fit</c> gives, listing the model's names.
    /// </summary>
    public static DataBatch FromDictionaries(IReadOnlyDictionary<string, Tensor> inputs, IReadOnlyDictionary<string, Tensor>? targets = null,
        IReadOnlyDictionary<string, Tensor>? sampleWeights = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var batch = FromParts([.. inputs.Values], targets is null ? null : [.. targets.Values], sampleWeights is null ? null : [.. sampleWeights.Values]);
        return batch with
        {
            InputNames = [.. inputs.Keys],
            TargetNames = targets is null ? null : [.. targets.Keys],
            SampleWeightNames = sampleWeights is null ? null : [.. sampleWeights.Keys],
        };
    }

    /// <summary>This element's layout (names, which parts) with other tensors: the parts of a batch made of such elements.</summary>
    internal DataBatch WithParts(Tensor[] inputs, Tensor[]? targets, Tensor?[]? sampleWeights)
        => FromParts(inputs, targets, sampleWeights) with { InputNames = InputNames, TargetNames = TargetNames, SampleWeightNames = SampleWeightNames };
}
