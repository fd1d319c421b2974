namespace LayerGen.Tensors;

/// <summary>
/// A seeded source of random tensors. <see cref="SetGlobalSeed"/> reseeds the global generator, like
/// <c>keras.utils.set_random_seed</c>; create your own with <c>new RandomGenerator(seed)</c> for an
/// independent stream. The same seed gives the same values on every platform.
/// </summary>
public sealed class RandomGenerator
{
    private ulong _state;
    private double? _spareNormal;
    private readonly object _lock = new();

    /// <summary>Creates a generator from a seed.</summary>
    public RandomGenerator(long seed) => Reseed(seed);

    /// <summary>Creates a generator seeded from the operating system.</summary>
    public RandomGenerator() : this(System.Random.Shared.NextInt64()) { }

    /// <summary>The generator used when none is given; shared by all threads (draws are locked).</summary>
    public static RandomGenerator Global { get; } = new(1337);

    /// <summary>Reseeds the global generator, like <c>keras.utils.set_random_seed</c>.</summary>
    public static void SetGlobalSeed(long seed) => Global.Reseed(seed);

    /// <summary>Restarts this generator's stream from <paramref name="seed"/>.</summary>
    public void Reseed(long seed)
    {
        lock (_lock)
        {
            _state = (ulong)seed;
            _spareNormal = null;
        }
    }

    [ThreadStatic] private static string? t_drawsForbidden;

    /// <summary>
    /// While set on this thread, every draw throws <see cref="InvalidOperationException"/> with this message: the trainer
    /// sets it while it traces a training step, where a draw would be fixed into the plan (the step then runs eagerly).
    /// </summary>
    internal static string? DrawsForbidden { get => t_drawsForbidden; set => t_drawsForbidden = value; }

    // SplitMix64: small, fast, and statistically good enough for weight initialisation.
    private ulong NextUInt64()
    {
        if (t_drawsForbidden is { } reason) throw new InvalidOperationException(reason);
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A double in [0, 1).</summary>
    public double NextDouble() { lock (_lock) return NextDoubleUnlocked(); }

    private double NextDoubleUnlocked() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    private double NextNormalUnlocked()
    {
        if (_spareNormal is double spare) { _spareNormal = null; return spare; }
        double u, v, s;
        do
        {
            u = NextDoubleUnlocked() * 2 - 1;
            v = NextDoubleUnlocked() * 2 - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double m = Math.Sqrt(-2 * Math.Log(s) / s);
        _spareNormal = v * m;
        return u * m;
    }

    /// <summary>An integer in [0, <paramref name="maxExclusive"/>).</summary>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        lock (_lock) return (int)(NextUInt64() % (ulong)maxExclusive);
    }

    /// <summary>Normally distributed values.</summary>
    public Tensor Normal(Shape shape, double mean = 0, double stddev = 1, DType dtype = DType.Float32)
        => Fill(shape, dtype, "RandomNormal", g => mean + stddev * g.NextNormalUnlocked());

    /// <summary>Uniform values in [minval, maxval).</summary>
    public Tensor Uniform(Shape shape, double minval = 0, double maxval = 1, DType dtype = DType.Float32)
        => Fill(shape, dtype, "RandomUniform", g => minval + (maxval - minval) * g.NextDoubleUnlocked());

    /// <summary>Normal values, redrawn outside two standard deviations.</summary>
    public Tensor TruncatedNormal(Shape shape, double mean = 0, double stddev = 1, DType dtype = DType.Float32)
        => Fill(shape, dtype, "TruncatedNormal", g =>
        {
            double z;
            do { z = g.NextNormalUnlocked(); } while (Math.Abs(z) > 2);
            return mean + stddev * z;
        });

    /// <summary>A random permutation of 0..n-1.</summary>
    public int[] Permutation(int n)
    {
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        lock (_lock)
        {
            for (int i = n - 1; i > 0; i--)
            {
                int j = (int)(NextUInt64() % (ulong)(i + 1));
                (p[i], p[j]) = (p[j], p[i]);
            }
        }
        return p;
    }

    private Tensor Fill(Shape shape, DType dtype, string op, Func<RandomGenerator, double> draw)
    {
        Tensor.CheckConcrete(shape, op);
        if (!dtype.IsFloating()) throw new DTypeMismatchException(op, $"needs a floating dtype, got {dtype.Name()}.");
        var values = new double[shape.Size];
        lock (_lock)
        {
            for (int i = 0; i < values.Length; i++) values[i] = draw(this);
        }
        return Tensor.FromDoubles(values, shape, dtype);
    }
}
