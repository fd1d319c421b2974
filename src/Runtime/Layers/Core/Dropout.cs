namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>Dropout</c>: in training, sets each input to 0 with probability <c>rate</c> and scales the rest by
/// <c>1 / (1 - rate)</c>; at inference it passes the input through. The mask comes from a generator seeded with
/// <c>seed</c> (or from the global seed), so runs are reproducible. <c>noiseShape</c> shares the mask along the
/// axes where it is 1.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class Dropout
{
    /// <summary>True: the incoming mask passes through (Keras).</summary>
    public override bool SupportsMasking => true;

    private readonly double rate;
    private readonly int[]? noiseShape;
    private readonly int? seed;
    private readonly SeedGenerator generator;

    /// <summary>Creates the layer.</summary>
    /// <param name="rate">The fraction of inputs to drop, in [0, 1).</param>
    /// <param name="noiseShape">The mask's shape (1 where it is broadcast; -1 or 0 for the input's dimension), or null for the input's shape.</param>
    /// <param name="seed">The mask generator's seed (null: drawn from the global generator).</param>
    public Dropout(double rate, int[]? noiseShape = null, int? seed = null)
    {
        if (rate is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(rate), rate, $"Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate={rate}");
        this.rate = rate;
        this.noiseShape = noiseShape;
        this.seed = seed;
        generator = new SeedGenerator(seed ?? RandomGenerator.Global.NextInt(int.MaxValue));
        InputSpec = null; // any shape
    }

    /// <summary>The drop rate.</summary>
    public double Rate => rate;

    /// <summary>Drops inputs when <paramref name="training"/> is true.</summary>
    protected Tensor Call(Tensor inputs, bool training = false)
    {
        if (!training || rate == 0) return inputs;
        int[]? noise = null;
        if (noiseShape is { } ns)
        {
            noise = new int[inputs.Rank];
            for (int i = 0; i < noise.Length; i++) noise[i] = i < ns.Length && ns[i] > 0 ? ns[i] : -1;
        }
        // A RandomUniform op: fresh per eager call and per run of a traced graph or plan.
        var keep = Ops.Cast(Ops.GreaterEqual(generator.Uniform(inputs, shape: noise), Tensor.Scalar(rate, inputs.DType)), inputs.DType);
        return Ops.Mul(inputs, Ops.Div(keep, Tensor.Scalar(1 - rate, inputs.DType)));
    }
}
