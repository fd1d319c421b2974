namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>Average</c> merge layer: averages the inputs elementwise (<c>Invoke([a, b, ...])</c>). The shapes past the batch
/// axis broadcast as in Keras (<see cref="Merge"/>); no weights; config: <c>name</c>, <c>trainable</c>, <c>dtype</c>.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class Average : Merge
{
    /// <summary>Creates the layer.</summary>
    public Average() { }

    /// <inheritdoc/>
    protected override Tensor MergeFunction(IReadOnlyList<Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var output = inputs[0];
        for (int i = 1; i < inputs.Count; i++) output = Ops.Add(output, inputs[i]);
        return Ops.Div(output, Tensor.Scalar((double)inputs.Count, output.DType));
    }
}
