using Microsoft.Win32.SafeHandles;

namespace LayerGen.Checkpoints;

/// <summary>
/// An opened checkpoint: its validated index and the paths of its shards. Tensors are read on demand,
/// each checked against its CRC-32C; shard lengths are checked against the index when opened.
/// </summary>
internal sealed class CheckpointReader
{
    private readonly Dictionary<string, CheckpointTensorEntry> _byKey;

    private CheckpointReader(string prefix, CheckpointIndex index)
    {
        Prefix = prefix;
        Index = index;
        _byKey = new Dictionary<string, CheckpointTensorEntry>(index.Tensors.Count, StringComparer.Ordinal);
        foreach (var t in index.Tensors) _byKey[t.Key] = t;
    }

    public string Prefix { get; }
    public CheckpointIndex Index { get; }

    /// <summary>Accepts a prefix or the path of its <c>.index</c> file.</summary>
    public static string NormalizePrefix(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return path.EndsWith(".index", StringComparison.Ordinal) ? path[..^".index".Length] : path;
    }

    /// <summary>Opens and validates <paramref name="path"/> (a prefix or its index file).</summary>
    public static CheckpointReader Open(string path)
    {
        string prefix = NormalizePrefix(path);
        string indexPath = CheckpointIndex.IndexPath(prefix);
        if (!File.Exists(indexPath))
            throw new FileNotFoundException($"No checkpoint at '{prefix}': '{indexPath}' does not exist.", indexPath);
        var bytes = AtomicFile.ReadAllBytesLimited(indexPath, CheckpointIndex.MaxIndexBytes, "checkpoint index", CheckpointFormatException.Create);
        var index = CheckpointIndex.Parse(bytes, indexPath);
        int n = index.ShardLengths.Count;
        for (int s = 0; s < n; s++)
        {
            string shard = CheckpointIndex.ShardPath(prefix, s, n);
            var info = new FileInfo(shard);
            if (!info.Exists)
                throw new CheckpointFormatException(shard, FirstKeyIn(index, s), "the data shard is missing.");
            if (info.Length != index.ShardLengths[s])
                throw new CheckpointFormatException(shard, FirstKeyIn(index, s),
                    info.Length < index.ShardLengths[s]
                        ? $"the data shard is truncated: {info.Length} bytes, the index says {index.ShardLengths[s]}."
                        : $"the data shard is {info.Length} bytes, the index says {index.ShardLengths[s]}.");
        }
        return new CheckpointReader(prefix, index);
    }

    private static string? FirstKeyIn(CheckpointIndex index, int shard)
    {
        foreach (var t in index.Tensors) if (t.Shard == shard) return t.Key;
        return null;
    }

    public bool TryGetEntry(string key, out CheckpointTensorEntry entry) => _byKey.TryGetValue(key, out entry!);

    public string ShardPath(int shard) => CheckpointIndex.ShardPath(Prefix, shard, Index.ShardLengths.Count);

    /// <summary>Reads and verifies one tensor.</summary>
    public Tensor Read(CheckpointTensorEntry entry)
    {
        using var handle = OpenShard(entry.Shard, entry.Key);
        return Read(handle, ShardPath(entry.Shard), entry);
    }

    /// <summary>Reads and verifies several tensors, opening each shard once; all are read before any is returned.</summary>
    public Tensor[] ReadAll(IReadOnlyList<CheckpointTensorEntry> entries)
    {
        var result = new Tensor[entries.Count];
        var handles = new Dictionary<int, SafeFileHandle>();
        try
        {
            for (int i = 0; i < entries.Count; i++)
            {
                var e = entries[i];
                if (!handles.TryGetValue(e.Shard, out var h)) handles[e.Shard] = h = OpenShard(e.Shard, e.Key);
                result[i] = Read(h, ShardPath(e.Shard), e);
            }
        }
        finally
        {
            foreach (var h in handles.Values) h.Dispose();
        }
        return result;
    }

    private SafeFileHandle OpenShard(int number, string key)
    {
        string shard = ShardPath(number);
        try
        {
            var h = File.OpenHandle(shard, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
            long len = RandomAccess.GetLength(h);
            long expected = Index.ShardLengths[number];
            if (len != expected)
            {
                h.Dispose();
                throw new CheckpointFormatException(shard, key, $"the data shard is {len} bytes, the index says {expected} (truncated or replaced).");
            }
            return h;
        }
        catch (IOException e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CheckpointFormatException(shard, key, "the data shard is missing.", e);
        }
    }

    private static Tensor Read(SafeFileHandle handle, string shard, CheckpointTensorEntry e)
    {
        using var source = ByteSource.FromHandle(handle, shard);
        var t = TensorBytes.Read(source, e.Offset, e.Length, e.Shape, e.DType, shard, e.Key, CheckpointFormatException.Create, out uint crc);
        if (crc != e.Crc32C)
            throw new CheckpointFormatException(shard, e.Key, $"checksum mismatch (stored {e.Crc32C:x8}, computed {crc:x8}): the data is damaged.");
        return t;
    }
}
