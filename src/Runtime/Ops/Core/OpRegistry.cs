namespace LayerGen.Operations;

/// <summary>
/// Maps op names to factories that re-create an op from its <see cref="OpAttributes"/>: what loading a
/// saved graph needs. Nobody edits a list here: each op class marked <see cref="OpAttribute"/> gets a generated
/// static <c>Create</c> factory and a generated module initializer that registers it when the assembly loads
/// (the runtime's ops and an application's alike). Ops written without the generator register themselves
/// (before loading graphs that use them) with <see cref="Register"/>.
/// </summary>
public static class OpRegistry
{
    private static readonly Dictionary<string, Func<OpAttributes, Op>> Factories = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();

    /// <summary>Registers (or replaces) the factory for ops named <paramref name="name"/>.</summary>
    public static void Register(string name, Func<OpAttributes, Op> factory)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(factory);
        lock (Gate) Factories[name] = factory;
    }

    /// <summary>Every registered op name, sorted.</summary>
    public static IReadOnlyList<string> Names
    {
        get { lock (Gate) return [.. Factories.Keys.Order(StringComparer.Ordinal)]; }
    }

    /// <summary>Whether an op of this name can be re-created.</summary>
    public static bool IsRegistered(string name) { lock (Gate) return Factories.ContainsKey(name); }

    /// <summary>
    /// Re-creates the op named <paramref name="name"/> from <paramref name="attributes"/>. Throws
    /// <see cref="UnknownOpException"/> for a name nobody registered, and <see cref="OpAttributeException"/>
    /// when an attribute is missing or of the wrong type.
    /// </summary>
    public static Op Create(string name, OpAttributes attributes)
    {
        Func<OpAttributes, Op>? factory;
        lock (Gate) Factories.TryGetValue(name, out factory);
        if (factory is null) throw new UnknownOpException(name);
        var op = factory(attributes);
        if (op.Name != name)
            throw new OpAttributeException(name, "(name)", $"re-created an op named '{op.Name}'; the registry entry is wrong.");
        return op;
    }

    /// <summary>Writes <paramref name="op"/>'s attributes and re-creates it: a copy, as a graph file would give.</summary>
    public static Op RoundTrip(Op op)
    {
        var a = new OpAttributes(op.Name);
        op.WriteAttributes(a);
        return Create(op.Name, a);
    }
}

/// <summary>A graph names an op that is not in <see cref="OpRegistry"/> (written by a newer LayerGen, or a custom op not registered).</summary>
public sealed class UnknownOpException : LayerGenException
{
    /// <summary>Creates the exception.</summary>
    public UnknownOpException(string opName)
        : base($"Unknown op '{opName}': no factory is registered under this name. Register custom ops with OpRegistry.Register before loading.")
        => OpName = opName;

    /// <summary>The op name that was not found.</summary>
    public string OpName { get; }
}
