namespace LayerGen.Checkpoints;

/// <summary>
/// What a checkpoint root holds, flattened: every variable with its key (each variable once, first path wins),
/// the object graph, and every module with its path (for deferred restores).
/// </summary>
internal sealed class CheckpointTargets
{
    public List<(string Key, Variable Variable)> Variables { get; } = [];
    public List<CheckpointObject> Objects { get; } = [];
    public List<(string Path, Module Module)> Modules { get; } = [];
    private readonly HashSet<Variable> _seen = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<object> _seenObjects = new(ReferenceEqualityComparer.Instance);

    /// <summary>Collects the targets of <paramref name="root"/>, its save counter included.</summary>
    public static CheckpointTargets Collect(Checkpoint root)
    {
        var t = new CheckpointTargets();
        t.Objects.Add(new CheckpointObject("", "checkpoint", "Checkpoint"));
        t._seenObjects.Add(root);
        t.AddVariable(CheckpointKeys.SaveCounterName, root.SaveCounterVariable);
        t.AddChildren(root, "");
        return t;
    }

    /// <summary>Collects the variables beneath one module, keyed by prefix/path (for deferred restores).</summary>
    public static CheckpointTargets CollectModule(Module module, string prefix)
    {
        var t = new CheckpointTargets();
        t.AddModule(module, prefix, includeSelf: false);
        return t;
    }

    private void AddChildren(Checkpoint checkpoint, string prefix)
    {
        foreach (var (name, child) in checkpoint)
            AddChild(child, CheckpointKeys.Join(prefix, name));
    }

    private void AddChild(object child, string path)
    {
        switch (child)
        {
            case Variable v:
                AddVariable(path, v);
                break;
            case Module m:
                AddModule(m, path, includeSelf: true);
                break;
            case Checkpoint c:
                if (!_seenObjects.Add(c)) return;
                Objects.Add(new CheckpointObject(path, "checkpoint", "Checkpoint"));
                AddChildren(c, path);
                break;
            case ICheckpointable o:
                if (!_seenObjects.Add(o)) return;
                Objects.Add(new CheckpointObject(path, "object", o.GetType().Name));
                foreach (var (p, v) in o.GetCheckpointVariables())
                    AddVariable(CheckpointKeys.Join(path, p), v);
                break;
        }
    }

    private void AddModule(Module m, string path, bool includeSelf)
    {
        if (includeSelf)
        {
            if (!_seenObjects.Add(m)) return;
            Objects.Add(new CheckpointObject(path, "module", m.GetType().Name));
            Modules.Add((path, m));
        }
        var walk = m.Walk();
        foreach (var sub in walk.Modules)
        {
            if (!_seenObjects.Add(sub.Module)) continue;
            string p = CheckpointKeys.Join(path, sub.Path);
            Objects.Add(new CheckpointObject(p, "module", sub.Module.GetType().Name));
            Modules.Add((p, sub.Module));
        }
        foreach (var v in walk.Variables)
            AddVariable(CheckpointKeys.Join(path, v.Path), v.Variable);
    }

    private void AddVariable(string path, Variable v)
    {
        if (v is null || !_seen.Add(v)) return;
        string key = CheckpointKeys.ForVariable(path);
        Objects.Add(new CheckpointObject(path, "variable", null, key));
        Variables.Add((key, v));
    }
}
