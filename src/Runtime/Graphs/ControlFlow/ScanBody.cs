namespace LayerGen.Graphs;

/// <summary>
/// Traces the body of a loop (<see cref="ScanOp"/>) into a closed <see cref="Graph"/>: inputs first (the function's
/// placeholders, then one input per tensor the body captured from outside), then its ops. Everything the body reads
/// that it did not compute from its placeholders becomes an explicit input of the loop: variables (so a gradient
/// reaches them through the loop op), constants, and symbolic tensors of the enclosing trace (a dropout mask drawn
/// once per call outside the loop). The body graph therefore holds only input and op nodes.
/// </summary>
internal static class ScanBody
{
    /// <summary>Whether the body reads its input <paramref name="input"/> (as an op's operand or as an output).</summary>
    public static bool ReadsInput(Graph body, int input)
    {
        int id = body.InputIds[input];
        return body.OutputIds.Contains(id) || body.Nodes.Any(node => node.Inputs.Contains(id));
    }

    /// <summary>
    /// Calls <paramref name="body"/> on placeholders of <paramref name="specs"/> in a nested <see cref="TraceScope"/>;
    /// returns the closed graph and the outer tensors it captured (in the order of its extra inputs).
    /// Throws when the body records side effects (random draws, variable writes): those belong outside the loop.
    /// </summary>
    public static (Graph Graph, Tensor[] Captured) Trace(Func<Tensor[], Tensor[]> body, IReadOnlyList<TensorSpec> specs, IReadOnlyList<string>? names = null)
    {
        var placeholders = new Tensor[specs.Count];
        for (int i = 0; i < placeholders.Length; i++)
            placeholders[i] = Tensor.Placeholder(specs[i].Shape, specs[i].DType, names is not null && i < names.Count ? names[i] : $"x{i}");
        long start = OpNode.LastSequence;
        Tensor[] outputs;
        using (var scope = TraceScope.Begin())
        {
            outputs = body(placeholders);
            if (scope.SideEffects.Count > 0)
                throw new InvalidOperationException(
                    $"A loop body (Scan) may not have side effects, but it ran {scope.SideEffects[0].Node!.Op.Name}: draw random values and write variables outside the loop.");
        }
        return Build(placeholders, outputs, start);
    }

    private static (Graph, Tensor[]) Build(Tensor[] placeholders, Tensor[] outputs, long start)
    {
        var inputIndex = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < placeholders.Length; i++) inputIndex[placeholders[i]] = i;
        var captured = new List<Tensor>();
        var order = new List<Tensor>();
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        bool Inner(Tensor t) => t.IsSymbolic && t.Node is { } n && n.Sequence > start && !inputIndex.ContainsKey(t);
        // Post-order walk (iterative: long bodies must not overflow the stack).
        var stack = new Stack<(Tensor Tensor, bool Expanded)>();
        foreach (var root in outputs)
        {
            ArgumentNullException.ThrowIfNull(root);
            stack.Push((root, false));
            while (stack.Count > 0)
            {
                var (t, expanded) = stack.Pop();
                if (inputIndex.ContainsKey(t)) continue;
                if (!Inner(t))
                {
                    inputIndex[t] = placeholders.Length + captured.Count;
                    captured.Add(t);
                    continue;
                }
                if (expanded) { if (seen.Add(t)) order.Add(t); continue; }
                if (seen.Contains(t)) continue;
                stack.Push((t, true));
                var ins = t.Node!.Inputs;
                for (int i = ins.Count - 1; i >= 0; i--)
                    if (!inputIndex.ContainsKey(ins[i]) && !seen.Contains(ins[i])) stack.Push((ins[i], false));
            }
        }

        var nodes = new List<GraphNode>();
        var ids = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
        var nodeNames = new NodeNames();
        var inputIds = new int[placeholders.Length + captured.Count];
        for (int i = 0; i < inputIds.Length; i++)
        {
            var t = i < placeholders.Length ? placeholders[i] : captured[i - placeholders.Length];
            string name = i < placeholders.Length ? t.SymbolicName ?? $"x{i}" : $"captured{i - placeholders.Length}";
            nodes.Add(new GraphNode(i, GraphNodeKind.Input, nodeNames.Unique(name), t.Spec, null, [], null, null, i));
            ids[t] = i;
            inputIds[i] = i;
        }
        foreach (var t in order)
        {
            var node = t.Node!;
            var ins = new int[node.Inputs.Count];
            for (int i = 0; i < ins.Length; i++) ins[i] = ids[node.Inputs[i]];
            int id = nodes.Count;
            nodes.Add(new GraphNode(id, GraphNodeKind.Op, nodeNames.Unique(node.Op.Name), t.Spec, node.Op, ins, null, null, -1));
            ids[t] = id;
        }
        var outputIds = new int[outputs.Length];
        for (int o = 0; o < outputs.Length; o++) outputIds[o] = ids[outputs[o]];
        return (new Graph(nodes, inputIds, outputIds), [.. captured]);
    }
}
