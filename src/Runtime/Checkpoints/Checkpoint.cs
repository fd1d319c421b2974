using System.Collections;
using System.Globalization;

namespace LayerGen.Checkpoints;

/// <summary>
/// A set of named objects whose variables are saved and restored together, like <c>tf.train.Checkpoint</c>:
/// <code>
/// var checkpoint = new Checkpoint { ["model"] = myModel };
/// checkpoint.Write("my_checkpoint");     // my_checkpoint.index + my_checkpoint.data-00000-of-00001
/// new Checkpoint { ["model"] = newModel }.Restore("my_checkpoint").AssertConsumed();
/// </code>
/// Children may be a <see cref="Module"/>, a <see cref="Variable"/>, another <see cref="Checkpoint"/> or any
/// <see cref="ICheckpointable"/>. A variable's key is its object path plus <c>/.ATTRIBUTES/VARIABLE_VALUE</c>.
/// The format is described in <c>docs/formats/checkpoint.md</c>. A checkpoint is several files (an index and
/// its data shards, renamed into place index last), so it is written to and read from a path prefix, never a
/// <see cref="Stream"/>; <see cref="CheckpointWeightsStore"/> is its <see cref="IWeightsStore"/>.
/// </summary>
public sealed class Checkpoint : ICheckpointable, IEnumerable<KeyValuePair<string, object>>
{
    private readonly List<KeyValuePair<string, object>> _children = [];
    private readonly Variable _saveCounter = new(Tensor.Scalar(0L), trainable: false, name: CheckpointKeys.SaveCounterName);

    /// <summary>Creates an empty checkpoint; add children with the indexer or a collection initializer.</summary>
    public Checkpoint() { }

    /// <summary>
    /// The child named <paramref name="name"/>: a <see cref="Module"/>, <see cref="Variable"/>,
    /// <see cref="Checkpoint"/> or <see cref="ICheckpointable"/>. Setting replaces a child of the same name.
    /// </summary>
    public object this[string name]
    {
        get
        {
            foreach (var (n, c) in _children) if (n == name) return c;
            throw new KeyNotFoundException($"The checkpoint has no child named '{name}'. Children: {string.Join(", ", Names)}.");
        }
        set
        {
            CheckName(name);
            CheckChild(name, value);
            for (int i = 0; i < _children.Count; i++)
            {
                if (_children[i].Key == name) { _children[i] = new(name, value); return; }
            }
            _children.Add(new(name, value));
        }
    }

    /// <summary>Adds a module child (collection-initializer form <c>{ { "model", m } }</c>).</summary>
    public void Add(string name, Module module) => this[name] = module;

    /// <summary>Adds a variable child.</summary>
    public void Add(string name, Variable variable) => this[name] = variable;

    /// <summary>Adds any other checkpointable child (optimizers, nested checkpoints).</summary>
    public void Add(string name, ICheckpointable child) => this[name] = child;

    /// <summary>The children's names, in the order they were added.</summary>
    public IReadOnlyList<string> Names => _children.Select(c => c.Key).ToList();

    /// <summary>How many times <see cref="Save"/> has run (restored with the other values); numbers the saved prefixes.</summary>
    public long SaveCounter => _saveCounter.ToScalar<long>();

    internal Variable SaveCounterVariable => _saveCounter;

    internal void SetSaveCounter(long value) => _saveCounter.Assign(Tensor.Scalar(value));

    /// <summary>A new data shard starts when the next tensor would take the current one past this size (default 1 GiB).</summary>
    public long MaxShardBytes
    {
        get => _maxShardBytes;
        set => _maxShardBytes = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "MaxShardBytes must be positive.");
    }
    private long _maxShardBytes = 1L << 30;

    /// <summary>
    /// Whether writes wait until the data is on disk (<c>fsync</c>) before renaming files into place (default true).
    /// Turning it off is faster and still never leaves a half-written file under a final name, but a power
    /// loss may lose the newest checkpoint.
    /// </summary>
    public bool FlushToDisk { get; set; } = true;

    /// <summary>Test hook: called at each stage of a write; throwing simulates a crash at that point.</summary>
    internal Action<string>? WriteStageHook { get; set; }

    /// <summary>
    /// Writes every variable to <paramref name="prefix"/><c>.index</c> and <paramref name="prefix"/><c>.data-0000k-of-0000N</c>,
    /// replacing a checkpoint already there. Does not change <see cref="SaveCounter"/>. Returns the prefix.
    /// </summary>
    public string Write(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        CheckpointWriter.Write(prefix, CheckpointTargets.Collect(this), MaxShardBytes, FlushToDisk, WriteStageHook);
        return prefix;
    }

    /// <summary>
    /// Increments <see cref="SaveCounter"/> and writes to <c>prefix-N</c> (a new prefix each time, so the
    /// previous checkpoint is never touched). Returns the prefix written, e.g. <c>ckpt/model-3</c>.
    /// </summary>
    public string Save(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        long n = SaveCounter + 1;
        SetSaveCounter(n);
        try
        {
            return Write(string.Create(CultureInfo.InvariantCulture, $"{prefix}-{n}"));
        }
        catch
        {
            SetSaveCounter(n - 1);
            throw;
        }
    }

    /// <summary>
    /// Overwrites, in place, every variable whose key is in the checkpoint at <paramref name="path"/> (a prefix
    /// or its <c>.index</c> file). Everything is validated and read first — a shape or dtype mismatch, a damaged
    /// file or a bad checksum throws with nothing assigned. Values no variable took stay pending for variables
    /// created later (<see cref="DeferredRestores"/>). Inspect or assert on the returned status.
    /// </summary>
    public CheckpointLoadStatus Restore(string path)
    {
        var reader = CheckpointReader.Open(path);
        var targets = CheckpointTargets.Collect(this);
        var matched = new List<(Variable, CheckpointTensorEntry)>();
        var missing = new List<string>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, v) in targets.Variables)
        {
            if (reader.TryGetEntry(key, out var e)) { matched.Add((v, e)); used.Add(key); }
            else if (key != CheckpointKeys.SaveCounterKey) missing.Add(key);
        }
        AssignAll(reader, matched);
        var unused = new List<string>();
        foreach (var t in reader.Index.Tensors) if (!used.Contains(t.Key)) unused.Add(t.Key);
        var status = new CheckpointLoadStatus(this, reader, missing, unused);
        foreach (var (p, m) in targets.Modules) DeferredRestores.Register(m, p, status);
        return status;
    }

    /// <summary>Checks every pair, reads every value, then assigns them all: all or nothing.</summary>
    internal static void AssignAll(CheckpointReader reader, List<(Variable Variable, CheckpointTensorEntry Entry)> matched)
    {
        VariableAssignment.CheckSpecs(
            matched.Select(m => new StoredMatch(m.Variable, m.Entry.Key, $"'{m.Entry.Key}'", m.Entry.Shape, m.Entry.DType)),
            $"Restore from '{reader.Prefix}'", "the checkpoint");
        var values = reader.ReadAll(matched.Select(m => m.Entry).ToList());
        VariableAssignment.AssignAll(matched.Select(m => m.Variable).ToList(), values);
    }

    /// <summary>The tensors stored in the checkpoint at <paramref name="path"/>, sorted by key.</summary>
    public static IReadOnlyList<CheckpointVariableInfo> ListVariables(string path)
    {
        var reader = CheckpointReader.Open(path);
        return reader.Index.Tensors
            .Select(t => new CheckpointVariableInfo(t.Key, t.Shape, t.DType))
            .OrderBy(t => t.Key, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The object graph recorded in the checkpoint at <paramref name="path"/> (root, modules, variables).</summary>
    public static IReadOnlyList<CheckpointObject> ListObjects(string path) => CheckpointReader.Open(path).Index.Objects;

    /// <summary>Reads one tensor, checked against its CRC-32C, e.g. <c>LoadVariable(p, "model/dense1/w/.ATTRIBUTES/VARIABLE_VALUE")</c>.</summary>
    public static Tensor LoadVariable(string path, string key)
    {
        var reader = CheckpointReader.Open(path);
        if (!reader.TryGetEntry(key, out var e))
            throw new KeyNotFoundException($"The checkpoint '{reader.Prefix}' has no tensor '{key}'. Use Checkpoint.ListVariables to see its keys.");
        return reader.Read(e);
    }

    /// <summary>The newest checkpoint recorded in <paramref name="directory"/>'s <c>checkpoint</c> state file, or null.</summary>
    public static string? LatestCheckpoint(string directory) => CheckpointState.Read(directory)?.Latest;

    /// <summary>Enumerates the children as name/object pairs.</summary>
    public IEnumerator<KeyValuePair<string, object>> GetEnumerator() => _children.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Every variable beneath the children, with paths relative to this checkpoint (nested use).</summary>
    public IEnumerable<KeyValuePair<string, Variable>> GetCheckpointVariables()
    {
        foreach (var (key, v) in CheckpointTargets.Collect(this).Variables)
            yield return new(key[..^CheckpointKeys.VariableValueSuffix.Length], v);
    }

    private static void CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name == CheckpointKeys.SaveCounterName)
            throw new ArgumentException($"'{CheckpointKeys.SaveCounterName}' is reserved for the checkpoint's own counter.", nameof(name));
        if (name.StartsWith('/') || name.EndsWith('/') || name.StartsWith('.'))
            throw new ArgumentException($"Child name '{name}' must not start or end with '/' or start with '.'.", nameof(name));
    }

    private static void CheckChild(string name, object value)
    {
        if (value is null) throw new ArgumentNullException(nameof(value), $"Checkpoint child '{name}' is null.");
        if (value is not (Module or Variable or ICheckpointable))
            throw new ArgumentException(
                $"Checkpoint child '{name}' is a {value.GetType().Name}; a child must be a Module, a Variable, a Checkpoint or an ICheckpointable.", nameof(value));
    }

    /// <inheritdoc/>
    public override string ToString() => $"<Checkpoint [{string.Join(", ", Names)}] save_counter={SaveCounter}>";
}
