using System.Buffers.Binary;
using System.IO.Compression;

namespace LayerGen.Datasets;

/// <summary>
/// Reads a gzipped IDX file of unsigned bytes (the format of MNIST and Fashion-MNIST: a big-endian magic
/// <c>0x000008NN</c> with NN the number of dimensions, NN big-endian int32 dimensions, then the bytes row-major).
/// Files are not trusted: the gzip trailer's length, the magic and every dimension are checked against what the
/// caller expects before the payload is allocated, and a stream that ends early or goes on after the payload is
/// refused, each with a <see cref="DatasetFormatException"/>.
/// </summary>
internal static class IdxFile
{
    /// <summary>The IDX type code of unsigned bytes.</summary>
    internal const byte UnsignedByte = 0x08;

    /// <summary>The smallest gzip file: a 10-byte header, an empty deflate block, an 8-byte trailer.</summary>
    internal const int MinimumGzipLength = 20;

    /// <summary>Reads <paramref name="path"/> and returns its payload, which must have exactly <paramref name="dims"/>.</summary>
    public static byte[] ReadBytes(string path, ReadOnlySpan<int> dims)
    {
        int headerLength = 4 + 4 * dims.Length;
        long payloadLength = 1;
        foreach (int d in dims) payloadLength *= d;
        long expectedLength = headerLength + payloadLength;

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        CheckGzipEnvelope(file, path, expectedLength);

        using var gzip = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
        try
        {
            Span<byte> header = stackalloc byte[headerLength];
            int got = gzip.ReadAtLeast(header, headerLength, throwOnEndOfStream: false);
            if (got < headerLength)
                throw new DatasetFormatException(path, $"the IDX header ends after {got} of {headerLength} bytes.");
            uint magic = BinaryPrimitives.ReadUInt32BigEndian(header);
            uint expectedMagic = (uint)(UnsignedByte << 8 | dims.Length);
            if (magic != expectedMagic)
                throw new DatasetFormatException(path, $"IDX magic number 0x{magic:X8}, expected 0x{expectedMagic:X8} (unsigned bytes, {dims.Length} dimension{(dims.Length == 1 ? "" : "s")}).");
            for (int i = 0; i < dims.Length; i++)
            {
                uint d = BinaryPrimitives.ReadUInt32BigEndian(header[(4 + 4 * i)..]);
                if (d != (uint)dims[i])
                    throw new DatasetFormatException(path, $"IDX dimensions ({Dimensions(header, dims.Length)}), expected ({string.Join(", ", dims.ToArray())}).");
            }

            var payload = GC.AllocateUninitializedArray<byte>(checked((int)payloadLength));
            got = gzip.ReadAtLeast(payload, payload.Length, throwOnEndOfStream: false);
            if (got < payload.Length)
                throw new DatasetFormatException(path, $"truncated: the data ends after {got} of {payload.Length} bytes.");
            Span<byte> extra = stackalloc byte[1];
            if (gzip.Read(extra) != 0)
                throw new DatasetFormatException(path, $"oversized: data goes on after the {payload.Length} bytes that dimensions ({string.Join(", ", dims.ToArray())}) hold.");
            return payload;
        }
        catch (InvalidDataException e)
        {
            throw new DatasetFormatException(path, $"the gzip stream is damaged ({e.Message}).", e);
        }
    }

    /// <summary>
    /// Checks the gzip magic and the trailer's uncompressed length (ISIZE, the length modulo 2^32) against the
    /// expected length, and that the compressed file is no larger than deflate could make that many bytes.
    /// </summary>
    private static void CheckGzipEnvelope(FileStream file, string path, long expectedLength)
    {
        long length = file.Length;
        if (length < MinimumGzipLength)
            throw new DatasetFormatException(path, $"{length} bytes is too short for a gzip file.");
        // Deflate's stored blocks add 5 bytes per 65,535; allow the gzip header's optional fields besides.
        long largest = expectedLength + (expectedLength / 65535 + 1) * 5 + 65536;
        if (length > largest)
            throw new DatasetFormatException(path, $"oversized: {length} bytes is more than a gzip of the expected {expectedLength}-byte IDX file can be.");
        Span<byte> buffer = stackalloc byte[4];
        file.ReadExactly(buffer[..2]);
        if (buffer[0] != 0x1F || buffer[1] != 0x8B)
            throw new DatasetFormatException(path, $"not a gzip file (it starts with 0x{buffer[0]:X2} 0x{buffer[1]:X2}, not 0x1F 0x8B).");
        file.Position = length - 4;
        file.ReadExactly(buffer);
        uint isize = BinaryPrimitives.ReadUInt32LittleEndian(buffer);
        if (isize != (uint)expectedLength)
            throw new DatasetFormatException(path, $"the gzip trailer says it holds {isize} bytes, expected {expectedLength} (the IDX header and data).");
        file.Position = 0;
    }

    private static string Dimensions(ReadOnlySpan<byte> header, int count)
    {
        var dims = new uint[count];
        for (int i = 0; i < count; i++) dims[i] = BinaryPrimitives.ReadUInt32BigEndian(header[(4 + 4 * i)..]);
        return string.Join(", ", dims);
    }
}
