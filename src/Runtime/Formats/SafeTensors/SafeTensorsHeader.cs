using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;

namespace LayerGen.Formats;

/// <summary>One tensor of a safetensors file: name, spec and its byte range in the data section.</summary>
internal sealed record SafeTensorsEntry(string Name, DType DType, Shape Shape, long Begin, long End);

/// <summary>
/// The header of a safetensors file (https://github.com/huggingface/safetensors): an 8-byte little-endian
/// length N, N bytes of JSON (padded with spaces), then the data. Parsing trusts nothing: the length is
/// capped at 100 MB and checked against the file, every range must lie in the data, ranges must tile the
/// data exactly (no overlap, no hole) and match dtype × shape.
/// </summary>
internal sealed class SafeTensorsHeader
{
    public const long MaxHeaderBytes = 100_000_000;
    public const string MetadataKey = "__metadata__";

    public List<SafeTensorsEntry> Entries { get; } = [];
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    /// <summary>Where the data section starts in the file (8 + N).</summary>
    public long DataStart { get; private set; }

    /// <summary>Reads and validates the header at the start of <paramref name="file"/>.</summary>
    public static SafeTensorsHeader Read(ByteSource file)
    {
        string path = file.Name;
        long fileLength = file.Length;
        Span<byte> lenBytes = stackalloc byte[8];
        if (fileLength < 8 || ReadFully(file, lenBytes, 0) != 8)
            throw new SafeTensorsFormatException(path, null, $"the file is {fileLength} bytes, too short for a safetensors header.");
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(lenBytes);
        if (n > MaxHeaderBytes)
            throw new SafeTensorsFormatException(path, null, $"the header claims {n} bytes, more than the {MaxHeaderBytes}-byte limit.");
        if ((long)n > fileLength - 8)
            throw new SafeTensorsFormatException(path, null, $"the header claims {n} bytes but the file has only {fileLength - 8} after the length (truncated).");
        var json = new byte[(int)n];
        if (ReadFully(file, json, 8) != json.Length)
            throw new SafeTensorsFormatException(path, null, "the file ends inside the header (truncated).");
        var header = Parse(json, path);
        header.DataStart = 8 + (long)n;
        header.Validate(fileLength - header.DataStart, path);
        return header;
    }

    private static int ReadFully(ByteSource file, Span<byte> buffer, long offset)
    {
        int filled = 0;
        while (filled < buffer.Length)
        {
            int r = file.ReadAt(buffer[filled..], offset + filled);
            if (r <= 0) break;
            filled += r;
        }
        return filled;
    }

    private static SafeTensorsHeader Parse(byte[] json, string path)
    {
        if (json.Length == 0 || json[0] != (byte)'{')
            throw new SafeTensorsFormatException(path, null, "the header must be a JSON object starting with '{'.");
        if (!System.Text.Unicode.Utf8.IsValid(json))
            throw new SafeTensorsFormatException(path, null, "the header is not valid UTF-8.");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json); }
        catch (JsonException e) { throw new SafeTensorsFormatException(path, null, $"the header JSON is invalid: {e.Message}", e); }
        using (doc)
        {
            var h = new SafeTensorsHeader();
            var names = new HashSet<string>(StringComparer.Ordinal);
            Span<long> dims = stackalloc long[64];
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                string name = prop.Name;
                if (!names.Add(name)) throw new SafeTensorsFormatException(path, name, "the name appears twice in the header.");
                var v = prop.Value;
                if (name == MetadataKey)
                {
                    if (v.ValueKind != JsonValueKind.Object) throw new SafeTensorsFormatException(path, name, "__metadata__ must be an object of strings.");
                    foreach (var m in v.EnumerateObject())
                    {
                        if (m.Value.ValueKind != JsonValueKind.String)
                            throw new SafeTensorsFormatException(path, name, $"metadata value '{m.Name}' is not a string.");
                        h.Metadata[m.Name] = m.Value.GetString()!;
                    }
                    continue;
                }
                if (v.ValueKind != JsonValueKind.Object) throw new SafeTensorsFormatException(path, name, "a tensor entry must be an object.");
                if (!v.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String)
                    throw new SafeTensorsFormatException(path, name, "'dtype' is missing or not a string.");
                if (!SafeTensorsDType.TryParse(dt.GetString()!, out var dtype))
                    throw new SafeTensorsFormatException(path, name, $"dtype '{dt.GetString()}' is not supported (LayerGen reads F32, F64, I32, I64 and BOOL).");
                if (!v.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array)
                    throw new SafeTensorsFormatException(path, name, "'shape' is missing or not an array.");
                int rank = sh.GetArrayLength();
                if (rank > dims.Length) throw new SafeTensorsFormatException(path, name, $"rank {rank} is more than {dims.Length}.");
                int r = 0;
                foreach (var d in sh.EnumerateArray())
                {
                    if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long dv))
                        throw new SafeTensorsFormatException(path, name, "a shape dimension is not an integer (or overflows 64 bits).");
                    dims[r++] = dv;
                }
                var shape = TensorBytes.CheckShape(dims[..rank], dtype, path, name, SafeTensorsFormatException.Create, out long byteLength);
                if (!v.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
                    throw new SafeTensorsFormatException(path, name, "'data_offsets' must be an array [begin, end].");
                if (off[0].ValueKind != JsonValueKind.Number || off[1].ValueKind != JsonValueKind.Number
                    || !off[0].TryGetInt64(out long begin) || !off[1].TryGetInt64(out long end) || begin < 0 || end < begin)
                    throw new SafeTensorsFormatException(path, name, "'data_offsets' must be integers with 0 <= begin <= end.");
                if (end - begin != byteLength)
                    throw new SafeTensorsFormatException(path, name, $"data_offsets [{begin}, {end}] hold {end - begin} bytes but {dtype.Name()} {shape.ToListString()} needs {byteLength}.");
                h.Entries.Add(new SafeTensorsEntry(name, dtype, shape, begin, end));
            }
            return h;
        }
    }

    private void Validate(long dataLength, string path)
    {
        var sorted = Entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
        long expected = 0;
        SafeTensorsEntry? previous = null;
        foreach (var e in sorted)
        {
            if (e.End > dataLength)
                throw new SafeTensorsFormatException(path, e.Name, $"data_offsets [{e.Begin}, {e.End}] run past the end of the data ({dataLength} bytes; truncated?).");
            if (e.Begin < expected)
                throw new SafeTensorsFormatException(path, e.Name, $"data_offsets [{e.Begin}, {e.End}] overlap '{previous!.Name}' [{previous.Begin}, {previous.End}].");
            if (e.Begin > expected)
                throw new SafeTensorsFormatException(path, e.Name, $"data_offsets start at {e.Begin}, leaving a hole after byte {expected}.");
            expected = e.End;
            previous = e;
        }
        if (expected != dataLength)
            throw new SafeTensorsFormatException(path, null, $"the tensors cover {expected} bytes but the data section has {dataLength}.");
    }

    /// <summary>Serializes a header for the given entries, padded with spaces so that 8 + N is a multiple of 8.</summary>
    public static byte[] Serialize(IReadOnlyList<SafeTensorsEntry> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + entries.Count * 96);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject(MetadataKey);
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            foreach (var e in entries)
            {
                w.WriteStartObject(e.Name);
                w.WriteString("dtype", SafeTensorsDType.Name(e.DType));
                w.WriteStartArray("shape");
                foreach (var d in e.Shape.Dims) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(e.Begin);
                w.WriteNumberValue(e.End);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        int n = buffer.WrittenCount;
        int padded = (n + 7) / 8 * 8;
        var bytes = new byte[padded];
        buffer.WrittenSpan.CopyTo(bytes);
        bytes.AsSpan(n).Fill((byte)' ');
        return bytes;
    }
}
