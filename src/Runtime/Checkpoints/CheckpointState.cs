using System.Text;

namespace LayerGen.Checkpoints;

/// <summary>
/// The <c>checkpoint</c> state file of a checkpoint directory, in TensorFlow's text format:
/// <code>
/// model_checkpoint_path: "ckpt-3"
/// all_model_checkpoint_paths: "ckpt-2"
/// all_model_checkpoint_paths: "ckpt-3"
/// </code>
/// Paths are relative to the directory (absolute ones are accepted when read). Written atomically.
/// </summary>
internal sealed class CheckpointState
{
    public const string FileName = "checkpoint";
    private const long MaxBytes = 16L * 1024 * 1024;

    public CheckpointState(string? latest, IReadOnlyList<string> all) { Latest = latest; All = all; }

    /// <summary>The newest checkpoint prefix (full path), or null.</summary>
    public string? Latest { get; }

    /// <summary>Every kept checkpoint prefix (full paths), oldest first.</summary>
    public IReadOnlyList<string> All { get; }

    /// <summary>Reads the state of <paramref name="directory"/>; null when there is no state file.</summary>
    public static CheckpointState? Read(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return null;
        var text = Encoding.UTF8.GetString(AtomicFile.ReadAllBytesLimited(path, MaxBytes, "checkpoint state file", CheckpointFormatException.Create));
        string? latest = null;
        var all = new List<string>();
        int lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0) continue;
            int colon = line.IndexOf(':');
            if (colon < 0) throw new CheckpointFormatException(path, null, $"line {lineNo} is not 'name: \"value\"'.");
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (value.Length < 2 || value[0] != '"' || value[^1] != '"')
                throw new CheckpointFormatException(path, null, $"line {lineNo}: the value must be a quoted string.");
            value = Unescape(value[1..^1]);
            string full = Path.IsPathRooted(value) ? value : Path.Combine(directory, value);
            switch (name)
            {
                case "model_checkpoint_path": latest = full; break;
                case "all_model_checkpoint_paths": all.Add(full); break;
                default: break; // other fields (timestamps) are ignored, as TensorFlow's reader would keep them
            }
        }
        if (latest is not null && !all.Contains(latest)) all.Add(latest);
        return new CheckpointState(latest, all);
    }

    /// <summary>Writes the state of <paramref name="directory"/> (temporary file, flush, rename).</summary>
    public static void Write(string directory, string? latest, IReadOnlyList<string> all, bool flushToDisk)
    {
        var sb = new StringBuilder();
        if (latest is not null) sb.Append("model_checkpoint_path: \"").Append(Escape(Relative(directory, latest))).Append("\"\n");
        foreach (var p in all) sb.Append("all_model_checkpoint_paths: \"").Append(Escape(Relative(directory, p))).Append("\"\n");
        AtomicFile.WriteAllBytes(Path.Combine(directory, FileName), Encoding.UTF8.GetBytes(sb.ToString()), flushToDisk);
    }

    private static string Relative(string directory, string path)
    {
        var rel = Path.GetRelativePath(Path.GetFullPath(directory), Path.GetFullPath(path));
        return rel.StartsWith("..", StringComparison.Ordinal) ? Path.GetFullPath(path) : rel;
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    private static string Unescape(string s) => s.Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
}
