namespace LayerGen.Graphs;

/// <summary>
/// Turns symbolic tensors into a <see cref="Graph"/>: walks each output's <see cref="Tensor.Node"/> chain back
/// to the placeholders and to the concrete tensors the ops captured, numbering nodes in topological order.
/// </summary>
public static class GraphBuilder
{
    /// <summary>
    /// Builds the graph computing <paramref name="outputs"/> from <paramref name="placeholders"/>. An output may
    /// be an input itself or a concrete tensor (a constant). Throws when the outputs depend on a symbolic
    /// tensor that is not among the placeholders.
    /// </summary>
    public static Graph Build(IReadOnlyList<Tensor> placeholders, IReadOnlyList<Tensor> outputs) => Build(placeholders, outputs, []);

    /// <summary>
    /// Builds the graph computing <paramref name="outputs"/> from <paramref name="placeholders"/>, keeping also the
    /// nodes of <paramref name="sideEffects"/> (symbolic outputs of ops with side effects, as a <see cref="TraceScope"/>
    /// collects them) and what they depend on, even where no output needs them. Side effects that depend on a symbolic
    /// tensor outside the placeholders (recorded by a nested trace, then inlined) are left out.
    /// </summary>
    public static Graph Build(IReadOnlyList<Tensor> placeholders, IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> sideEffects)
    {
        ArgumentNullException.ThrowIfNull(sideEffects);
        var nodes = new List<GraphNode>();
        var ids = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
        var nodeNames = new NodeNames();

        var inputIds = new int[placeholders.Count];
        for (int i = 0; i < placeholders.Count; i++)
        {
            var p = placeholders[i];
            if (!p.IsSymbolic || p.Node is not null) throw new ArgumentException($"Graph input {i} must be a placeholder (Tensor.Placeholder).");
            if (ids.ContainsKey(p)) throw new ArgumentException($"Graph input {i} is given twice.");
            int id = nodes.Count;
            nodes.Add(new GraphNode(id, GraphNodeKind.Input, nodeNames.Unique(p.SymbolicName ?? "x"), p.Spec, null, [], null, null, i));
            ids[p] = id;
            inputIds[i] = id;
        }

        int Capture(Tensor t)
        {
            if (ids.TryGetValue(t, out int existing)) return existing;
            int id = nodes.Count;
            nodes.Add(t is Variable v
                ? new GraphNode(id, GraphNodeKind.Variable, nodeNames.Unique(v.Name), v.Spec, null, [], v, null, -1)
                : new GraphNode(id, GraphNodeKind.Constant, nodeNames.Unique("Const"), t.Spec, null, [], null, t, -1));
            ids[t] = id;
            return id;
        }

        // Iterative post-order walk: deep graphs must not overflow the stack.
        var stack = new Stack<(Tensor Tensor, bool Expanded)>();
        var outputIds = new int[outputs.Count];
        // Side effects first, in the order they ran, so a graph run repeats them in that order (a draw before the
        // next draw from the same generator, an assignment after the reads it follows).
        var placeholderSet = new HashSet<Tensor>(placeholders, ReferenceEqualityComparer.Instance);
        var kept = sideEffects.Where(e => DependsOnlyOn(e, placeholderSet)).ToList();
        if (kept.Count > 0)
        {
            // With side effects, the ops go in the order the traced code recorded them (OpNode.Sequence), which is
            // topological too: an op reading a variable that a later assignment writes still runs before it, as in
            // the eager code.
            foreach (var t in Reachable([.. kept, .. outputs.Where(o => o is not null)], placeholderSet).OrderBy(t => t.Node!.Sequence))
                Walk(t);
        }
        for (int o = 0; o < outputs.Count; o++)
        {
            var root = outputs[o] ?? throw new ArgumentException($"Output {o} of the traced function is null.");
            outputIds[o] = Walk(root);
        }
        return new Graph(nodes, inputIds, outputIds);

        int Walk(Tensor root)
        {
            stack.Push((root, false));
            while (stack.Count > 0)
            {
                var (t, expanded) = stack.Pop();
                if (ids.ContainsKey(t)) continue;
                if (!t.IsSymbolic) { Capture(t); continue; }
                var node = t.Node ?? throw new InvalidOperationException(
                    $"The traced function uses a symbolic tensor '{t.SymbolicName ?? "?"}' {t.Spec} that is not one of its inputs (a placeholder from outside the function?).");
                if (!expanded)
                {
                    stack.Push((t, true));
                    for (int i = node.Inputs.Count - 1; i >= 0; i--)
                        if (!ids.ContainsKey(node.Inputs[i])) stack.Push((node.Inputs[i], false));
                    continue;
                }
                var inputs = new int[node.Inputs.Count];
                for (int i = 0; i < inputs.Length; i++)
                {
                    var input = node.Inputs[i];
                    inputs[i] = input.IsSymbolic ? ids[input] : Capture(input);
                }
                int id = nodes.Count;
                nodes.Add(new GraphNode(id, GraphNodeKind.Op, nodeNames.Unique(node.Op.Name), t.Spec, node.Op, inputs, null, null, -1));
                ids[t] = id;
            }
            return ids[root];
        }
    }

    /// <summary>The op-made symbolic tensors <paramref name="roots"/> depend on (themselves included), each once.</summary>
    private static List<Tensor> Reachable(IEnumerable<Tensor> roots, HashSet<Tensor> placeholders)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var list = new List<Tensor>();
        var stack = new Stack<Tensor>(roots);
        while (stack.Count > 0)
        {
            var t = stack.Pop();
            if (!t.IsSymbolic || placeholders.Contains(t) || t.Node is not { } node || !seen.Add(t)) continue;
            list.Add(t);
            foreach (var input in node.Inputs) stack.Push(input);
        }
        return list;
    }

    /// <summary>Whether every symbolic tensor <paramref name="root"/> depends on is one of <paramref name="placeholders"/> or made from them.</summary>
    private static bool DependsOnlyOn(Tensor root, HashSet<Tensor> placeholders)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Tensor>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var t = stack.Pop();
            if (!t.IsSymbolic || placeholders.Contains(t) || !seen.Add(t)) continue;
            if (t.Node is not { } node) return false;
            foreach (var input in node.Inputs) stack.Push(input);
        }
        return true;
    }
}
