namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>GaussianNoise</c>: in training, adds zero-mean normal noise of standard deviation <c>stddev</c>; at
/// inference the input passes through. The noise comes from a generator seeded with <c>seed</c> (or from the global
/// generator), so runs are reproducible; the numbers are not Keras's (another generator), only their law is.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class GaussianNoise
{
    private readonly double stddev;
    private readonly int? seed;
    private readonly SeedGenerator generator;

    /// <summary>Creates the layer.</summary>
    /// <param name="stddev">The noise's standard deviation, in [0, 1].</param>
    /// <param name="seed">The noise generator's seed (null: drawn from the global generator).</param>
    public GaussianNoise(double stddev, int? seed = null)
    {
        if (!(stddev >= 0 && stddev <= 1))
            throw new ArgumentOutOfRangeException(nameof(stddev), stddev, $"Invalid value received for argument `stddev`. Expected a float value between 0 and 1. Received: stddev={PythonText.Number(stddev)}");
        this.stddev = stddev;
        this.seed = seed;
        generator = new SeedGenerator(seed ?? RandomGenerator.Global.NextInt(int.MaxValue));
        InputSpec = null;
    }

    /// <summary>The noise's standard deviation.</summary>
    public double Stddev => stddev;

    /// <summary>Adds the noise when <paramref name="training"/> is true.</summary>
    protected Tensor Call(Tensor inputs, bool training = false)
    {
        if (!training || stddev == 0) return inputs;
        return Ops.Add(inputs, generator.Normal(inputs, 0.0, stddev));
    }
}
