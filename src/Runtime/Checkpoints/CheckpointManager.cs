using System.Globalization;

namespace LayerGen.Checkpoints;

/// <summary>
/// Keeps the last <c>maxToKeep</c> checkpoints of a <see cref="Checkpoint"/> in a directory, like
/// <c>tf.train.CheckpointManager</c>:
/// <code>
/// var manager = new CheckpointManager(checkpoint, "ckpts", maxToKeep: 3);
/// manager.RestoreLatest();     // null on a fresh directory
/// ...
/// manager.Save();              // ckpts/ckpt-1, ckpts/ckpt-2, ... and ckpts/checkpoint naming them
/// </code>
/// A new manager over an existing directory picks up its <c>checkpoint</c> state file, keeping only the entries it
/// can prove are its own (<c>directory/name-N</c>): it never deletes anything outside its directory or not named
/// like its checkpoints, whatever the state file lists. Older checkpoints are
/// deleted only after the new one and the state file are complete; leftovers of an interrupted save
/// (temporary files, shards without an index) are removed when a manager is created.
/// </summary>
public sealed class CheckpointManager
{
    private readonly List<string> _checkpoints = [];

    /// <summary>Creates a manager; reads the directory's state file if there is one.</summary>
    /// <param name="checkpoint">What to save.</param>
    /// <param name="directory">Where checkpoints and the <c>checkpoint</c> state file live (created if needed).</param>
    /// <param name="maxToKeep">How many checkpoints to keep; null keeps all.</param>
    /// <param name="checkpointName">The prefix of checkpoint names: <c>ckpt</c> gives <c>ckpt-1</c>, <c>ckpt-2</c>, ...</param>
    public CheckpointManager(Checkpoint checkpoint, string directory, int? maxToKeep = 5, string checkpointName = "ckpt")
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(checkpointName);
        if (maxToKeep is < 1) throw new ArgumentOutOfRangeException(nameof(maxToKeep), maxToKeep, "maxToKeep must be at least 1 (or null to keep all).");
        Checkpoint = checkpoint;
        Directory = Path.GetFullPath(directory);
        MaxToKeep = maxToKeep;
        CheckpointName = checkpointName;
        System.IO.Directory.CreateDirectory(Directory);
        var state = CheckpointState.Read(Directory);
        if (state is not null)
        {
            // Only checkpoints this manager can prove are its own (directory/name-N) are taken over: a state
            // file listing "../elsewhere/model" must never make Save delete files outside the directory.
            foreach (var p in state.All)
                if (IsOwn(Path.GetFullPath(p)) is { } own && !_checkpoints.Contains(own) && File.Exists(CheckpointIndex.IndexPath(own)))
                    _checkpoints.Add(own);
        }
        RemoveLeftovers();
    }

    /// <summary>
    /// Deletes what an interrupted save left: temporary files, and shards of checkpoints whose index was never
    /// written. (One writer per directory: a manager owns its checkpoint name in its directory.)
    /// </summary>
    private void RemoveLeftovers()
    {
        foreach (var f in System.IO.Directory.EnumerateFiles(Directory, CheckpointName + "-*"))
        {
            string name = Path.GetFileName(f);
            if (name.Contains(AtomicFile.TempMarker, StringComparison.Ordinal)) { AtomicFile.TryDelete(f); continue; }
            int data = name.IndexOf(".data-", StringComparison.Ordinal);
            if (data > 0 && !File.Exists(Path.Combine(Directory, name[..data] + ".index"))) AtomicFile.TryDelete(f);
        }
        foreach (var f in System.IO.Directory.EnumerateFiles(Directory, CheckpointState.FileName + AtomicFile.TempMarker + "*"))
            AtomicFile.TryDelete(f);
    }

    /// <summary>The checkpoint saved.</summary>
    public Checkpoint Checkpoint { get; }

    /// <summary>The directory (full path).</summary>
    public string Directory { get; }

    /// <summary>How many checkpoints are kept (null: all).</summary>
    public int? MaxToKeep { get; }

    /// <summary>The name prefix of the checkpoints.</summary>
    public string CheckpointName { get; }

    /// <summary>The kept checkpoint prefixes, oldest first.</summary>
    public IReadOnlyList<string> Checkpoints => _checkpoints.ToList();

    /// <summary>The newest checkpoint prefix, or null when there is none.</summary>
    public string? LatestCheckpoint => _checkpoints.Count == 0 ? null : _checkpoints[^1];

    /// <summary>
    /// Saves a new checkpoint <c>directory/name-N</c>, records it in the state file, then deletes the
    /// checkpoints beyond <see cref="MaxToKeep"/>. Returns the new prefix.
    /// </summary>
    public string Save()
    {
        long highest = 0;
        foreach (var p in _checkpoints) highest = Math.Max(highest, NumberOf(p));
        if (Checkpoint.SaveCounter < highest) Checkpoint.SetSaveCounter(highest);
        string path = Path.GetFullPath(Checkpoint.Save(Path.Combine(Directory, CheckpointName)));

        _checkpoints.Remove(path);
        _checkpoints.Add(path);
        var doomed = new List<string>();
        if (MaxToKeep is int keep)
            while (_checkpoints.Count > keep) { doomed.Add(_checkpoints[0]); _checkpoints.RemoveAt(0); }
        CheckpointState.Write(Directory, path, _checkpoints, Checkpoint.FlushToDisk);
        foreach (var old in doomed)
            if (IsOwn(old) is not null) CheckpointWriter.Delete(old);
        return path;
    }

    /// <summary>
    /// <paramref name="fullPath"/> when it is one of this manager's checkpoints, <c>Directory/CheckpointName-N</c>
    /// with N a number; otherwise null.
    /// </summary>
    private string? IsOwn(string fullPath)
    {
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (!string.Equals(Path.GetDirectoryName(fullPath), Directory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar), comparison))
            return null;
        string name = Path.GetFileName(fullPath);
        string prefix = CheckpointName + "-";
        return name.Length > prefix.Length && name.StartsWith(prefix, StringComparison.Ordinal)
            && long.TryParse(name.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out _)
            ? fullPath
            : null;
    }

    /// <summary>Restores the newest checkpoint into <see cref="Checkpoint"/>; null when there is none.</summary>
    public CheckpointLoadStatus? RestoreLatest() => LatestCheckpoint is { } p ? Checkpoint.Restore(p) : null;

    private long NumberOf(string prefix)
    {
        string name = Path.GetFileName(prefix);
        int dash = name.LastIndexOf('-');
        return dash >= 0 && long.TryParse(name.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : 0;
    }
}
