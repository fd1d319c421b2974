namespace LayerGen.Variables;

/// <summary>
/// A seed and a counter in a variable, drawn from by the random ops (Keras's <c>keras.random.SeedGenerator</c>):
/// each draw (<see cref="Uniform"/>, <see cref="Normal"/>) hashes <c>(seed, counter, element index)</c> and adds one to
/// the counter. The draws are ops reading <see cref="State"/>, so eager code draws fresh values on every call, and a
/// traced graph or an <c>ExecutionPlan</c> on every run (the graph holds the variable by reference); from the same
/// state, eager calls and planned runs give bitwise equal values. Dropout, the spatial dropouts, GaussianNoise,
/// GaussianDropout, AlphaDropout and the recurrent layers' dropout draw through one each.
/// </summary>
public sealed class SeedGenerator
{
    /// <summary>Creates a generator; without <paramref name="seed"/> the seed is drawn from <see cref="RandomGenerator.Global"/> (so <c>RandomGenerator.SetGlobalSeed</c> makes it reproducible).</summary>
    public SeedGenerator(long? seed = null)
    {
        Seed = seed ?? RandomGenerator.Global.NextInt(int.MaxValue);
        State = new Variable(Tensor.From(new[] { Seed, 0L }), trainable: false, name: "seed_generator_state");
    }

    /// <summary>The seed.</summary>
    public long Seed { get; }

    /// <summary>The state variable, int64 <c>[seed, counter]</c>: what the random ops read and advance.</summary>
    public Variable State { get; }

    /// <summary>How many draws were made since the start (or since the counter was set).</summary>
    public long Counter
    {
        get => State.AsSpan<long>()[1];
        set => State.Assign(Tensor.From(new[] { Seed, value }));
    }

    /// <summary>Uniform values in [<paramref name="minval"/>, <paramref name="maxval"/>) with <paramref name="like"/>'s dtype and shape (or <paramref name="shape"/>, -1 for <paramref name="like"/>'s dimension); see <see cref="Ops.RandomUniform"/>.</summary>
    public Tensor Uniform(Tensor like, double minval = 0, double maxval = 1, int[]? shape = null) => Ops.RandomUniform(State, like, minval, maxval, shape);

    /// <summary>Normal values with <paramref name="mean"/> and <paramref name="stddev"/>, <paramref name="like"/>'s dtype and shape (or <paramref name="shape"/>); see <see cref="Ops.RandomNormal"/>.</summary>
    public Tensor Normal(Tensor like, double mean = 0, double stddev = 1, int[]? shape = null) => Ops.RandomNormal(State, like, mean, stddev, shape);

    /// <inheritdoc/>
    public override string ToString() => $"<SeedGenerator seed={Seed} counter={Counter}>";
}
