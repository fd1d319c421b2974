using System.Globalization;

namespace LayerGen.Checkpoints;

/// <summary>
/// Writes a checkpoint: shards first, then the index, each to a temporary file that is flushed (to disk
/// unless told otherwise) and renamed into place. Over an existing checkpoint, the new shards get names the old
/// ones do not use (see <c>FreeShardCount</c>), so until the index is renamed the old checkpoint stays whole. Tensors are streamed one by one in 4 MB chunks, the
/// CRC-32C computed on the way; no buffer the size of the model is ever allocated.
/// </summary>
internal static class CheckpointWriter
{
    /// <summary>The stages a write passes through, reported to a test hook (which may throw to simulate a crash).</summary>
    internal const string StageShardsWritten = "shards-written";
    internal const string StageShardsRenamed = "shards-renamed";
    internal const string StageIndexWritten = "index-written";

    public static void Write(string prefix, CheckpointTargets targets, long maxShardBytes, bool flushToDisk, Action<string>? stageHook)
    {
        string full = Path.GetFullPath(prefix);
        string? dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);

        // Plan the shards: a new one when the next tensor would pass maxShardBytes (a bigger tensor gets its own).
        var vars = targets.Variables;
        var shardOf = new int[vars.Count];
        var offsets = new long[vars.Count];
        var shardLengths = new List<long> { 0 };
        for (int i = 0; i < vars.Count; i++)
        {
            var v = vars[i].Variable;
            if (v.IsSymbolic) throw new InvalidOperationException($"Variable '{vars[i].Key}' has no values.");
            long len = TensorBytes.Length(v);
            if (shardLengths[^1] > 0 && shardLengths[^1] + len > maxShardBytes) shardLengths.Add(0);
            shardOf[i] = shardLengths.Count - 1;
            offsets[i] = shardLengths[^1];
            shardLengths[^1] += len;
        }
        if (shardLengths.Count > CheckpointIndex.MaxShards)
            throw new InvalidOperationException($"The checkpoint would need {shardLengths.Count} shards, more than {CheckpointIndex.MaxShards}; raise MaxShardBytes.");
        // Crash safety over an existing checkpoint: the new shards must never take the names of the old ones,
        // or a crash before the index is renamed would pair the old index with new data. Shard names carry the
        // shard count, so the count is raised past every count already present, with empty shards at the end;
        // the rename of the index is then the single step that switches from the old checkpoint to the new one.
        int count = FreeShardCount(full, shardLengths.Count);
        while (shardLengths.Count < count) shardLengths.Add(0);

        var index = new CheckpointIndex();
        index.ShardLengths.AddRange(shardLengths);
        index.Objects.AddRange(targets.Objects);
        var temps = new string[count];
        string? indexTemp = null;
        try
        {
            int next = 0;
            for (int s = 0; s < count; s++)
            {
                var fs = AtomicFile.CreateTemp(CheckpointIndex.ShardPath(full, s, count), shardLengths[s], out temps[s]);
                try
                {
                    for (; next < vars.Count && shardOf[next] == s; next++)
                    {
                        var (key, v) = vars[next];
                        uint crc = Crc32C.Finish(TensorBytes.WriteTo(fs, v, Crc32C.Initial));
                        index.Tensors.Add(new CheckpointTensorEntry(key, v.DType, v.Shape, s, offsets[next], TensorBytes.Length(v), crc));
                    }
                    if (fs.Position != shardLengths[s])
                        throw new InvalidOperationException($"A variable changed size while shard {s} was written.");
                    AtomicFile.Complete(fs, flushToDisk);
                }
                finally
                {
                    fs.Dispose();
                }
            }
            stageHook?.Invoke(StageShardsWritten);
            for (int s = 0; s < count; s++)
            {
                File.Move(temps[s], CheckpointIndex.ShardPath(full, s, count), overwrite: true);
                temps[s] = null!;
            }
            stageHook?.Invoke(StageShardsRenamed);

            var bytes = index.Serialize();
            string indexPath = CheckpointIndex.IndexPath(full);
            var ifs = AtomicFile.CreateTemp(indexPath, bytes.Length, out indexTemp);
            try
            {
                ifs.Write(bytes);
                AtomicFile.Complete(ifs, flushToDisk);
            }
            finally
            {
                ifs.Dispose();
            }
            stageHook?.Invoke(StageIndexWritten);
            File.Move(indexTemp, indexPath, overwrite: true);
            indexTemp = null;
        }
        finally
        {
            foreach (var t in temps) if (t is not null) AtomicFile.TryDelete(t);
            if (indexTemp is not null) AtomicFile.TryDelete(indexTemp);
        }
        DeleteStaleShards(full, count);
    }

    /// <summary>
    /// The smallest shard count at least <paramref name="needed"/> that no shard file of <paramref name="fullPrefix"/>
    /// uses yet (an earlier checkpoint at the prefix, or the shards of an interrupted write).
    /// </summary>
    private static int FreeShardCount(string fullPrefix, int needed)
    {
        string dir = Path.GetDirectoryName(fullPrefix)!;
        string name = Path.GetFileName(fullPrefix);
        var used = new HashSet<int>();
        foreach (var f in Directory.EnumerateFiles(dir, name + ".data-?????-of-?????"))
        {
            string fn = Path.GetFileName(f);
            if (fn.Length == name.Length + ".data-00000-of-00000".Length
                && int.TryParse(fn.AsSpan(fn.Length - 5), NumberStyles.None, CultureInfo.InvariantCulture, out int n))
                used.Add(n);
        }
        int count = needed;
        while (used.Contains(count)) count++;
        if (count > CheckpointIndex.MaxShards)
            throw new InvalidOperationException($"Cannot write '{fullPrefix}' safely: shard files for every count from {needed} to {CheckpointIndex.MaxShards} are already there.");
        return count;
    }

    /// <summary>Removes shards of an earlier write to the same prefix with a different shard count.</summary>
    private static void DeleteStaleShards(string fullPrefix, int count)
    {
        string dir = Path.GetDirectoryName(fullPrefix)!;
        string name = Path.GetFileName(fullPrefix);
        string keepSuffix = string.Create(CultureInfo.InvariantCulture, $"-of-{count:D5}");
        foreach (var f in Directory.EnumerateFiles(dir, name + ".data-?????-of-?????"))
        {
            string fn = Path.GetFileName(f);
            if (fn.Length == name.Length + ".data-00000-of-00000".Length && !fn.EndsWith(keepSuffix, StringComparison.Ordinal))
                AtomicFile.TryDelete(f);
        }
    }

    /// <summary>Deletes a checkpoint's files: the index first, so a half-deleted checkpoint is never taken for a whole one.</summary>
    public static void Delete(string prefix)
    {
        string full = Path.GetFullPath(prefix);
        AtomicFile.TryDelete(CheckpointIndex.IndexPath(full));
        string dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) return;
        string name = Path.GetFileName(full);
        foreach (var f in Directory.EnumerateFiles(dir, name + ".data-?????-of-?????"))
            if (Path.GetFileName(f).Length == name.Length + ".data-00000-of-00000".Length) AtomicFile.TryDelete(f);
    }
}
