namespace LayerGen.Graphs;

/// <summary>
/// The loop op (<see cref="ScanOp"/>, <c>src/Runtime/Graphs/ControlFlow/</c>) as ONNX <c>Scan</c>: the body becomes the
/// node's subgraph (captured inputs read the enclosing graph's values by name), reversed loops set the scan input
/// directions, stacked carries are scan outputs (prepended when reversed, so rows stay in sequence order), and the
/// final states and scan outputs are flattened and concatenated into the op's one flat result (a batched loop's
/// <c>(1 + T, B, W)</c> result: the final states as row 0, the scan outputs' rows after it, each state at its columns).
/// </summary>
internal static class OnnxControlFlowMappings
{
#pragma warning disable CA2255 // registration is what module initializers are for
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Register()
    {
        OnnxOpMappings.Register<ScanOp>(ScanOp.OpName, Scan);
    }
#pragma warning restore CA2255

    private static void Scan(ScanOp op, OnnxNodeEmitter emitter, OnnxNodeContext node)
    {
        int k = op.CarryCount, m = op.SequenceCount;
        if (op.Views is not null)
            throw new NotSupportedException("Scan: a gradient loop that reads sequences as columns of a forward loop's result has no ONNX form; export the model, not its training step.");
        var inputs = node.Inputs;
        var captured = inputs.Skip(k + m).ToArray();
        var bodyOutputs = new List<int>(op.Body.OutputIds);
        foreach (int j in op.Stacked) bodyOutputs.Add(op.Body.OutputIds[j]);
        var body = emitter.Subgraph(op.Body, k + m, captured, bodyOutputs);
        long direction = op.Reverse ? 1 : 0;
        var outputs = new List<string>();
        for (int i = 0; i < k; i++) outputs.Add(emitter.Temp("scan_final"));
        foreach (int j in op.Stacked) outputs.Add(emitter.Temp("scan_stacked"));
        emitter.Node("Scan", [.. inputs.Take(k + m)], outputs,
            ("body", body),
            ("num_scan_inputs", (long)m),
            ("scan_input_directions", Enumerable.Repeat(direction, m).ToArray()),
            ("scan_output_directions", Enumerable.Repeat(direction, op.Stacked.Count).ToArray()));
        if (op.Batched)
        {
            // (1 + T, B, W): the final carries as row 0, then each step's, every carry flattened to (B, width) at its columns.
            var finals = new string[k];
            var rows = new string[k];
            for (int i = 0; i < k; i++)
            {
                long width = op.Width(i);
                finals[i] = emitter.Temp("scan_final_rows");
                emitter.Node("Reshape", [outputs[i], emitter.Const("final_shape", [0, width])], finals[i]);
                rows[i] = emitter.Temp("scan_step_rows");
                emitter.Node("Reshape", [outputs[k + i], emitter.Const("step_shape", [0, 0, width])], rows[i]);
            }
            long total = Enumerable.Range(0, k).Sum(op.Width);
            var final = emitter.Temp("scan_final");
            emitter.Node("Concat", finals, final, ("axis", 1L));
            var first = emitter.Temp("scan_first_row");
            emitter.Node("Reshape", [final, emitter.Const("first_row_shape", [1, -1, total])], first);
            var steps = emitter.Temp("scan_steps");
            emitter.Node("Concat", rows, steps, ("axis", 2L));
            emitter.Node("Concat", [first, steps], node.Output, ("axis", 0L));
            return;
        }
        var flat = emitter.Const("flat", [-1]);
        var parts = outputs.Select(o =>
        {
            var f = emitter.Temp("scan_flat");
            emitter.Node("Reshape", [o, flat], f);
            return f;
        }).ToArray();
        emitter.Node("Concat", parts, node.Output, ("axis", 0L));
    }
}
