namespace LayerGen.Graphs;

/// <summary>What a <see cref="GraphNode"/> is.</summary>
public enum GraphNodeKind
{
    /// <summary>A function input (a placeholder at trace time).</summary>
    Input,
    /// <summary>A captured variable, held by reference: the graph reads its current value on every run.</summary>
    Variable,
    /// <summary>A captured concrete tensor, held by value.</summary>
    Constant,
    /// <summary>An op applied to earlier nodes.</summary>
    Op,
}

/// <summary>One node of a <see cref="Graph"/>: an input, a captured variable or constant, or an op application.</summary>
public sealed class GraphNode
{
    internal GraphNode(int id, GraphNodeKind kind, string name, TensorSpec spec, Op? op, int[] inputs, Variable? variable, Tensor? constant, int inputIndex)
    {
        Id = id; Kind = kind; Name = name; Spec = spec; Op = op; Inputs = inputs; Variable = variable; Constant = constant; InputIndex = inputIndex;
    }

    /// <summary>The node's index in <see cref="Graph.Nodes"/>; inputs of a node always have smaller ids.</summary>
    public int Id { get; }
    /// <summary>What the node is.</summary>
    public GraphNodeKind Kind { get; }
    /// <summary>A name unique in the graph (<c>x</c>, <c>MatMul_1</c>, the variable's name, <c>Const</c>).</summary>
    public string Name { get; }
    /// <summary>The shape (unknown dimensions allowed) and dtype of the node's value.</summary>
    public TensorSpec Spec { get; }
    /// <summary>The op, for <see cref="GraphNodeKind.Op"/> nodes.</summary>
    public Op? Op { get; }
    /// <summary>The ids of the op's inputs, in order (empty for other kinds).</summary>
    public IReadOnlyList<int> Inputs { get; }
    /// <summary>The captured variable, for <see cref="GraphNodeKind.Variable"/> nodes.</summary>
    public Variable? Variable { get; }
    /// <summary>The captured value, for <see cref="GraphNodeKind.Constant"/> nodes.</summary>
    public Tensor? Constant { get; }
    /// <summary>The position among the function's inputs, for <see cref="GraphNodeKind.Input"/> nodes (else -1).</summary>
    public int InputIndex { get; }

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        GraphNodeKind.Op => $"{Name} = {Op}({string.Join(", ", Inputs)}) : {Spec.Shape} {Spec.DType.Name()}",
        _ => $"{Name} = {Kind.ToString().ToLowerInvariant()} : {Spec.Shape} {Spec.DType.Name()}",
    };
}

/// <summary>
/// A computation as data: nodes in topological order (inputs first, then captured variables and constants,
/// then ops, each after its inputs) and the ids of the outputs. Made by tracing a function
/// (<see cref="Trace"/>, <see cref="TensorFunction"/>), run by <see cref="Run"/>, saved by
/// <see cref="SavedModel"/> and drawn by <see cref="ToDot"/>.
/// </summary>
public sealed class Graph
{
    internal Graph(List<GraphNode> nodes, int[] inputs, int[] outputs)
    {
        Nodes = nodes; InputIds = inputs; OutputIds = outputs;
    }

    /// <summary>Every node, in topological order.</summary>
    public IReadOnlyList<GraphNode> Nodes { get; }
    /// <summary>The ids of the input nodes, in argument order.</summary>
    public IReadOnlyList<int> InputIds { get; }
    /// <summary>The ids of the output nodes.</summary>
    public IReadOnlyList<int> OutputIds { get; }

    /// <summary>The input nodes, in argument order.</summary>
    public IEnumerable<GraphNode> Inputs => InputIds.Select(i => Nodes[i]);
    /// <summary>The output nodes.</summary>
    public IEnumerable<GraphNode> Outputs => OutputIds.Select(i => Nodes[i]);
    /// <summary>The input signature: the spec of each input.</summary>
    public IReadOnlyList<TensorSpec> InputSpecs => [.. InputIds.Select(i => Nodes[i].Spec)];
    /// <summary>The spec of each output.</summary>
    public IReadOnlyList<TensorSpec> OutputSpecs => [.. OutputIds.Select(i => Nodes[i].Spec)];
    /// <summary>The captured variables, each once.</summary>
    public IReadOnlyList<Variable> CapturedVariables => [.. Nodes.Where(n => n.Kind == GraphNodeKind.Variable).Select(n => n.Variable!)];
    /// <summary>The op nodes.</summary>
    public IEnumerable<GraphNode> OpNodes => Nodes.Where(n => n.Kind == GraphNodeKind.Op);

    /// <summary>
    /// Traces <paramref name="function"/>: calls it once on placeholders of <paramref name="inputSpecs"/> and
    /// records what it computes. Python-like control flow (branches on shapes or on C# values) is decided
    /// now, at trace time, and fixed in the graph. The trace runs in a <see cref="TraceScope"/>: ops reading
    /// variables are recorded (the graph reads them when it runs), and ops with side effects (variable
    /// assignments, random draws) stay in the graph even when no output depends on them.
    /// </summary>
    public static Graph Trace(Func<Tensor[], Tensor[]> function, IReadOnlyList<TensorSpec> inputSpecs, IReadOnlyList<string>? inputNames = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        var placeholders = new Tensor[inputSpecs.Count];
        for (int i = 0; i < placeholders.Length; i++)
        {
            string name = inputNames is not null && i < inputNames.Count ? inputNames[i] : placeholders.Length == 1 ? "x" : $"x{i}";
            placeholders[i] = Tensor.Placeholder(inputSpecs[i].Shape, inputSpecs[i].DType, name);
        }
        Tensor[] outputs;
        IReadOnlyList<Tensor> sideEffects;
        using (var scope = TraceScope.Begin())
        {
            outputs = function(placeholders);
            sideEffects = scope.SideEffects;
        }
        return GraphBuilder.Build(placeholders, outputs, sideEffects);
    }

    /// <summary>
    /// Runs the graph on concrete (or symbolic) inputs. Each op node goes through <see cref="OpRunner"/>, so
    /// a <see cref="GradientTape"/> watching the inputs or captured variables records the run as usual.
    /// </summary>
    public Tensor[] Run(params ReadOnlySpan<Tensor> inputs) => GraphExecutor.Run(this, inputs);

    /// <summary>The graph as Graphviz DOT text (see <see cref="GraphDot"/>).</summary>
    public string ToDot(string name = "graph") => GraphDot.Write(this, name);

    /// <summary>
    /// Writes the graph to a TensorBoard log directory (a new event file with the graph; see
    /// <see cref="GraphTensorBoard"/>) and returns the file's path.
    /// </summary>
    public string WriteToTensorBoard(string logDir, long step = 0) => GraphTensorBoard.Write(this, logDir, step);

    /// <summary>The graph as an ONNX model (see <see cref="OnnxExport"/>), written to <paramref name="path"/>.</summary>
    public void SaveOnnx(string path, string name = "graph") => OnnxExport.Save(this, path, name);

    /// <summary>The graph as an ONNX model, written into <paramref name="stream"/> (from its position; left open).</summary>
    public void SaveOnnx(Stream stream, string name = "graph") => OnnxExport.Save(this, stream, name);

    /// <inheritdoc/>
    public override string ToString() => string.Join(Environment.NewLine, Nodes) + Environment.NewLine + "outputs: " + string.Join(", ", OutputIds);
}
