namespace LayerGen.Operations;

/// <summary>
/// Normally distributed values (Box-Muller, computed in float64) drawn from a counter-based generator state (see
/// <see cref="RandomOp"/>): inputs <c>(state, like)</c>. GaussianNoise adds them, GaussianDropout multiplies by them.
/// </summary>
[Op("RandomNormal")]
public sealed partial class RandomNormalOp(double mean, double stddev, int[]? shape) : RandomOp(shape)
{
    /// <summary>The mean.</summary>
    public double Mean { get; } = mean;

    /// <summary>The standard deviation.</summary>
    public double Stddev { get; } = stddev;

    /// <inheritdoc/>
    private protected override void Fill(ulong key, Tensor output)
    {
        if (output.DType == DType.Float32) Kernels.CounterRandom.Normal(key, output.Data<float>(), Mean, Stddev);
        else Kernels.CounterRandom.Normal(key, output.Data<double>(), Mean, Stddev);
    }
}

public static partial class Ops
{
    /// <summary>
    /// Normal values with <paramref name="mean"/> and <paramref name="stddev"/>, <paramref name="like"/>'s dtype and
    /// shape (or <paramref name="shape"/>: -1 for <paramref name="like"/>'s dimension), drawn from
    /// <paramref name="state"/> (int64 <c>[seed, counter]</c>; a variable's counter advances by one per draw).
    /// Usually called through <c>SeedGenerator.Normal</c>.
    /// </summary>
    public static Tensor RandomNormal(Tensor state, Tensor like, double mean = 0, double stddev = 1, int[]? shape = null)
        => OpRunner.Run(new RandomNormalOp(mean, stddev, shape), state, like);
}
