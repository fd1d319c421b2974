namespace LayerGen.Formats;

/// <summary>
/// A module loaded by <see cref="SavedModel.Load(string)"/>: not an instance of the class that was saved, but a
/// generic module holding the saved variables (with their paths and trainable flags) and the saved concrete
/// functions. <see cref="Call(Tensor)"/> dispatches by input signature; a signature that was never saved
/// throws <see cref="SignatureNotFoundException"/> listing the saved ones.
/// </summary>
public sealed class LoadedModule : Module
{
    private readonly List<KeyValuePair<string, Variable>> _variables;
    private readonly List<KeyValuePair<string, IReadOnlyList<ConcreteFunction>>> _functions;

    internal LoadedModule(string name, string savedClassName, List<KeyValuePair<string, Variable>> variables,
        List<KeyValuePair<string, IReadOnlyList<ConcreteFunction>>> functions, List<SavedObjectInfo> submodules)
    {
        SavedSubmodules = submodules;
        Name = name;
        SavedClassName = savedClassName;
        _variables = variables;
        _functions = functions;
    }

    /// <summary>The name of the class that was saved (informational: it is not needed to load).</summary>
    public string SavedClassName { get; }

    /// <summary>The object structure that was saved: every submodule's path, name and class (informational).</summary>
    public IReadOnlyList<SavedObjectInfo> SavedSubmodules { get; }

    /// <summary>The names of the saved functions, in save order.</summary>
    public IReadOnlyList<string> FunctionNames => [.. _functions.Select(f => f.Key)];

    /// <summary>The concrete functions saved for <paramref name="function"/>.</summary>
    public IReadOnlyList<ConcreteFunction> GetConcreteFunctions(string function)
    {
        foreach (var (k, v) in _functions) if (k == function) return v;
        throw new KeyNotFoundException($"No function '{function}' was saved. Saved: {string.Join(", ", FunctionNames)}.");
    }

    /// <summary>Calls the function named <c>call</c> (or the only saved function) on one input.</summary>
    public Tensor Call(Tensor x) => CallFunction(DefaultFunction, x)[0];

    /// <summary>Calls the function named <c>call</c> (or the only saved function) on two inputs.</summary>
    public Tensor Call(Tensor x, Tensor y) => CallFunction(DefaultFunction, x, y)[0];

    /// <summary>Calls the saved function <paramref name="function"/>: runs the concrete function whose signature accepts the inputs.</summary>
    public Tensor[] CallFunction(string function, params Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var specs = new TensorSpec[inputs.Length];
        for (int i = 0; i < inputs.Length; i++) specs[i] = (inputs[i] ?? throw new ArgumentNullException($"input {i}")).Spec;
        return Find(function, specs).CallAll(inputs);
    }

    /// <summary>
    /// An <see cref="ExecutionPlan"/> of the default function (<c>call</c>) for inputs of exactly
    /// <paramref name="inputSpecs"/>: for serving, where the same shapes run many times without allocating.
    /// Throws <see cref="SignatureNotFoundException"/> when no saved signature accepts them.
    /// </summary>
    public ExecutionPlan Plan(params TensorSpec[] inputSpecs) => PlanFunction(DefaultFunction, inputSpecs);

    /// <summary>An <see cref="ExecutionPlan"/> of the saved function <paramref name="function"/> for inputs of exactly <paramref name="inputSpecs"/>.</summary>
    public ExecutionPlan PlanFunction(string function, params TensorSpec[] inputSpecs)
    {
        ArgumentNullException.ThrowIfNull(inputSpecs);
        return Find(function, inputSpecs).Plan(inputSpecs);
    }

    /// <summary>The saved concrete function of <paramref name="function"/> for <paramref name="specs"/>: an exact signature first, then one that accepts them.</summary>
    private ConcreteFunction Find(string function, TensorSpec[] specs)
    {
        var concrete = GetConcreteFunctions(function);
        foreach (var c in concrete) if (c.InputSignature.SequenceEqual(specs)) return c;
        foreach (var c in concrete) if (c.Accepts(specs)) return c;
        throw new SignatureNotFoundException(function, specs, [.. concrete.Select(c => c.SignatureText)]);
    }

    private string DefaultFunction
    {
        get
        {
            foreach (var (k, _) in _functions) if (k == "call") return k;
            if (_functions.Count == 1) return _functions[0].Key;
            throw new InvalidOperationException($"No function named 'call' was saved; use CallFunction with one of: {string.Join(", ", FunctionNames)}.");
        }
    }

    /// <inheritdoc/>
    protected override string DefaultName => "loaded_module";

    /// <inheritdoc/>
    protected internal override void VisitMembers(IModuleVisitor visitor)
    {
        foreach (var (path, v) in _variables) visitor.Variable(path, v);
    }

    /// <inheritdoc/>
    public override string ToString() => $"<LoadedModule '{Name}' (saved from {SavedClassName}) functions=[{string.Join(", ", FunctionNames)}]>";
}

/// <summary>A submodule of the saved module, as recorded in the manifest.</summary>
/// <param name="Path">Its path in the module (<c>dense1</c>, <c>blocks/0</c>).</param>
/// <param name="Name">Its <see cref="Module.Name"/>.</param>
/// <param name="ClassName">The name of its class.</param>
public sealed record SavedObjectInfo(string Path, string Name, string ClassName);
