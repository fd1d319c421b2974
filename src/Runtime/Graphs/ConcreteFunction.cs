namespace LayerGen.Graphs;

/// <summary>
/// One traced signature of a <see cref="TensorFunction"/> (or one loaded from a <see cref="SavedModel"/>):
/// the input specs and the <see cref="Graph"/> that computes the outputs. Calling it runs the graph; the C#
/// code that was traced is no longer needed.
/// </summary>
public sealed class ConcreteFunction
{
    /// <summary>Creates a concrete function over <paramref name="graph"/>.</summary>
    public ConcreteFunction(string name, Graph graph)
    {
        Name = name;
        Graph = graph ?? throw new ArgumentNullException(nameof(graph));
        InputSignature = graph.InputSpecs;
    }

    /// <summary>The function's name (<c>call</c>).</summary>
    public string Name { get; }
    /// <summary>The input specs this function accepts (unknown dimensions accept any size).</summary>
    public IReadOnlyList<TensorSpec> InputSignature { get; }
    /// <summary>The graph.</summary>
    public Graph Graph { get; }

    /// <summary>Whether inputs of these specs fit <see cref="InputSignature"/>.</summary>
    public bool Accepts(ReadOnlySpan<TensorSpec> specs)
    {
        if (specs.Length != InputSignature.Count) return false;
        for (int i = 0; i < specs.Length; i++)
            if (!TensorFunction.Matches(InputSignature[i], specs[i])) return false;
        return true;
    }

    /// <summary>Runs the graph; returns every output.</summary>
    public Tensor[] CallAll(params ReadOnlySpan<Tensor> inputs) => Graph.Run(inputs);

    /// <summary>Runs the graph on one input; returns the first output.</summary>
    public Tensor Invoke(Tensor x) => Graph.Run(x)[0];

    /// <summary>Runs the graph on two inputs; returns the first output.</summary>
    public Tensor Invoke(Tensor x, Tensor y) => Graph.Run(x, y)[0];

    /// <summary>
    /// An <see cref="ExecutionPlan"/> of the graph for inputs of exactly <paramref name="inputSpecs"/> (no
    /// specs: the signature itself, which must then have no unknown dimensions): planned buffers, no allocation per run.
    /// </summary>
    public ExecutionPlan Plan(params TensorSpec[] inputSpecs)
        => ExecutionPlan.Create(Graph, inputSpecs is null || inputSpecs.Length == 0 ? [.. InputSignature] : inputSpecs);

    /// <summary>The signature as text, e.g. <c>call(x: (None, 3) float32)</c>.</summary>
    public string SignatureText
        => $"{Name}({string.Join(", ", Graph.Inputs.Select(n => $"{n.Name}: {n.Spec.Shape} {n.Spec.DType.Name()}"))})";

    /// <inheritdoc/>
    public override string ToString() => $"<ConcreteFunction {SignatureText}>";
}
