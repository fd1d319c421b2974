namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>Subtract</c> merge layer: <c>inputs[0] - inputs[1]</c> (<c>Invoke([a, b])</c>, exactly two inputs). The shapes
/// past the batch axis broadcast as in Keras (<see cref="Merge"/>); no weights; config: <c>name</c>, <c>trainable</c>, <c>dtype</c>.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class Subtract : Merge
{
    /// <summary>Creates the layer.</summary>
    public Subtract() { }

    /// <inheritdoc/>
    protected override void CheckShapes(IReadOnlyList<Shape> inputShapes)
    {
        base.CheckShapes(inputShapes);
        if (inputShapes.Count != 2)
            throw Error($"A `Subtract` layer should be called on exactly 2 inputs. Received: input_shape={ShapeList(inputShapes)}");
    }

    /// <inheritdoc/>
    protected override Tensor MergeFunction(IReadOnlyList<Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count != 2)
            throw Error($"A `Subtract` layer should be called on exactly 2 inputs. Received: {inputs.Count} inputs");
        return Ops.Sub(inputs[0], inputs[1]);
    }
}
