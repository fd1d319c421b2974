namespace LayerGen.Graphs;

/// <summary>
/// Runs a <see cref="Graph"/>: one value slot per node, filled in node order (which is topological). Op
/// nodes go through <see cref="OpRunner.Run"/>, so the graph also runs symbolically and on gradient tapes.
/// </summary>
public static class GraphExecutor
{
    /// <summary>Runs <paramref name="graph"/> on <paramref name="inputs"/> and returns its outputs.</summary>
    public static Tensor[] Run(Graph graph, ReadOnlySpan<Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (inputs.Length != graph.InputIds.Count)
            throw new ArgumentException($"The graph takes {graph.InputIds.Count} input(s), got {inputs.Length}.");
        var values = new Tensor?[graph.Nodes.Count];
        for (int i = 0; i < inputs.Length; i++)
        {
            var node = graph.Nodes[graph.InputIds[i]];
            var x = inputs[i] ?? throw new ArgumentNullException($"input {i}");
            if (!TensorFunction.Matches(node.Spec, x.Spec))
                throw new ArgumentException($"Input {i} ('{node.Name}') must match {node.Spec}, got {x.Spec}.");
            values[node.Id] = x;
        }
        var buffer = new List<Tensor>(4);
        foreach (var node in graph.Nodes)
        {
            switch (node.Kind)
            {
                case GraphNodeKind.Variable: values[node.Id] = node.Variable; break;
                case GraphNodeKind.Constant: values[node.Id] = node.Constant; break;
                case GraphNodeKind.Op:
                    buffer.Clear();
                    foreach (var i in node.Inputs) buffer.Add(values[i]!);
                    values[node.Id] = OpRunner.Run(node.Op!, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(buffer));
                    break;
            }
        }
        var outputs = new Tensor[graph.OutputIds.Count];
        for (int o = 0; o < outputs.Length; o++) outputs[o] = values[graph.OutputIds[o]]!;
        return outputs;
    }
}
