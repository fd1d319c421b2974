namespace LayerGen.Operations;

/// <summary>
/// Uniform values in [<c>minval</c>, <c>maxval</c>) drawn from a counter-based generator state (see
/// <see cref="RandomOp"/>): inputs <c>(state, like)</c>. Dropout's keep mask is <c>RandomUniform &gt;= rate</c>.
/// </summary>
[Op("RandomUniform")]
public sealed partial class RandomUniformOp(double minval, double maxval, int[]? shape) : RandomOp(shape)
{
    /// <summary>The lower bound (included).</summary>
    public double Minval { get; } = minval;

    /// <summary>The upper bound (excluded).</summary>
    public double Maxval { get; } = maxval;

    /// <inheritdoc/>
    private protected override void Fill(ulong key, Tensor output)
    {
        if (output.DType == DType.Float32) Kernels.CounterRandom.Uniform(key, output.Data<float>(), Minval, Maxval);
        else Kernels.CounterRandom.Uniform(key, output.Data<double>(), Minval, Maxval);
    }
}

public static partial class Ops
{
    /// <summary>
    /// Uniform values in [<paramref name="minval"/>, <paramref name="maxval"/>) with <paramref name="like"/>'s dtype and
    /// shape (or <paramref name="shape"/>: -1 for <paramref name="like"/>'s dimension), drawn from
    /// <paramref name="state"/> (int64 <c>[seed, counter]</c>; a variable's counter advances by one per draw).
    /// Usually called through <c>SeedGenerator.Uniform</c>.
    /// </summary>
    public static Tensor RandomUniform(Tensor state, Tensor like, double minval = 0, double maxval = 1, int[]? shape = null)
        => OpRunner.Run(new RandomUniformOp(minval, maxval, shape), state, like);
}
