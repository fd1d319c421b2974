using System.Diagnostics.CodeAnalysis;

namespace LayerGen.Checkpoints;

/// <summary>
/// The result of <see cref="Checkpoint.Restore"/>: the <see cref="RestoreReport"/> lists plus the values
/// kept for objects that do not exist yet (deferred restore). A variable created later takes its value
/// automatically before its first use in an op, or when a layer builds (<see cref="DeferredRestores"/>), and
/// explicitly through <see cref="TryTakePending"/> or <see cref="ApplyPending"/>.
/// </summary>
public sealed class CheckpointLoadStatus : RestoreReport
{
    private readonly CheckpointReader _reader;
    private readonly Checkpoint _root;
    private readonly object _gate = new();
    private readonly HashSet<string> _pending;

    internal CheckpointLoadStatus(Checkpoint root, CheckpointReader reader, IReadOnlyList<string> missing, IReadOnlyList<string> unused)
        : base(reader.Prefix, missing, unused)
    {
        _root = root;
        _reader = reader;
        _pending = new HashSet<string>(unused, StringComparer.Ordinal);
    }

    /// <summary>The checkpoint prefix restored from.</summary>
    public string Path => _reader.Prefix;

    /// <summary>Keys in the file not taken by any variable so far, in file order.</summary>
    public override IReadOnlyList<string> UnusedInFile
    {
        get
        {
            lock (_gate) return InitialUnused.Where(_pending.Contains).ToList();
        }
    }

    /// <summary>Whether any key still waits for a variable.</summary>
    internal bool HasPending
    {
        get
        {
            lock (_gate) return _pending.Count > 0;
        }
    }

    /// <summary>Keys still waiting for a variable (the same as <see cref="UnusedInFile"/>).</summary>
    public IReadOnlyList<string> PendingKeys => UnusedInFile;

    /// <summary>
    /// Takes the pending value of <paramref name="key"/> (read from the file now and checked against its
    /// CRC-32C), so a variable being created can start with it. Each value is taken at most once.
    /// </summary>
    public bool TryTakePending(string key, [NotNullWhen(true)] out Tensor? value)
    {
        lock (_gate)
        {
            if (!_pending.Contains(key) || !_reader.TryGetEntry(key, out var entry)) { value = null; return false; }
            value = _reader.Read(entry);
            _pending.Remove(key);
            return true;
        }
    }

    internal bool TryGetPendingEntry(string key, out CheckpointTensorEntry entry)
    {
        lock (_gate)
        {
            if (_pending.Contains(key) && _reader.TryGetEntry(key, out entry)) return true;
            entry = null!;
            return false;
        }
    }

    /// <summary>
    /// Assigns pending values to variables that exist now under the checkpoint's objects (for example after
    /// a module created its variables on first call). Validates every match first; returns how many were assigned.
    /// </summary>
    public int ApplyPending() => ApplyTo(CheckpointTargets.Collect(_root));

    internal int ApplyTo(CheckpointTargets targets)
    {
        lock (_gate)
        {
            var matched = new List<(Variable Variable, CheckpointTensorEntry Entry)>();
            foreach (var (key, v) in targets.Variables)
                if (_pending.Contains(key) && _reader.TryGetEntry(key, out var e)) matched.Add((v, e));
            Checkpoint.AssignAll(_reader, matched);
            foreach (var (_, e) in matched) _pending.Remove(e.Key);
            foreach (var (path, m) in targets.Modules) DeferredRestores.Register(m, path, this);
            return matched.Count;
        }
    }

    /// <inheritdoc/>
    public override CheckpointLoadStatus AssertConsumed() { base.AssertConsumed(); return this; }

    /// <inheritdoc/>
    public override CheckpointLoadStatus AssertExistingObjectsMatched() { base.AssertExistingObjectsMatched(); return this; }

    /// <inheritdoc/>
    public override CheckpointLoadStatus ExpectPartial() { base.ExpectPartial(); return this; }
}
