namespace LayerGen.Modules;

/// <summary>
/// A named container of variables and submodules, like <c>tf.Module</c>. Mark a <c>partial</c> class
/// <c>[Module]</c> and the generator overrides <see cref="VisitMembers"/> for it: no reflection, so
/// tracking works trimmed and under NativeAOT.
/// </summary>
public abstract class Module
{
    private string? _name;
    private bool _trainable = true;

    /// <summary>The module's name; defaults to the class name in snake_case.</summary>
    public string Name
    {
        get => _name ??= CreateDefaultName();
        init => _name = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>
    /// The name used when none is given: the class name in snake_case (<c>MyCell</c> gives <c>my_cell</c>). The
    /// generators override it only where that rule does not give the class's name (generic classes).
    /// </summary>
    protected virtual string DefaultName => LayerGen.SourceGeneration.Naming.ToSnakeCase(GetType().Name);

    /// <summary>Gives the module its name after construction (what <c>init</c> does, for helpers that construct and then name it).</summary>
    private protected void SetName(string name) => _name = name ?? throw new ArgumentNullException(nameof(name));

    /// <summary>Turns <see cref="DefaultName"/> into the name this instance gets (layers make it unique: <c>dense_1</c>).</summary>
    private protected virtual string CreateDefaultName() => DefaultName;

    /// <summary>Whether a name was given or assigned already.</summary>
    private protected bool HasName => _name is not null;

    /// <summary>
    /// Whether the module's variables train. False freezes every variable beneath it (they move to
    /// <see cref="NonTrainableVariables"/>) without changing the variables' own flags, as Keras does.
    /// </summary>
    public virtual bool Trainable
    {
        get => _trainable;
        set => _trainable = value;
    }

    /// <summary>
    /// Calls <paramref name="visitor"/> for each tracked direct member. Generated for <c>[Module]</c> and
    /// <c>[Layer]</c> classes; an override calls the base first so base members come first.
    /// </summary>
    /// <remarks>
    /// Reports nothing: the generated override of a class that derives from <see cref="Module"/> itself does not call it
    /// (keep it empty, or make the generator call it again).
    /// </remarks>
    protected internal virtual void VisitMembers(IModuleVisitor visitor) { }

    /// <summary>Every variable beneath this module, depth-first in declaration order, each once.</summary>
    public IReadOnlyList<Variable> Variables => Collect(VariableFilter.All);

    /// <summary>The variables that train: trainable themselves and not under a frozen module.</summary>
    public IReadOnlyList<Variable> TrainableVariables => Collect(VariableFilter.Trainable);

    /// <summary>The variables that do not train.</summary>
    public IReadOnlyList<Variable> NonTrainableVariables => Collect(VariableFilter.NonTrainable);

    /// <summary>Every variable beneath this module with its path (<c>dense1/w</c>), depth-first, each once.</summary>
    public IReadOnlyList<KeyValuePair<string, Variable>> NamedVariables
    {
        get
        {
            var walk = Walk();
            var list = new List<KeyValuePair<string, Variable>>(walk.Variables.Count);
            foreach (var v in walk.Variables) list.Add(new(v.Path, v.Variable));
            return list;
        }
    }

    /// <summary>Every module beneath this one (not itself), depth-first pre-order, each once, safe on cycles.</summary>
    public IReadOnlyList<Module> Submodules
    {
        get
        {
            var walk = Walk();
            var list = new List<Module>(walk.Modules.Count);
            foreach (var m in walk.Modules) list.Add(m.Module);
            return list;
        }
    }

    /// <summary>Every module beneath this one with its path.</summary>
    public IReadOnlyList<KeyValuePair<string, Module>> NamedSubmodules
    {
        get
        {
            var walk = Walk();
            var list = new List<KeyValuePair<string, Module>>(walk.Modules.Count);
            foreach (var m in walk.Modules) list.Add(new(m.Path, m.Module));
            return list;
        }
    }

    private enum VariableFilter { All, Trainable, NonTrainable }

    private List<Variable> Collect(VariableFilter filter)
    {
        var walk = Walk();
        var list = new List<Variable>(walk.Variables.Count);
        foreach (var v in walk.Variables)
        {
            bool trains = v.UnderTrainableModules && v.Variable.Trainable;
            if (filter == VariableFilter.All || (filter == VariableFilter.Trainable) == trains) list.Add(v.Variable);
        }
        return list;
    }

    /// <summary>The result of walking a module tree.</summary>
    internal readonly record struct VariableEntry(string Path, Variable Variable, bool UnderTrainableModules);
    internal readonly record struct ModuleEntry(string Path, Module Module);

    internal sealed class TreeWalk
    {
        public List<VariableEntry> Variables { get; } = [];
        public List<ModuleEntry> Modules { get; } = [];
    }

    /// <summary>Walks the tree beneath this module once (depth-first, declaration order, each object once).</summary>
    internal TreeWalk Walk()
    {
        var walk = new TreeWalk();
        var seenModules = new HashSet<Module>(ReferenceEqualityComparer.Instance) { this };
        var seenVariables = new HashSet<Variable>(ReferenceEqualityComparer.Instance);
        Visit(this, "", Trainable, walk, seenModules, seenVariables);
        return walk;
    }

    /// <summary>Orders a module's direct members for walking; layers put their own weights before sub-layers'.</summary>
    private protected virtual void OrderMembers(List<(string Path, object Member)> members) { }

    private static void Visit(Module module, string prefix, bool trainable, TreeWalk walk, HashSet<Module> seenModules, HashSet<Variable> seenVariables)
    {
        var members = new MemberList();
        module.VisitMembers(members);
        module.OrderMembers(members.Items);
        foreach (var (path, member) in members.Items)
        {
            string full = prefix.Length == 0 ? path : prefix + "/" + path;
            if (member is Variable v)
            {
                if (seenVariables.Add(v)) walk.Variables.Add(new(full, v, trainable));
            }
            else if (member is Module m && seenModules.Add(m))
            {
                walk.Modules.Add(new(full, m));
                Visit(m, full, trainable && m.Trainable, walk, seenModules, seenVariables);
            }
        }
    }

    private sealed class MemberList : IModuleVisitor
    {
        public List<(string Path, object Member)> Items { get; } = [];
        public void Variable(string path, Variable variable) { if (variable is not null) Items.Add((path, variable)); }
        public void Module(string path, Module module) { if (module is not null) Items.Add((path, module)); }
    }

    /// <inheritdoc/>
    public override string ToString() => $"<{GetType().Name} '{Name}'>";
}
