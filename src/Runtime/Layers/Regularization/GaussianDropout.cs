namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>GaussianDropout</c>: in training, multiplies the input by normal noise of mean 1 and standard deviation
/// <c>sqrt(rate / (1 - rate))</c>; at inference the input passes through. Seeded like <see cref="GaussianNoise"/>.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class GaussianDropout
{
    private readonly double rate;
    private readonly int? seed;
    private readonly SeedGenerator generator;

    /// <summary>Creates the layer.</summary>
    /// <param name="rate">The drop probability, in [0, 1].</param>
    /// <param name="seed">The noise generator's seed (null: drawn from the global generator).</param>
    public GaussianDropout(double rate, int? seed = null)
    {
        if (!(rate >= 0 && rate <= 1))
            throw new ArgumentOutOfRangeException(nameof(rate), rate, $"Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate={PythonText.Number(rate)}");
        this.rate = rate;
        this.seed = seed;
        generator = new SeedGenerator(seed ?? RandomGenerator.Global.NextInt(int.MaxValue));
        InputSpec = null;
    }

    /// <summary>The drop probability.</summary>
    public double Rate => rate;

    /// <summary>Multiplies by the noise when <paramref name="training"/> is true.</summary>
    protected Tensor Call(Tensor inputs, bool training = false)
    {
        if (!training || rate == 0) return inputs;
        double stddev = Math.Sqrt(rate / (1.0 - rate));
        return Ops.Mul(inputs, generator.Normal(inputs, 1.0, stddev));
    }
}
