using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LayerGen.Checkpoints;

/// <summary>One tensor in a checkpoint index: where its bytes are and how to check them.</summary>
internal sealed record CheckpointTensorEntry(string Key, DType DType, Shape Shape, int Shard, long Offset, long Length, uint Crc32C);

/// <summary>
/// The <c>prefix.index</c> file: a version line, one JSON object (shards, object graph, tensors) and a
/// CRC-32C line over everything before it. See <c>docs/formats/checkpoint.md</c>. Written with
/// <see cref="Utf8JsonWriter"/> and read with <see cref="JsonDocument"/>: no reflection.
/// </summary>
internal sealed class CheckpointIndex
{
    /// <summary>The format version this code writes and reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>The first line, up to the version number.</summary>
    public const string MagicPrefix = "LayerGen checkpoint index v";

    /// <summary>Indexes larger than this are refused before being read.</summary>
    public const long MaxIndexBytes = 100L * 1024 * 1024;

    /// <summary>At most this many shards (five decimal digits in the file names).</summary>
    public const int MaxShards = 99_999;

    private const string CrcPrefix = "crc32c ";

    public List<long> ShardLengths { get; } = [];
    public List<CheckpointObject> Objects { get; } = [];
    public List<CheckpointTensorEntry> Tensors { get; } = [];

    /// <summary>Shard file name: <c>prefix.data-00000-of-00002</c>.</summary>
    public static string ShardPath(string prefix, int shard, int count)
        => string.Create(CultureInfo.InvariantCulture, $"{prefix}.data-{shard:D5}-of-{count:D5}");

    /// <summary>Index file name: <c>prefix.index</c>.</summary>
    public static string IndexPath(string prefix) => prefix + ".index";

    public byte[] Serialize()
    {
        var buffer = new ArrayBufferWriter<byte>(4096 + Tensors.Count * 160 + Objects.Count * 96);
        buffer.Write(Encoding.ASCII.GetBytes(MagicPrefix + FormatVersion.ToString(CultureInfo.InvariantCulture) + "\n"));
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, SkipValidation = false }))
        {
            w.WriteStartObject();
            w.WriteString("format", "layergen-checkpoint");
            w.WriteStartArray("shards");
            foreach (var len in ShardLengths)
            {
                w.WriteStartObject();
                w.WriteNumber("length", len);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("objects");
            foreach (var o in Objects)
            {
                w.WriteStartObject();
                w.WriteString("path", o.Path);
                w.WriteString("kind", o.Kind);
                if (o.Type is not null) w.WriteString("type", o.Type);
                if (o.Key is not null) w.WriteString("key", o.Key);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("tensors");
            foreach (var t in Tensors)
            {
                w.WriteStartObject();
                w.WriteString("key", t.Key);
                w.WriteString("dtype", t.DType.Name());
                w.WriteStartArray("shape");
                foreach (var d in t.Shape.Dims) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteNumber("shard", t.Shard);
                w.WriteNumber("offset", t.Offset);
                w.WriteNumber("length", t.Length);
                w.WriteNumber("crc32c", t.Crc32C);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        buffer.Write("\n"u8);
        uint crc = global::LayerGen.IO.Crc32C.Compute(buffer.WrittenSpan);
        buffer.Write(Encoding.ASCII.GetBytes(CrcPrefix + crc.ToString("x8", CultureInfo.InvariantCulture) + "\n"));
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Parses and validates an index. Every number is checked; nothing is allocated from one.</summary>
    public static CheckpointIndex Parse(byte[] bytes, string file)
    {
        // Line 1: magic and version (checked first, so a future format is named as such, not as corruption).
        int nl = Array.IndexOf(bytes, (byte)'\n');
        var magic = Encoding.ASCII.GetBytes(MagicPrefix);
        if (nl < 0 || !bytes.AsSpan(0, nl).StartsWith(magic))
            throw new CheckpointFormatException(file, null, "not a LayerGen checkpoint index (the first line must be 'LayerGen checkpoint index v1').");
        var versionText = Encoding.ASCII.GetString(bytes, magic.Length, nl - magic.Length);
        if (!int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out int version))
            throw new CheckpointFormatException(file, null, $"the version '{versionText}' on the first line is not a number.");
        if (version != FormatVersion) throw new CheckpointVersionException(file, version, FormatVersion);

        // Last line: the checksum of everything before it.
        var span = bytes.AsSpan();
        if (span.Length < 2 || span[^1] != (byte)'\n')
            throw new CheckpointFormatException(file, null, "the index is truncated (no final checksum line).");
        int lastStart = span[..^1].LastIndexOf((byte)'\n') + 1;
        var last = Encoding.ASCII.GetString(span[lastStart..^1]);
        if (lastStart <= nl || !last.StartsWith(CrcPrefix, StringComparison.Ordinal)
            || !uint.TryParse(last.AsSpan(CrcPrefix.Length), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint expected)
            || last.Length != CrcPrefix.Length + 8)
            throw new CheckpointFormatException(file, null, "the index is truncated or damaged (the last line must be 'crc32c <8 hex digits>').");
        uint actual = global::LayerGen.IO.Crc32C.Compute(span[..lastStart]);
        if (actual != expected)
            throw new CheckpointFormatException(file, null, $"index checksum mismatch (stored {expected:x8}, computed {actual:x8}): the file is damaged.");

        if (!System.Text.Unicode.Utf8.IsValid(bytes.AsSpan(nl + 1, lastStart - nl - 1)))
            throw new CheckpointFormatException(file, null, "the index JSON is not valid UTF-8.");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(bytes.AsMemory(nl + 1, lastStart - nl - 1)); }
        catch (JsonException e) { throw new CheckpointFormatException(file, null, $"the index JSON is invalid: {e.Message}", e); }
        using (doc)
        {
            var index = new CheckpointIndex();
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Bad(file, null, "the index JSON must be an object.");
            if (Str(root, "format", file, null) != "layergen-checkpoint") throw Bad(file, null, "the index 'format' must be \"layergen-checkpoint\".");

            var shards = Arr(root, "shards", file, null);
            if (shards.GetArrayLength() > MaxShards) throw Bad(file, null, $"more than {MaxShards} shards.");
            foreach (var s in shards.EnumerateArray())
            {
                long len = Int(s, "length", file, null);
                if (len < 0) throw Bad(file, null, $"a shard has negative length {len}.");
                index.ShardLengths.Add(len);
            }

            foreach (var o in Arr(root, "objects", file, null).EnumerateArray())
            {
                if (o.ValueKind != JsonValueKind.Object) throw Bad(file, null, "an object entry is not a JSON object.");
                index.Objects.Add(new CheckpointObject(Str(o, "path", file, null), Str(o, "kind", file, null), OptStr(o, "type", file), OptStr(o, "key", file)));
            }

            var keys = new HashSet<string>(StringComparer.Ordinal);
            Span<long> dims = stackalloc long[64];
            foreach (var t in Arr(root, "tensors", file, null).EnumerateArray())
            {
                if (t.ValueKind != JsonValueKind.Object) throw Bad(file, null, "a tensor entry is not a JSON object.");
                string key = Str(t, "key", file, null);
                if (key.Length == 0) throw Bad(file, null, "a tensor has an empty key.");
                if (!keys.Add(key)) throw Bad(file, key, "the key appears twice.");
                DType dtype;
                try { dtype = DTypes.Parse(Str(t, "dtype", file, key)); }
                catch (ArgumentException e) { throw new CheckpointFormatException(file, key, e.Message, e); }
                var shapeEl = Arr(t, "shape", file, key);
                int rank = shapeEl.GetArrayLength();
                if (rank > dims.Length) throw Bad(file, key, $"rank {rank} is more than {dims.Length}.");
                int r = 0;
                foreach (var d in shapeEl.EnumerateArray())
                {
                    if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long dv)) throw Bad(file, key, "a shape dimension is not an integer.");
                    dims[r++] = dv;
                }
                var shape = TensorBytes.CheckShape(dims[..rank], dtype, file, key, CheckpointFormatException.Create, out long expectedLength);
                long shard = Int(t, "shard", file, key), offset = Int(t, "offset", file, key), length = Int(t, "length", file, key);
                long crc = Int(t, "crc32c", file, key);
                if (shard < 0 || shard >= index.ShardLengths.Count) throw Bad(file, key, $"shard {shard} does not exist (the index lists {index.ShardLengths.Count}).");
                if (offset < 0) throw Bad(file, key, $"negative offset {offset}.");
                if (length != expectedLength) throw Bad(file, key, $"length {length} does not match shape {shape} of {dtype.Name()} ({expectedLength} bytes).");
                long shardLength = index.ShardLengths[(int)shard];
                if (offset > shardLength || length > shardLength - offset)
                    throw Bad(file, key, $"bytes [{offset}, {offset + length}) run past the end of shard {shard} ({shardLength} bytes).");
                if (crc < 0 || crc > uint.MaxValue) throw Bad(file, key, $"crc32c {crc} is not a 32-bit value.");
                index.Tensors.Add(new CheckpointTensorEntry(key, dtype, shape, (int)shard, offset, length, (uint)crc));
            }
            return index;
        }
    }

    private static CheckpointFormatException Bad(string file, string? key, string message) => new(file, key, message);

    private static JsonElement Prop(JsonElement o, string name, string file, string? key)
        => o.ValueKind != JsonValueKind.Object ? throw Bad(file, key, $"an index entry that should hold '{name}' is a JSON {o.ValueKind.ToString().ToLowerInvariant()}, not an object.")
            : o.TryGetProperty(name, out var v) ? v : throw Bad(file, key, $"the index entry has no '{name}'.");

    private static string Str(JsonElement o, string name, string file, string? key)
    {
        var v = Prop(o, name, file, key);
        return v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Bad(file, key, $"'{name}' must be a string.");
    }

    private static string? OptStr(JsonElement o, string name, string file)
        => !o.TryGetProperty(name, out var v) ? null
            : v.ValueKind == JsonValueKind.String ? v.GetString() : throw Bad(file, null, $"'{name}' must be a string.");

    private static long Int(JsonElement o, string name, string file, string? key)
    {
        var v = Prop(o, name, file, key);
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n) ? n : throw Bad(file, key, $"'{name}' must be an integer.");
    }

    private static JsonElement Arr(JsonElement o, string name, string file, string? key)
    {
        var v = Prop(o, name, file, key);
        return v.ValueKind == JsonValueKind.Array ? v : throw Bad(file, key, $"'{name}' must be an array.");
    }
}
