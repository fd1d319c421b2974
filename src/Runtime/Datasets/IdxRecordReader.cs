using System.Buffers.Binary;
using System.IO.Compression;

namespace LayerGen.Datasets;

/// <summary>
/// Reads a gzipped IDX file of unsigned bytes one record (one row along the first dimension) at a time, so a
/// pipeline holds one record, not the file. The header is read and checked when the reader opens: the magic
/// <c>0x000008NN</c> with 1 to 4 dimensions, each at most <see cref="MaximumDimension"/>, a record of at most
/// <see cref="MaximumRecordBytes"/>, and a total that the gzip trailer's length (modulo 2^32) and the file's size
/// agree with. A stream that ends early or goes on after the last record is refused when it is reached. Every
/// refusal is a <see cref="DatasetFormatException"/> naming the file.
/// </summary>
internal sealed class IdxRecordReader : IDisposable
{
    /// <summary>The largest dimension accepted (2^24: more images than any IDX set holds).</summary>
    public const int MaximumDimension = 1 << 24;

    /// <summary>The largest record accepted (64 MiB).</summary>
    public const int MaximumRecordBytes = 64 << 20;

    private readonly FileStream _file;
    private readonly GZipStream _gzip;
    private readonly string _path;
    private int _read;

    private IdxRecordReader(string path, FileStream file, GZipStream gzip, int[] dims)
    {
        _path = path; _file = file; _gzip = gzip; Dims = dims;
        long record = 1;
        for (int i = 1; i < dims.Length; i++) record *= dims[i];
        RecordLength = (int)record;
    }

    /// <summary>The dimensions from the header (the first is the number of records).</summary>
    public IReadOnlyList<int> Dims { get; }

    /// <summary>The number of records.</summary>
    public int Count => Dims[0];

    /// <summary>The bytes of one record (the product of the dimensions after the first).</summary>
    public int RecordLength { get; }

    /// <summary>Opens <paramref name="path"/> and checks its header (the payload is read record by record).</summary>
    public static IdxRecordReader Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        GZipStream? gzip = null;
        try
        {
            if (file.Length < IdxFile.MinimumGzipLength)
                throw new DatasetFormatException(path, $"{file.Length} bytes is too short for a gzip file.");
            Span<byte> head = stackalloc byte[4];
            file.ReadExactly(head[..2]);
            if (head[0] != 0x1F || head[1] != 0x8B)
                throw new DatasetFormatException(path, $"not a gzip file (it starts with 0x{head[0]:X2} 0x{head[1]:X2}, not 0x1F 0x8B).");
            file.Position = 0;
            gzip = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
            int got = gzip.ReadAtLeast(head, 4, throwOnEndOfStream: false);
            if (got < 4) throw new DatasetFormatException(path, $"the IDX header ends after {got} of 4 bytes.");
            uint magic = BinaryPrimitives.ReadUInt32BigEndian(head);
            int rank = (int)(magic & 0xFF);
            if ((magic >> 8) != IdxFile.UnsignedByte || rank is < 1 or > 4)
                throw new DatasetFormatException(path, $"IDX magic number 0x{magic:X8}, expected 0x0000080N (unsigned bytes, N = 1 to 4 dimensions).");
            Span<byte> dimBytes = stackalloc byte[4 * rank];
            got = gzip.ReadAtLeast(dimBytes, dimBytes.Length, throwOnEndOfStream: false);
            if (got < dimBytes.Length) throw new DatasetFormatException(path, $"the IDX header ends after {4 + got} of {4 + dimBytes.Length} bytes.");
            var dims = new int[rank];
            long record = 1;
            for (int i = 0; i < rank; i++)
            {
                uint d = BinaryPrimitives.ReadUInt32BigEndian(dimBytes[(4 * i)..]);
                if (d > MaximumDimension)
                    throw new DatasetFormatException(path, $"IDX dimension {i} is {d}, more than the {MaximumDimension} accepted.");
                dims[i] = (int)d;
                if (i > 0) record *= d;
            }
            if (record > MaximumRecordBytes)
                throw new DatasetFormatException(path, $"one IDX record of ({string.Join(", ", dims[1..])}) is {record} bytes, more than the {MaximumRecordBytes} accepted.");
            long expected = 4 + 4L * rank + dims[0] * record;
            CheckTrailer(file, path, expected);
            return new IdxRecordReader(path, file, gzip, dims);
        }
        catch (InvalidDataException e)
        {
            gzip?.Dispose();
            file.Dispose();
            throw new DatasetFormatException(path, $"the gzip stream is damaged ({e.Message}).", e);
        }
        catch
        {
            gzip?.Dispose();
            file.Dispose();
            throw;
        }
    }

    /// <summary>The trailer's ISIZE must be the expected length modulo 2^32, and the file no larger than deflate could make it.</summary>
    private static void CheckTrailer(FileStream file, string path, long expectedLength)
    {
        long length = file.Length;
        long largest = expectedLength + (expectedLength / 65535 + 1) * 5 + 65536;
        if (length > largest)
            throw new DatasetFormatException(path, $"oversized: {length} bytes is more than a gzip of the {expectedLength}-byte IDX file its header describes can be.");
        long position = file.Position;
        Span<byte> buffer = stackalloc byte[4];
        file.Position = length - 4;
        file.ReadExactly(buffer);
        file.Position = position;
        uint isize = BinaryPrimitives.ReadUInt32LittleEndian(buffer);
        if (isize != (uint)expectedLength)
            throw new DatasetFormatException(path, $"the gzip trailer says it holds {isize} bytes, but the IDX header describes {expectedLength} (modulo 2^32: {(uint)expectedLength}).");
    }

    /// <summary>
    /// Reads the next record into <paramref name="destination"/> (<see cref="RecordLength"/> bytes); false after the
    /// last one (having checked that nothing follows it).
    /// </summary>
    public bool ReadRecord(Span<byte> destination)
    {
        if (destination.Length != RecordLength)
            throw new ArgumentException($"The destination holds {destination.Length} bytes, a record {RecordLength}.", nameof(destination));
        try
        {
            if (_read == Count)
            {
                Span<byte> extra = stackalloc byte[1];
                if (_gzip.Read(extra) != 0)
                    throw new DatasetFormatException(_path, $"oversized: data goes on after the {Count} records that dimensions ({string.Join(", ", Dims)}) hold.");
                return false;
            }
            int got = _gzip.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
            if (got < destination.Length)
                throw new DatasetFormatException(_path, $"truncated: record {_read} of {Count} ends after {got} of {RecordLength} bytes.");
            _read++;
            return true;
        }
        catch (InvalidDataException e)
        {
            throw new DatasetFormatException(_path, $"the gzip stream is damaged at record {_read} ({e.Message}).", e);
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        _gzip.Dispose();
        _file.Dispose();
    }
}
