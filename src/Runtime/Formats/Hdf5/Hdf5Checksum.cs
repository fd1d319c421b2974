namespace LayerGen.Formats;

/// <summary>
/// The checksum of HDF5's version 2 object headers and version 2/3 superblocks: Bob Jenkins's lookup3
/// <c>hashlittle</c> with an initial value of 0 (the HDF5 file format specification, "Checksums").
/// </summary>
internal static class Hdf5Checksum
{
    /// <summary>lookup3's <c>hashlittle(data, length, 0)</c>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint a, b, c;
        a = b = c = 0xdeadbeef + (uint)data.Length;
        int i = 0, length = data.Length;
        while (length > 12)
        {
            a += Word(data, i); b += Word(data, i + 4); c += Word(data, i + 8);
            Mix(ref a, ref b, ref c);
            i += 12; length -= 12;
        }
        if (length == 0) return c;
        Span<byte> tail = stackalloc byte[12];
        tail.Clear();
        data.Slice(i, length).CopyTo(tail);
        a += Word(tail, 0); b += Word(tail, 4); c += Word(tail, 8);
        Final(ref a, ref b, ref c);
        return c;
    }

    private static uint Word(ReadOnlySpan<byte> d, int i) => (uint)(d[i] | d[i + 1] << 8 | d[i + 2] << 16 | d[i + 3] << 24);

    private static void Mix(ref uint a, ref uint b, ref uint c)
    {
        a -= c; a ^= uint.RotateLeft(c, 4); c += b;
        b -= a; b ^= uint.RotateLeft(a, 6); a += c;
        c -= b; c ^= uint.RotateLeft(b, 8); b += a;
        a -= c; a ^= uint.RotateLeft(c, 16); c += b;
        b -= a; b ^= uint.RotateLeft(a, 19); a += c;
        c -= b; c ^= uint.RotateLeft(b, 4); b += a;
    }

    private static void Final(ref uint a, ref uint b, ref uint c)
    {
        c ^= b; c -= uint.RotateLeft(b, 14);
        a ^= c; a -= uint.RotateLeft(c, 11);
        b ^= a; b -= uint.RotateLeft(a, 25);
        c ^= b; c -= uint.RotateLeft(b, 16);
        a ^= c; a -= uint.RotateLeft(c, 4);
        b ^= a; b -= uint.RotateLeft(a, 14);
        c ^= b; c -= uint.RotateLeft(b, 24);
    }
}
