namespace LayerGen.Training;

/// <summary>
/// One element of a <see cref="Dataset"/>, as Keras's <c>(x, y, sample_weight)</c> tuples: inputs, targets (null for
/// prediction) and per-sample weights (null: none). Before <see cref="Dataset.Batch"/> an element is one sample
/// (tensors without the batch axis); after it, one batch (the first axis is the batch). Change one part with a
/// <c>with</c> expression: <c>ds.Map(e =&gt; e with { X = e.X / 255f })</c>.
/// </summary>
public readonly record struct DataBatch(Tensor X, Tensor? Y, Tensor? SampleWeight);
