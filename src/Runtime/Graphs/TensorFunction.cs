namespace LayerGen.Graphs;

/// <summary>
/// A traced function, like <c>tf.function</c>: wraps a C# function on tensors (typically a module's
/// <c>Call</c>). The first call with a new input signature (shapes and dtypes) traces the function into a
/// <see cref="Graph"/> by calling it on placeholders; later calls with that signature run the graph.
/// Each signature gets its own <see cref="ConcreteFunction"/>.
/// <para>
/// Control flow is fixed at trace time: <c>if</c>s on shapes or on C# values take the branch they take during
/// the trace, and that branch is what the graph holds. Variables are captured by reference (assignments
/// made later are seen by the graph); other concrete tensors are captured by value.
/// </para>
/// </summary>
public sealed class TensorFunction
{
    private readonly Func<Tensor[], Tensor[]> _function;
    private readonly TensorSpec[]? _inputSignature;
    private readonly List<ConcreteFunction> _concrete = [];
    private readonly Lock _gate = new();

    private TensorFunction(Func<Tensor[], Tensor[]> function, int inputCount, string name, TensorSpec[]? inputSignature)
    {
        _function = function;
        InputCount = inputCount;
        Name = name;
        if (inputSignature is not null && inputSignature.Length != inputCount)
            throw new ArgumentException($"{name}: the input signature has {inputSignature.Length} spec(s) but the function takes {inputCount} input(s).");
        _inputSignature = inputSignature;
    }

    /// <summary>
    /// Wraps a one-input function. With <paramref name="inputSignature"/> (unknown dimensions as
    /// <see cref="Shape.Unknown"/>), every compatible input shares one trace; without it, each new shape traces.
    /// </summary>
    public static TensorFunction Trace(Func<Tensor, Tensor> function, string name = "call", TensorSpec[]? inputSignature = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new(x => [function(x[0])], 1, name, inputSignature);
    }

    /// <summary>Wraps a two-input function.</summary>
    public static TensorFunction Trace(Func<Tensor, Tensor, Tensor> function, string name = "call", TensorSpec[]? inputSignature = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new(x => [function(x[0], x[1])], 2, name, inputSignature);
    }

    /// <summary>Wraps a function of any number of inputs and outputs.</summary>
    public static TensorFunction Trace(Func<Tensor[], Tensor[]> function, int inputCount, string name = "call", TensorSpec[]? inputSignature = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new(function, inputCount, name, inputSignature);
    }

    /// <summary>The name the function is saved under.</summary>
    public string Name { get; }

    /// <summary>How many tensors the function takes.</summary>
    public int InputCount { get; }

    /// <summary>The concrete functions traced so far, one per signature, in trace order.</summary>
    public IReadOnlyList<ConcreteFunction> ConcreteFunctions { get { lock (_gate) return [.. _concrete]; } }

    /// <summary>How many times the function was traced.</summary>
    public int TraceCount { get { lock (_gate) return _concrete.Count; } }

    /// <summary>Calls the function on one input (tracing first if the signature is new).</summary>
    public Tensor Invoke(Tensor x) => CallAll(x)[0];

    /// <summary>Calls the function on two inputs (tracing first if the signature is new).</summary>
    public Tensor Invoke(Tensor x, Tensor y) => CallAll(x, y)[0];

    /// <summary>Calls the function and returns every output.</summary>
    public Tensor[] CallAll(params Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var specs = new TensorSpec[inputs.Length];
        for (int i = 0; i < inputs.Length; i++) specs[i] = (inputs[i] ?? throw new ArgumentNullException($"input {i}")).Spec;
        return GetConcreteFunction(specs).CallAll(inputs);
    }

    /// <summary>
    /// The concrete function for inputs of <paramref name="specs"/>: an existing one that accepts them (an
    /// exact match first), or a new trace. Specs may have unknown dimensions, to trace a general graph.
    /// </summary>
    public ConcreteFunction GetConcreteFunction(params TensorSpec[] specs)
    {
        if (specs.Length != InputCount)
            throw new ArgumentException($"{Name}: takes {InputCount} input(s), got {specs.Length}.");
        lock (_gate)
        {
            foreach (var c in _concrete)
                if (c.InputSignature.SequenceEqual(specs)) return c;
            foreach (var c in _concrete)
                if (c.Accepts(specs)) return c;
            var traceSpecs = specs;
            if (_inputSignature is not null)
            {
                for (int i = 0; i < specs.Length; i++)
                    if (!Matches(_inputSignature[i], specs[i]))
                        throw new ArgumentException($"{Name}: input {i} {specs[i]} does not match the input signature {_inputSignature[i]}.");
                traceSpecs = _inputSignature;
            }
            var graph = Graph.Trace(_function, traceSpecs);
            var concrete = new ConcreteFunction(Name, graph);
            _concrete.Add(concrete);
            return concrete;
        }
    }

    /// <summary>
    /// An <see cref="ExecutionPlan"/> for inputs of exactly <paramref name="inputSpecs"/> (fully defined shapes):
    /// the concrete function for them (traced if new), with its buffers planned for these shapes.
    /// </summary>
    public ExecutionPlan Plan(params TensorSpec[] inputSpecs) => GetConcreteFunction(inputSpecs).Plan(inputSpecs);

    /// <summary>Whether a value of <paramref name="actual"/> fits <paramref name="expected"/> (same dtype and rank, known dims equal).</summary>
    public static bool Matches(TensorSpec expected, TensorSpec actual)
    {
        if (expected.DType != actual.DType || expected.Shape.Rank != actual.Shape.Rank) return false;
        for (int i = 0; i < expected.Shape.Rank; i++)
            if (expected.Shape[i] != Shape.Unknown && expected.Shape[i] != actual.Shape[i]) return false;
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => $"<TensorFunction '{Name}' traces={TraceCount}>";
}
