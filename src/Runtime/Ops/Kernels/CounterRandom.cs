namespace LayerGen.Kernels;

/// <summary>
/// Counter-based random numbers: element <c>i</c> of a draw is a hash of <c>(seed, counter, i)</c>, so a draw depends
/// only on the generator state it starts from, never on which thread or how many earlier draws computed it, and an
/// eager call and a planned run from the same state give bitwise equal values. The hash is SplitMix64's finaliser
/// (a bijection of 64-bit words): the draw's key is <c>mix(mix(seed) ^ mix(counter))</c>, element <c>i</c> is
/// <c>mix(key + (i + 1) * golden)</c>, i.e. the SplitMix64 stream seeded with the key.
/// </summary>
internal static class CounterRandom
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The key of the draw made at <paramref name="counter"/> by a generator seeded with <paramref name="seed"/>.</summary>
    public static ulong Key(long seed, long counter) => Mix(Mix((ulong)seed + Golden) ^ Mix((ulong)counter * Golden + 1));

    /// <summary>64 random bits for element <paramref name="index"/> of the draw with <paramref name="key"/>.</summary>
    public static ulong Bits(ulong key, long index) => Mix(key + (ulong)(index + 1) * Golden);

    /// <summary>
    /// Uniform values in [<paramref name="minval"/>, <paramref name="maxval"/>): 24 random bits per float32 element (in
    /// [0, 1) a multiple of 2^-24), elements 2j and 2j + 1 from the high and low halves of hash word j (one hash per two
    /// elements: dropout masks are this op's main use).
    /// </summary>
    public static void Uniform(ulong key, Span<float> values, double minval, double maxval)
    {
        const double scale = 1.0 / (1 << 24);
        double range = maxval - minval;
        int i = 0;
        for (; i + 1 < values.Length; i += 2)
        {
            ulong bits = Bits(key, i >> 1);
            values[i] = (float)(minval + range * ((bits >> 40) * scale));
            values[i + 1] = (float)(minval + range * (((bits >> 8) & 0xFFFFFF) * scale));
        }
        if (i < values.Length) values[i] = (float)(minval + range * ((Bits(key, i >> 1) >> 40) * scale));
    }

    /// <summary>Uniform values in [<paramref name="minval"/>, <paramref name="maxval"/>): 53 random bits per float64 element.</summary>
    public static void Uniform(ulong key, Span<double> values, double minval, double maxval)
    {
        double range = maxval - minval;
        for (int i = 0; i < values.Length; i++)
            values[i] = minval + range * ((Bits(key, i) >> 11) * (1.0 / (1UL << 53)));
    }

    /// <summary>A standard normal value for element <paramref name="index"/>: Box-Muller on the uniforms of hash words 2i and 2i + 1.</summary>
    public static double StandardNormal(ulong key, long index)
    {
        double u1 = ((Bits(key, 2 * index) >> 11) + 1) * (1.0 / (1UL << 53)); // (0, 1]: the logarithm stays finite
        double u2 = (Bits(key, 2 * index + 1) >> 11) * (1.0 / (1UL << 53));
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Normal values with <paramref name="mean"/> and <paramref name="stddev"/>, computed in float64 and rounded once.</summary>
    public static void Normal(ulong key, Span<float> values, double mean, double stddev)
    {
        for (int i = 0; i < values.Length; i++) values[i] = (float)(mean + stddev * StandardNormal(key, i));
    }

    /// <summary>Normal values with <paramref name="mean"/> and <paramref name="stddev"/>.</summary>
    public static void Normal(ulong key, Span<double> values, double mean, double stddev)
    {
        for (int i = 0; i < values.Length; i++) values[i] = mean + stddev * StandardNormal(key, i);
    }
}
