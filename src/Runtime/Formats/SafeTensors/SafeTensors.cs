using System.Buffers.Binary;

namespace LayerGen.Formats;

/// <summary>
/// Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format (dtypes
/// F32, F64, I32, I64, BOOL): an 8-byte little-endian header length, a JSON header padded with spaces to a
/// multiple of 8 (<c>dtype</c>, <c>shape</c>, <c>data_offsets</c>, optional <c>__metadata__</c>), then the data.
/// <code>
/// SafeTensors.Save(myModel, "model.safetensors");
/// SafeTensors.LoadInto(newModel, "model.safetensors").AssertConsumed();
/// </code>
/// Every method has a <see cref="Stream"/> overload: writing starts at the stream's position and leaves it open;
/// reading starts at the stream's position (a stream that cannot seek is copied into memory first). A damaged
/// file throws <see cref="SafeTensorsFormatException"/>.
/// </summary>
public static class SafeTensors
{
    /// <summary>The name given to a stream in error messages and reports.</summary>
    public const string StreamName = "(stream)";

    /// <summary>Writes <paramref name="tensors"/> (name → tensor, in this order) with optional string metadata, through a temporary file renamed into place.</summary>
    public static void Save(IEnumerable<KeyValuePair<string, Tensor>> tensors, string path, IReadOnlyDictionary<string, string>? metadata = null, bool flushToDisk = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var plan = Plan(tensors, metadata);
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        var fs = AtomicFile.CreateTemp(full, plan.TotalBytes, out var temp);
        try
        {
            plan.WriteTo(fs);
            AtomicFile.Complete(fs, flushToDisk);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            fs.Dispose();
            AtomicFile.TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes <paramref name="tensors"/> (name → tensor, in this order) with optional string metadata to <paramref name="stream"/>.</summary>
    public static void Save(IEnumerable<KeyValuePair<string, Tensor>> tensors, Stream stream, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Plan(tensors, metadata).WriteTo(stream);
    }

    /// <summary>Writes every variable of <paramref name="module"/> under its path (<c>dense1/w</c>).</summary>
    public static void Save(Module module, string path, IReadOnlyDictionary<string, string>? metadata = null, bool flushToDisk = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        Save(Named(module), path, metadata, flushToDisk);
    }

    /// <summary>Writes every variable of <paramref name="module"/> under its path (<c>dense1/w</c>) to <paramref name="stream"/>.</summary>
    public static void Save(Module module, Stream stream, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        Save(Named(module), stream, metadata);
    }

    /// <summary>Reads every tensor of a file, in header order.</summary>
    public static Dictionary<string, Tensor> Load(string path) => Load(path, out _);

    /// <summary>Reads every tensor of a stream, in header order.</summary>
    public static Dictionary<string, Tensor> Load(Stream stream) => Load(stream, out _);

    /// <summary>Reads every tensor of a file, in header order, and its <c>__metadata__</c> (empty when absent).</summary>
    public static Dictionary<string, Tensor> Load(string path, out IReadOnlyDictionary<string, string> metadata)
    {
        using var file = ByteSource.OpenFile(path);
        return Load(file, out metadata);
    }

    /// <summary>Reads every tensor of a stream, in header order, and its <c>__metadata__</c> (empty when absent).</summary>
    public static Dictionary<string, Tensor> Load(Stream stream, out IReadOnlyDictionary<string, string> metadata)
    {
        using var source = ByteSource.FromStream(stream, StreamName);
        return Load(source, out metadata);
    }

    /// <summary>The names, shapes and dtypes in a file, in header order, without reading the data.</summary>
    public static IReadOnlyList<CheckpointVariableInfo> List(string path)
    {
        using var file = ByteSource.OpenFile(path);
        return List(file);
    }

    /// <summary>The names, shapes and dtypes in a stream, in header order, without reading the data.</summary>
    public static IReadOnlyList<CheckpointVariableInfo> List(Stream stream)
    {
        using var source = ByteSource.FromStream(stream, StreamName);
        return List(source);
    }

    /// <summary>
    /// Assigns the file's tensors to <paramref name="module"/>'s variables by path. <paramref name="nameMap"/>
    /// maps file names to variable paths (<c>"dense1.weight" → "dense1/w"</c>); unmapped names are used as they are.
    /// Shapes and dtypes are checked for every match before anything is assigned. The report lists variables the
    /// file lacks and tensors nothing took.
    /// </summary>
    public static RestoreReport LoadInto(Module module, string path, IReadOnlyDictionary<string, string>? nameMap = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        using var file = ByteSource.OpenFile(path);
        return LoadInto(module, file, nameMap);
    }

    /// <summary>Assigns the tensors of a stream to <paramref name="module"/>'s variables by path, as <see cref="LoadInto(Module, string, IReadOnlyDictionary{string, string}?)"/> does.</summary>
    public static RestoreReport LoadInto(Module module, Stream stream, IReadOnlyDictionary<string, string>? nameMap = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        using var source = ByteSource.FromStream(stream, StreamName);
        return LoadInto(module, source, nameMap);
    }

    // ------------------------------------------------------------------ implementation

    private static IEnumerable<KeyValuePair<string, Tensor>> Named(Module module)
        => module.NamedVariables.Select(kv => new KeyValuePair<string, Tensor>(kv.Key, kv.Value));

    private static Dictionary<string, Tensor> Load(ByteSource file, out IReadOnlyDictionary<string, string> metadata)
    {
        var header = SafeTensorsHeader.Read(file);
        var result = new Dictionary<string, Tensor>(header.Entries.Count, StringComparer.Ordinal);
        foreach (var e in header.Entries) result[e.Name] = ReadEntry(file, header, e);
        metadata = header.Metadata;
        return result;
    }

    private static List<CheckpointVariableInfo> List(ByteSource file)
        => SafeTensorsHeader.Read(file).Entries.Select(e => new CheckpointVariableInfo(e.Name, e.Shape, e.DType)).ToList();

    private static RestoreReport LoadInto(Module module, ByteSource file, IReadOnlyDictionary<string, string>? nameMap)
    {
        var header = SafeTensorsHeader.Read(file);
        var targets = new Dictionary<string, Variable>(StringComparer.Ordinal);
        foreach (var (p, v) in module.NamedVariables) targets[p] = v;

        var matched = new List<(Variable Variable, SafeTensorsEntry Entry, string Target)>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        var unused = new List<string>();
        foreach (var e in header.Entries)
        {
            string target = nameMap is not null && nameMap.TryGetValue(e.Name, out var mapped) ? mapped : e.Name;
            if (!targets.TryGetValue(target, out var v) || !used.Add(target)) { unused.Add(e.Name); continue; }
            matched.Add((v, e, target));
        }
        VariableAssignment.CheckSpecs(
            matched.Select(m => new StoredMatch(m.Variable, m.Entry.Name, $"'{m.Entry.Name}' → '{m.Target}'", m.Entry.Shape, m.Entry.DType)),
            $"Loading '{file.Name}'", "the file");
        var values = new Tensor[matched.Count];
        for (int i = 0; i < matched.Count; i++) values[i] = ReadEntry(file, header, matched[i].Entry);
        VariableAssignment.AssignAll(matched.Select(m => m.Variable).ToList(), values);
        var missing = targets.Keys.Where(k => !used.Contains(k)).ToList();
        return new RestoreReport(file.Name, missing, unused);
    }

    private static Tensor ReadEntry(ByteSource file, SafeTensorsHeader header, SafeTensorsEntry e)
        => TensorBytes.Read(file, header.DataStart + e.Begin, e.End - e.Begin, e.Shape, e.DType, file.Name, e.Name, SafeTensorsFormatException.Create, out _);

    /// <summary>Checks the tensors and lays out the header before a byte is written.</summary>
    private static WritePlan Plan(IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors.ToList();
        var entries = new List<SafeTensorsEntry>(list.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        long offset = 0;
        foreach (var (name, t) in list)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            ArgumentNullException.ThrowIfNull(t);
            if (name == SafeTensorsHeader.MetadataKey) throw new ArgumentException($"'{name}' is reserved for metadata.", nameof(tensors));
            if (!names.Add(name)) throw new ArgumentException($"The tensor name '{name}' appears twice.", nameof(tensors));
            if (t.IsSymbolic) throw new ArgumentException($"Tensor '{name}' is symbolic: it has no values to save.", nameof(tensors));
            long len = TensorBytes.Length(t);
            entries.Add(new SafeTensorsEntry(name, t.DType, t.Shape, offset, offset + len));
            offset += len;
        }
        return new WritePlan(list, SafeTensorsHeader.Serialize(entries, metadata), offset);
    }

    private sealed record WritePlan(List<KeyValuePair<string, Tensor>> Tensors, byte[] Header, long DataBytes)
    {
        public long TotalBytes => 8 + Header.Length + DataBytes;

        public void WriteTo(Stream stream)
        {
            Span<byte> len8 = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(len8, (ulong)Header.Length);
            stream.Write(len8);
            stream.Write(Header);
            foreach (var (_, t) in Tensors) TensorBytes.WriteTo(stream, t, Crc32C.Initial);
        }
    }
}
