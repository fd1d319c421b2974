namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>Minimum</c> merge layer: takes the elementwise minimum of the inputs (<c>Invoke([a, b, ...])</c>). The shapes past the batch
/// axis broadcast as in Keras (<see cref="Merge"/>); no weights; config: <c>name</c>, <c>trainable</c>, <c>dtype</c>.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class Minimum : Merge
{
    /// <summary>Creates the layer.</summary>
    public Minimum() { }

    /// <inheritdoc/>
    protected override Tensor MergeFunction(IReadOnlyList<Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var output = inputs[0];
        for (int i = 1; i < inputs.Count; i++) output = Ops.Minimum(output, inputs[i]);
        return output;
    }
}
