namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>TimeDistributed</c> wrapper: applies <c>layer</c> to every step of <c>(batch, timesteps, ...)</c>
/// inputs (the same weights for all steps), by folding the time axis into the batch: one call on
/// <c>(batch * timesteps, ...)</c>, then the output unfolded to <c>(batch, timesteps, ...)</c>. The mask passes on.
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

    /// <summary>The wrapped layer on every step.</summary>
    protected Tensor Call(Tensor inputs, bool training = false)
    {
        int batch = inputs.Shape[0], steps = inputs.Shape[1];
        if (steps == Shape.Unknown && batch == Shape.Unknown)
            throw new ShapeMismatchException(Name, $"the batch size or the number of timesteps must be known, got {inputs.Shape}.", inputs.Shape);
        var folded = new int[inputs.Rank - 1];
        folded[0] = batch == Shape.Unknown || steps == Shape.Unknown ? -1 : batch * steps;
        for (int i = 2; i < inputs.Rank; i++) folded[i - 1] = inputs.Shape[i];
        var y = layer.Invoke(new CallArguments([Ops.Reshape(inputs, new Shape(folded))], null, training))[0];
        var unfolded = new int[y.Rank + 1];
        unfolded[0] = batch;
        unfolded[1] = steps;
        for (int i = 1; i < y.Rank; i++) unfolded[i + 1] = y.Shape[i];
        if (batch == Shape.Unknown) unfolded[0] = -1;
        return Ops.Reshape(y, new Shape(unfolded));
    }
}
