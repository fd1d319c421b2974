namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>Maximum</c> merge layer: takes the elementwise maximum of the inputs (<c>Invoke([a, b, ...])</c>). The shapes past the batch
/// axis broadcast as in Keras (<see cref="Merge"/>); no weights; config: <c>name</c>, <c>trainable</c>, <c>dtype</c>.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class Maximum : Merge
{
    /// <summary>Creates the layer.</summary>
    public Maximum() { }

    /// <inheritdoc/>
    protected override Tensor MergeFunction(IReadOnlyList<Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var output = inputs[0];
        for (int i = 1; i < inputs.Count; i++) output = Ops.Maximum(output, inputs[i]);
        return output;
    }
}
