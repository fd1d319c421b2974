namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>TimeDistributed</c> wrapper: applies <c>layer</c> to every step of <c>(batch, timesteps, ...)</c>
/// inputs (the same weights for all steps), by folding the time axis into the batch: one call on
/// <c>(batch * timesteps, ...)</c>, then the output unfolded to <c>(batch, timesteps, ...)</c>. A mask is folded too and
/// passed to the wrapped layer; the output carries the input's mask.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class TimeDistributed
{
    private readonly Layer layer;

    /// <summary>Creates the wrapper.</summary>
    /// <param name="layer">The layer applied to each step.</param>
    public TimeDistributed(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        this.layer = layer;
        InputSpec = new InputSpec(minNdim: 3);
    }

    /// <summary>The wrapped layer.</summary>
    public Layer InnerLayer => layer;

    /// <summary>True: the incoming mask passes on.</summary>
    public override bool SupportsMasking => true;

    /// <summary>Checks the rank.</summary>
    protected void Build(Shape inputsShape)
    {
        if (inputsShape.Rank < 3)
            throw new ArgumentException($"`TimeDistributed` Layer should be passed an `input_shape` with at least 3 dimensions, received: {inputsShape}");
        InputSpec = new InputSpec(minNdim: 3);
    }

    /// <summary>
    /// The wrapped layer on every step. A mask <c>(batch, timesteps, ...)</c> (passed, or the one the inputs carry) is
    /// folded the same way and passed to the wrapped layer's call, as Keras passes <c>mask[i]</c> to each step.
    /// </summary>
    protected Tensor Call(Tensor inputs, Tensor? mask = null, bool training = false)
    {
        int batch = inputs.Shape[0], steps = inputs.Shape[1];
        if (steps == Shape.Unknown && batch == Shape.Unknown)
            throw new ShapeMismatchException(Name, $"the batch size or the number of timesteps must be known, got {inputs.Shape}.", inputs.Shape);
        Tensor? foldedMask = null;
        if (mask is not null)
        {
            if (mask.Rank < 2)
                throw new ShapeMismatchException(Name, $"The `mask` passed to the `TimeDistributed` layer must be at least 2D (e.g., `(batch_size, timesteps)`), but it has {mask.Rank} dimension(s) with shape {mask.Shape}.", mask.Shape);
            bool batchMismatch = batch != Shape.Unknown && mask.Shape[0] != Shape.Unknown && batch != mask.Shape[0];
            bool timeMismatch = steps != Shape.Unknown && mask.Shape[1] != Shape.Unknown && steps != mask.Shape[1];
            if (batchMismatch || timeMismatch)
                throw new ShapeMismatchException(Name, $"The `mask` passed to the `TimeDistributed` layer has a shape {mask.Shape} that is incompatible with the input shape {inputs.Shape}. "
                    + "The first two dimensions of the mask (batch size and timesteps) must match the input's first two dimensions.", mask.Shape, inputs.Shape);
            foldedMask = Ops.Reshape(mask, Fold(mask.Shape, batch, steps));
        }
        var y = layer.Invoke(new CallArguments([Ops.Reshape(inputs, Fold(inputs.Shape, batch, steps))], foldedMask, training))[0];
        var unfolded = new int[y.Rank + 1];
        unfolded[0] = batch;
        unfolded[1] = steps;
        for (int i = 1; i < y.Rank; i++) unfolded[i + 1] = y.Shape[i];
        if (batch == Shape.Unknown) unfolded[0] = -1;
        return Ops.Reshape(y, new Shape(unfolded));
    }

    /// <summary><c>(batch, steps, rest...)</c> as <c>(batch * steps, rest...)</c> (-1 when either is unknown).</summary>
    private static Shape Fold(Shape shape, int batch, int steps)
    {
        var folded = new int[shape.Rank - 1];
        folded[0] = batch == Shape.Unknown || steps == Shape.Unknown ? -1 : batch * steps;
        for (int i = 2; i < shape.Rank; i++) folded[i - 1] = shape[i];
        return new Shape(folded);
    }
}
