namespace LayerGen.Models;

/// <summary>
/// The graph of a functional model: the layer calls (<see cref="KerasNode"/>s) between its inputs and
/// outputs, in an order that runs inputs first, with Keras's depths and operation order. Raw ops
/// applied between layers (<c>Ops.Relu(x)</c> on a symbolic tensor) are part of the graph through the
/// tensors' <see cref="Tensor.Node"/> and are replayed with the same op.
/// </summary>
internal sealed class FunctionalGraph
{
    public FunctionalGraph(Tensor[] inputs, Tensor[] outputs)
    {
        Inputs = inputs;
        Outputs = outputs;
        var inputSet = new HashSet<Tensor>(inputs, ReferenceEqualityComparer.Instance);
        foreach (var (t, i) in inputs.Select((t, i) => (t, i)))
        {
            if (t is null) throw new ArgumentNullException(nameof(inputs), $"Input {i} is null.");
            if (!t.IsSymbolic || KerasHistory.Of(t) is not { } h || !h.Node.IsInput)
                throw new ArgumentException($"All `inputs` values must be symbolic tensors from Keras.Input. Received: input {i} with shape {t.Shape}{(t.IsSymbolic ? " produced by a layer or op" : ", a concrete tensor")}.", nameof(inputs));
        }
        foreach (var (t, i) in outputs.Select((t, i) => (t, i)))
        {
            if (t is null) throw new ArgumentNullException(nameof(outputs), $"Output {i} is null.");
            if (!t.IsSymbolic)
                throw new ArgumentException($"All `outputs` values must be symbolic tensors. Received: output {i}, a concrete tensor of shape {t.Shape}.", nameof(outputs));
        }

        // Keras's _build_map: post-order over nodes from the outputs; operations numbered in discovery order.
        var finished = new HashSet<KerasNode>(ReferenceEqualityComparer.Instance);
        var inProgress = new HashSet<KerasNode>(ReferenceEqualityComparer.Instance);
        var operationIndices = new Dictionary<Layer, int>(ReferenceEqualityComparer.Instance);
        var visitedOps = new HashSet<OpNode>(ReferenceEqualityComparer.Instance);
        foreach (var o in outputs) Visit(o, inputSet, finished, inProgress, operationIndices, visitedOps);

        var nodeDepths = new Dictionary<KerasNode, int>(ReferenceEqualityComparer.Instance);
        var operationDepths = new Dictionary<Layer, int>(ReferenceEqualityComparer.Instance);
        for (int k = Nodes.Count - 1; k >= 0; k--)
        {
            var node = Nodes[k];
            int depth = nodeDepths.TryGetValue(node, out var d) ? d : 0;
            depth = Math.Max(depth, operationDepths.GetValueOrDefault(node.Layer, 0));
            operationDepths[node.Layer] = depth;
            nodeDepths[node] = depth;
            foreach (var parent in ParentNodes(node))
                nodeDepths[parent] = Math.Max(depth + 1, nodeDepths.GetValueOrDefault(parent, 0));
        }
        foreach (var input in inputs)
        {
            var h = KerasHistory.Of(input)!;
            if (!operationDepths.ContainsKey(h.Layer))
            {
                operationDepths[h.Layer] = 0;
                operationIndices[h.Layer] = -1;
                nodeDepths[h.Node] = 0;
                Nodes.Insert(0, h.Node);
            }
        }
        NodeDepths = nodeDepths;
        foreach (var group in operationDepths.GroupBy(kv => kv.Value).OrderByDescending(g => g.Key))
            Operations.AddRange(group.Select(kv => kv.Key).OrderBy(l => operationIndices[l]));
        NodeSet = new HashSet<KerasNode>(Nodes, ReferenceEqualityComparer.Instance);

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var layer in Operations)
            if (!names.Add(layer.Name))
                throw new ArgumentException($"The name \"{layer.Name}\" is used 2 times in the model. All operation names should be unique.");
    }

    public Tensor[] Inputs { get; }
    public Tensor[] Outputs { get; }

    /// <summary>The nodes in an order that runs producers before consumers (input nodes included).</summary>
    public List<KerasNode> Nodes { get; } = [];
    public HashSet<KerasNode> NodeSet { get; }
    public Dictionary<KerasNode, int> NodeDepths { get; }

    /// <summary>The layers, deepest (closest to the inputs) first, as Keras orders <c>model.operations</c>.</summary>
    public List<Layer> Operations { get; } = [];

    /// <summary>
    /// The names of the raw ops applied between layers (<c>Ops.Relu(x)</c> on a symbolic tensor), in the order they
    /// are found from the outputs, each once: the graph runs them, but no config can describe them.
    /// </summary>
    public List<string> RawOps { get; } = [];

    private void Visit(Tensor tensor, HashSet<Tensor> inputs, HashSet<KerasNode> finished, HashSet<KerasNode> inProgress,
        Dictionary<Layer, int> operationIndices, HashSet<OpNode> visitedOps)
    {
        if (KerasHistory.Of(tensor) is { } h)
        {
            var node = h.Node;
            if (finished.Contains(node)) return;
            if (inProgress.Contains(node))
                throw new InvalidOperationException($"Tensor {tensor.Spec} from layer '{h.Layer.Name}' is part of a cycle.");
            operationIndices.TryAdd(h.Layer, operationIndices.Count);
            inProgress.Add(node);
            if (!node.IsInput && !inputs.Contains(tensor))
                foreach (var t in node.InputTensors) Visit(t, inputs, finished, inProgress, operationIndices, visitedOps);
            finished.Add(node);
            inProgress.Remove(node);
            Nodes.Add(node);
        }
        else if (tensor.Node is { } op)
        {
            if (!visitedOps.Add(op)) return;
            if (!RawOps.Contains(op.Op.Name)) RawOps.Add(op.Op.Name);
            foreach (var t in op.Inputs) Visit(t, inputs, finished, inProgress, operationIndices, visitedOps);
        }
        else if (tensor.IsSymbolic && !inputs.Contains(tensor))
        {
            throw new InvalidOperationException(
                $"Graph disconnected: cannot find the layer call that produced a symbolic tensor of shape {tensor.Shape}. Use tensors from Keras.Input and from layers called on them.");
        }
    }

    /// <summary>The nodes that produce a node's inputs (looking through raw ops).</summary>
    public static IEnumerable<KerasNode> ParentNodes(KerasNode node)
    {
        var seen = new HashSet<KerasNode>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Tensor>(node.InputTensors);
        var seenOps = new HashSet<OpNode>(ReferenceEqualityComparer.Instance);
        while (stack.Count > 0)
        {
            var t = stack.Pop();
            if (KerasHistory.Of(t) is { } h) { if (seen.Add(h.Node)) yield return h.Node; }
            else if (t.Node is { } op && seenOps.Add(op)) foreach (var i in op.Inputs) stack.Push(i);
        }
    }

    /// <summary>Runs the graph on <paramref name="values"/> (real or symbolic) by replaying each layer call.</summary>
    public Tensor[] Run(IReadOnlyList<Tensor> values)
    {
        if (values.Count != Inputs.Length)
            throw new ArgumentException($"The model expects {Inputs.Length} input(s), but it received {values.Count} input tensors.");
        var map = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < Inputs.Length; i++) map[Inputs[i]] = values[i];
        foreach (var node in Nodes)
        {
            if (node.IsInput) continue;
            bool done = true;
            foreach (var o in node.Outputs) if (!map.ContainsKey(o)) { done = false; break; }
            if (done) continue;
            var arguments = node.Arguments.Map(t => Resolve(t, map));
            var outputs = node.Layer.InvokeRecorded(arguments);
            for (int j = 0; j < node.Outputs.Count && j < outputs.Length; j++) map[node.Outputs[j]] = outputs[j];
        }
        var result = new Tensor[Outputs.Length];
        for (int i = 0; i < result.Length; i++) result[i] = Resolve(Outputs[i], map);
        return result;
    }

    private static Tensor Resolve(Tensor t, Dictionary<Tensor, Tensor> map)
    {
        if (map.TryGetValue(t, out var v)) return v;
        if (!t.IsSymbolic) return t;
        if (t.Node is { } op)
        {
            var inputs = new Tensor[op.Inputs.Count];
            for (int i = 0; i < inputs.Length; i++) inputs[i] = Resolve(op.Inputs[i], map);
            var value = OpRunner.Run(op.Op, inputs);
            map[t] = value;
            return value;
        }
        throw new InvalidOperationException($"Graph disconnected: no value for a symbolic tensor of shape {t.Shape}.");
    }

    /// <summary>Whether the graph is a plain chain (Keras's <c>sequential_like</c> test in <c>summary</c>).</summary>
    public bool IsSequentialLike()
    {
        foreach (var group in NodeDepths.GroupBy(kv => kv.Value))
        {
            var nodes = group.Select(kv => kv.Key).ToList();
            if (nodes.Count > 1) return false;
            if (nodes.Count == 1 && nodes[0].InputTensors.Count() > 1) return false;
        }
        foreach (var layer in Operations)
        {
            int count = 0;
            foreach (var n in layer.InboundNodes) if (NodeSet.Contains(n)) count++;
            if (count > 1) return false;
        }
        return true;
    }
}
