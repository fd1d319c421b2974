using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace LayerGen;

/// <summary>
/// Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format (dtypes
/// F32, F64, I32, I64, BOOL): an 8-byte little-endian header length, a JSON header padded with spaces to a
/// multiple of 8 (<c>dtype</c>, <c>shape</c>, <c>data_offsets</c>, optional <c>__metadata__</c>), then the data.
/// <code>
/// SafeTensors.Save("model.safetensors", myModel);
/// SafeTensors.LoadInto(newModel, "model.safetensors").AssertConsumed();
/// </code>
/// </summary>
public static class SafeTensors
{
    /// <summary>Writes <paramref name="tensors"/> (name → tensor, in this order) with optional string metadata.</summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null, bool flushToDisk = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
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
        var header = SafeTensorsHeader.Serialize(entries, metadata);
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        var fs = AtomicFile.CreateTemp(full, 8 + header.Length + offset, out var temp);
        try
        {
            Span<byte> len8 = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(len8, (ulong)header.Length);
            fs.Write(len8);
            fs.Write(header);
            foreach (var (_, t) in list) TensorBytes.WriteTo(fs, t, Crc32C.Initial);
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

    /// <summary>Writes every variable of <paramref name="module"/> under its path (<c>dense1/w</c>).</summary>
    public static void Save(string path, Module module, IReadOnlyDictionary<string, string>? metadata = null, bool flushToDisk = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        Save(path, module.NamedVariables.Select(kv => new KeyValuePair<string, Tensor>(kv.Key, kv.Value)), metadata, flushToDisk);
    }

    /// <summary>Reads every tensor of a file, in header order.</summary>
    public static Dictionary<string, Tensor> Load(string path) => Load(path, out _);

    /// <summary>Reads every tensor of a file, in header order, and its <c>__metadata__</c> (empty when absent).</summary>
    public static Dictionary<string, Tensor> Load(string path, out IReadOnlyDictionary<string, string> metadata)
    {
        using var file = OpenRead(path);
        var header = SafeTensorsHeader.Read(file, path);
        var result = new Dictionary<string, Tensor>(header.Entries.Count, StringComparer.Ordinal);
        foreach (var e in header.Entries) result[e.Name] = ReadEntry(file, path, header, e);
        metadata = header.Metadata;
        return result;
    }

    /// <summary>The names, shapes and dtypes in a file, in header order, without reading the data.</summary>
    public static IReadOnlyList<CheckpointVariableInfo> List(string path)
    {
        using var file = OpenRead(path);
        return SafeTensorsHeader.Read(file, path).Entries.Select(e => new CheckpointVariableInfo(e.Name, e.Shape, e.DType)).ToList();
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
        using var file = OpenRead(path);
        var header = SafeTensorsHeader.Read(file, path);
        var targets = new Dictionary<string, Variable>(StringComparer.Ordinal);
        foreach (var (p, v) in module.NamedVariables) targets[p] = v;

        var matched = new List<(Variable Variable, SafeTensorsEntry Entry)>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        var unused = new List<string>();
        var problems = new List<string>();
        var bad = new List<string>();
        foreach (var e in header.Entries)
        {
            string target = nameMap is not null && nameMap.TryGetValue(e.Name, out var mapped) ? mapped : e.Name;
            if (!targets.TryGetValue(target, out var v) || !used.Add(target)) { unused.Add(e.Name); continue; }
            if (v.Shape != e.Shape || v.DType != e.DType)
            {
                bad.Add(e.Name);
                problems.Add($"'{e.Name}' → '{target}': the file holds {e.DType.Name()} {e.Shape.ToListString()}, the variable is {v.DType.Name()} {v.Shape.ToListString()}");
            }
            matched.Add((v, e));
        }
        if (bad.Count > 0)
            throw new CheckpointMismatchException($"Loading '{path}' refused (nothing was assigned): {string.Join("; ", problems)}.", bad);
        var values = new Tensor[matched.Count];
        for (int i = 0; i < matched.Count; i++) values[i] = ReadEntry(file, path, header, matched[i].Entry);
        for (int i = 0; i < matched.Count; i++) matched[i].Variable.Assign(values[i]);
        var missing = targets.Keys.Where(k => !used.Contains(k)).ToList();
        return new RestoreReport(path, missing, unused);
    }

    private static SafeFileHandle OpenRead(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
    }

    private static Tensor ReadEntry(SafeFileHandle file, string path, SafeTensorsHeader header, SafeTensorsEntry e)
        => TensorBytes.Read(file, header.DataStart + e.Begin, e.End - e.Begin, e.Shape, e.DType, path, e.Name, out _);
}
