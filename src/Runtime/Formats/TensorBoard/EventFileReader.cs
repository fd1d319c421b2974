using System.Buffers.Binary;

namespace LayerGen.Formats;

/// <summary>Reads the records of a TFRecord / event file, checking both CRCs of every record.</summary>
public static class EventFileReader
{
    /// <summary>The record payloads of <paramref name="path"/>; throws <see cref="InvalidDataException"/> on a bad length or CRC.</summary>
    public static IReadOnlyList<byte[]> ReadRecords(string path) => ReadRecords(File.ReadAllBytes(path), path);

    /// <summary>The record payloads of <paramref name="stream"/> (read from its position to its end; left open); throws <see cref="InvalidDataException"/> on a bad length or CRC.</summary>
    public static IReadOnlyList<byte[]> ReadRecords(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var copy = new MemoryStream();
        stream.CopyTo(copy);
        return ReadRecords(copy.ToArray(), "(stream)");
    }

    private static List<byte[]> ReadRecords(byte[] bytes, string path)
    {
        var records = new List<byte[]>();
        int pos = 0;
        while (pos < bytes.Length)
        {
            if (bytes.Length - pos < 12) throw new InvalidDataException($"{path}: truncated record header at offset {pos}.");
            var header = bytes.AsSpan(pos, 12);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(header);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header[8..]) != EventFileWriter.MaskedCrc(header[..8]))
                throw new InvalidDataException($"{path}: bad length CRC at offset {pos}.");
            pos += 12;
            if (length > (ulong)(bytes.Length - pos - 4)) throw new InvalidDataException($"{path}: record at offset {pos - 12} runs past the end of the file.");
            var data = bytes.AsSpan(pos, (int)length);
            pos += (int)length;
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(pos, 4)) != EventFileWriter.MaskedCrc(data))
                throw new InvalidDataException($"{path}: bad data CRC for the record at offset {pos - (int)length - 12}.");
            pos += 4;
            records.Add(data.ToArray());
        }
        return records;
    }
}
