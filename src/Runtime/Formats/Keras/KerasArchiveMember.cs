using System.IO.Compression;
using System.IO.Hashing;

namespace LayerGen.Formats.Keras;

/// <summary>
/// Reads one member of a <c>.keras</c> zip under three bounds, so that a small archive cannot make the loader inflate
/// and hold much more than its real content (a zip bomb): the caller's size limit, an inflation ratio, and — for the
/// weights — what the model's config implies. The header's sizes are never trusted: the inflated bytes are counted
/// while streaming and the member's CRC-32 is checked at the end.
/// </summary>
internal static class KerasArchiveMember
{
    /// <summary>
    /// The largest ratio of a member's declared size to its compressed size accepted above
    /// <see cref="RatioExemptBytes"/>. Keras stores its members uncompressed (ratio 1); deflated float weights shrink
    /// by well under 2; a ratio of 100 is the limit Apache POI's <c>ZipSecureFile</c> uses against zip bombs.
    /// </summary>
    public const int MaxInflationRatio = 100;

    /// <summary>Members up to this size (1 MiB) may have any ratio: a highly compressible small config costs nothing.</summary>
    public const long RatioExemptBytes = 1L << 20;

    /// <summary>
    /// Reads <paramref name="entry"/> whole into an array of exactly its declared size, refusing it when its compressed
    /// size is more than the archive's <paramref name="archiveLength"/>, when the declared size is
    /// above <paramref name="max"/> (<paramref name="why"/> says where that limit comes from), when the declared size is
    /// more than <see cref="MaxInflationRatio"/> times the compressed size (above <see cref="RatioExemptBytes"/>), when
    /// the inflated bytes differ from the declared size, or when the CRC-32 does not match (System.IO.Compression does
    /// not check it for stored members, which is how Keras writes <c>model.weights.h5</c>).
    /// </summary>
    public static byte[] Read(ZipArchiveEntry entry, long archiveLength, long max, string why)
    {
        long declared = entry.Length, compressed = entry.CompressedLength;
        if (compressed > archiveLength)
            throw new KerasFormatException($"Archive entry '{entry.FullName}' claims {compressed} compressed bytes, but the whole archive is {archiveLength} bytes: the archive is damaged.");
        if (declared > RatioExemptBytes && declared / Math.Max(compressed, 1) > MaxInflationRatio)
            throw new KerasFormatException(
                $"Archive entry '{entry.FullName}' would inflate from {compressed} to {declared} bytes, more than {MaxInflationRatio} times its compressed size: refused as a possible zip bomb.");
        if (declared > max)
            throw new KerasFormatException($"Archive entry '{entry.FullName}' is {declared} bytes, more than {why} ({max} bytes).");
        var result = new byte[declared];
        var crc = new Crc32();
        using (var s = entry.Open())
        {
            int filled = 0;
            while (filled < result.Length)
            {
                int n = s.Read(result, filled, result.Length - filled);
                if (n <= 0)
                    throw new KerasFormatException($"Archive entry '{entry.FullName}' holds {filled} bytes, but its zip header says {declared}: the archive is damaged.");
                filled += n;
            }
            Span<byte> probe = stackalloc byte[1];
            if (s.Read(probe) > 0)
                throw new KerasFormatException($"Archive entry '{entry.FullName}' inflates to more than the {declared} bytes its zip header says: the archive is damaged.");
        }
        crc.Append(result);
        uint actual = crc.GetCurrentHashAsUInt32();
        if (actual != entry.Crc32)
            throw new KerasFormatException($"Archive entry '{entry.FullName}' fails its CRC-32 check (recorded {entry.Crc32:x8}, content {actual:x8}): the archive is damaged.");
        return result;
    }

    /// <summary>
    /// The most bytes a weights file of <paramref name="model"/> can sensibly need: four times its variables' bytes
    /// (the weights plus up to three optimizer slots each, as Adam with <c>amsgrad</c> keeps), 16 KiB of HDF5
    /// structure per variable, and 1 MiB. A <c>model.weights.h5</c> larger than this does not belong to the config.
    /// </summary>
    public static long WeightsLimit(Module model)
    {
        long bytes = 0, count = 0;
        foreach (var v in model.Variables)
        {
            bytes += (long)v.Shape.Size * v.DType.SizeInBytes();
            count++;
        }
        return checked(4 * bytes + (count + 1) * (16L << 10) + (1L << 20));
    }
}
