namespace LayerGen;

/// <summary>
/// Maps op names to factories that re-create an op from its <see cref="OpAttributes"/>: what loading a
/// saved graph needs. Each op's factory is the static <c>Create</c> method in the op's own file; the
/// built-in list below is the only other place an op is mentioned. Applications can register their own ops
/// (before loading graphs that use them) with <see cref="Register"/>.
/// </summary>
public static class OpRegistry
{
    private static readonly Dictionary<string, Func<OpAttributes, Op>> Factories = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();

    static OpRegistry()
    {
        // The built-in ops: one line per op name (comparisons and ArgMax/ArgMin share a factory that reads the name).
        Add("Abs", AbsOp.Create);
        Add("Add", AddOp.Create);
        Add("ArgMax", ArgMaxOp.Create);
        Add("ArgMin", ArgMaxOp.Create);
        Add("BroadcastTo", BroadcastToOp.Create);
        Add("BroadcastToLike", BroadcastToLikeOp.Create);
        Add("Cast", CastOp.Create);
        Add("Clip", ClipOp.Create);
        Add("Concat", ConcatOp.Create);
        Add("Div", DivOp.Create);
        Add("Elu", EluOp.Create);
        Add("Equal", CompareOp.Create);
        Add("Erf", ErfOp.Create);
        Add("Exp", ExpOp.Create);
        Add("ExpandDims", ExpandDimsOp.Create);
        Add("Gather", GatherOp.Create);
        Add("GatherGrad", GatherGradOp.Create);
        Add("Gelu", GeluOp.Create);
        Add("Greater", CompareOp.Create);
        Add("GreaterEqual", CompareOp.Create);
        Add("LeakyRelu", LeakyReluOp.Create);
        Add("Less", CompareOp.Create);
        Add("LessEqual", CompareOp.Create);
        Add("Log", LogOp.Create);
        Add("LogSoftmax", LogSoftmaxOp.Create);
        Add("MatMul", MatMulOp.Create);
        Add("Max", MaxOp.Create);
        Add("Maximum", MaximumOp.Create);
        Add("Mean", MeanOp.Create);
        Add("Min", MinOp.Create);
        Add("Minimum", MinimumOp.Create);
        Add("Mul", MulOp.Create);
        Add("Neg", NegOp.Create);
        Add("NotEqual", CompareOp.Create);
        Add("OneHot", OneHotOp.Create);
        Add("Pad", PadOp.Create);
        Add("PadGrad", PadGradOp.Create);
        Add("Pow", PowOp.Create);
        Add("Prod", ProdOp.Create);
        Add("ProdExceptSelf", ProdExceptSelfOp.Create);
        Add("ReduceToLike", ReduceToLikeOp.Create);
        Add("ReducedCount", ReducedCountOp.Create);
        Add("Relu", ReluOp.Create);
        Add("Reshape", ReshapeOp.Create);
        Add("ReshapeLike", ReshapeLikeOp.Create);
        Add("Sigmoid", SigmoidOp.Create);
        Add("Sign", SignOp.Create);
        Add("Slice", SliceOp.Create);
        Add("SliceGrad", SliceGradOp.Create);
        Add("Softmax", SoftmaxOp.Create);
        Add("Softplus", SoftplusOp.Create);
        Add("Sqrt", SqrtOp.Create);
        Add("Square", SquareOp.Create);
        Add("Squeeze", SqueezeOp.Create);
        Add("StopGradient", StopGradientOp.Create);
        Add("Sub", SubOp.Create);
        Add("Sum", SumOp.Create);
        Add("Tanh", TanhOp.Create);
        Add("Tile", TileOp.Create);
        Add("TileGrad", TileGradOp.Create);
        Add("Transpose", TransposeOp.Create);
        Add("Where", WhereOp.Create);
    }

    private static void Add(string name, Func<OpAttributes, Op> factory) => Factories.Add(name, factory);

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
