using System.Runtime.InteropServices;

namespace LayerGen.Graphs;

/// <summary>
/// A <see cref="Graph"/> prepared for repeated inference at fixed input shapes, as an ONNX Runtime session
/// is: shapes are inferred once, every intermediate tensor gets a buffer planned ahead, and each
/// <see cref="Run(Tensor)"/> reuses those buffers. Buffers are shared between values whose lifetimes do not
/// overlap, and an elementwise op writes in place over an input that is not used afterwards, so a dense
/// layer's MatMul → bias Add → Relu runs in one buffer. Once warmed up, a run allocates nothing for ops
/// whose kernels write into planned buffers (matrix products, elementwise ops, activations, softmax,
/// reductions, slices, concatenations).
/// <para>
/// The tensors <see cref="Run(Tensor)"/> returns belong to the plan and are overwritten by the next run:
/// copy them (<see cref="Tensor.ToArray{T}"/>) to keep them. Variables are read at each run, so a plan
/// sees later assignments. A plan is not thread-safe (make one per thread) and runs are not recorded on
/// gradient tapes.
/// </para>
/// <para>
/// A matrix product by a variable or a constant weight (a dense layer) packs the weight into the GEMM's panel
/// layout at the first run and keeps it, as ONNX Runtime pre-packs constant weights: the plan holds that copy
/// (the weights' size again) and packs again only after the variable's value changes.
/// </para>
/// </summary>
public sealed class ExecutionPlan
{
    private readonly PlanStep[] _steps;
    private readonly Tensor?[] _values;
    private readonly int[] _inputIds;
    private readonly int[] _outputIds;
    private readonly Tensor[] _outputs;
    private readonly TensorSpec[] _inputSpecs;

    private ExecutionPlan(Graph graph, TensorSpec[] inputSpecs, PlanStep[] steps, Tensor?[] values, int bufferCount, long bufferBytes)
    {
        Graph = graph;
        _inputSpecs = inputSpecs;
        _steps = steps;
        _values = values;
        _inputIds = [.. graph.InputIds];
        _outputIds = [.. graph.OutputIds];
        _outputs = new Tensor[_outputIds.Length];
        BufferCount = bufferCount;
        BufferBytes = bufferBytes;
    }

    /// <summary>The graph this plan runs.</summary>
    public Graph Graph { get; }

    /// <summary>The exact input specs the plan was made for.</summary>
    public IReadOnlyList<TensorSpec> InputSpecs => _inputSpecs;

    /// <summary>How many buffers the plan allocated for intermediate and output values.</summary>
    public int BufferCount { get; }

    /// <summary>The planned buffers' total size in bytes.</summary>
    public long BufferBytes { get; }

    /// <summary>How many op steps a run executes.</summary>
    public int StepCount => _steps.Length;

    /// <summary>
    /// The ops whose kernels, at the last run, did not write into the buffer the plan gave them but made a new
    /// tensor (<see cref="KernelOutput"/>): each such step allocates on every run. Empty before the first run and for
    /// plans whose kernels all write planned buffers.
    /// </summary>
    public IReadOnlyList<Op> AllocatingSteps => [.. _steps.Where(s => s.AllocatedLastRun).Select(s => s.Op)];

    /// <summary>
    /// Plans <paramref name="graph"/> for inputs of exactly <paramref name="inputSpecs"/> (fully defined shapes,
    /// each compatible with the graph's input, whose unknown dimensions they fix).
    /// </summary>
    public static ExecutionPlan Create(Graph graph, params TensorSpec[] inputSpecs) => Create(graph, inputSpecs, null);

    /// <summary>
    /// <see cref="Create(Graph, TensorSpec[])"/> with inputs the caller keeps fixed across runs (<paramref name="runFixed"/>:
    /// a loop's weights), which matrix products pack once, as variables.
    /// </summary>
    internal static ExecutionPlan Create(Graph graph, TensorSpec[] inputSpecs, RunFixedInputs? runFixed)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputSpecs);
        if (inputSpecs.Length != graph.InputIds.Count)
            throw new ArgumentException($"ExecutionPlan: the graph takes {graph.InputIds.Count} input(s) ({Describe(graph.InputSpecs)}), got {inputSpecs.Length} spec(s).", nameof(inputSpecs));
        var nodes = graph.Nodes;
        var specs = new TensorSpec[nodes.Count];
        for (int i = 0; i < inputSpecs.Length; i++)
        {
            var node = nodes[graph.InputIds[i]];
            if (!inputSpecs[i].Shape.IsFullyDefined)
                throw new ArgumentException($"ExecutionPlan: input {i} ('{node.Name}') needs a fully defined shape, got {inputSpecs[i]}. Fix the batch size the plan runs at.", nameof(inputSpecs));
            if (!TensorFunction.Matches(node.Spec, inputSpecs[i]))
                throw new ArgumentException($"ExecutionPlan: input {i} ('{node.Name}') is {node.Spec} in the graph; {inputSpecs[i]} does not fit it.", nameof(inputSpecs));
            specs[node.Id] = inputSpecs[i];
        }

        // Shapes once, for the given input shapes.
        var values = new Tensor?[nodes.Count];
        var uses = new int[nodes.Count];
        foreach (var node in nodes)
        {
            switch (node.Kind)
            {
                case GraphNodeKind.Variable: specs[node.Id] = node.Variable!.Spec; values[node.Id] = node.Variable; break;
                case GraphNodeKind.Constant: specs[node.Id] = node.Constant!.Spec; values[node.Id] = node.Constant; break;
                case GraphNodeKind.Op:
                    var inSpecs = new TensorSpec[node.Inputs.Count];
                    for (int k = 0; k < inSpecs.Length; k++) inSpecs[k] = specs[node.Inputs[k]];
                    specs[node.Id] = node.Op!.InferOutput(inSpecs);
                    foreach (var input in node.Inputs) uses[input]++;
                    break;
            }
        }
        foreach (var output in graph.OutputIds) uses[output]++;

        // Units of work in graph order: single ops, and the groups a fusion rule (PlanFusionRules: a dense layer's
        // MatMul → bias Add → activation, ...) runs as one step, placed where the group's last node was.
        var context = new PlanFusionContext(graph, specs, uses, runFixed);
        var units = new List<Unit>();
        var fusedAt = new Dictionary<int, Unit>();
        var absorbed = new HashSet<int>();
        foreach (var node in nodes)
        {
            if (node.Kind != GraphNodeKind.Op) continue;
            if (fusedAt.Remove(node.Id, out var fused)) { units.Add(fused); continue; }
            if (absorbed.Contains(node.Id)) continue;
            if (TryFuse(context, node) is { } fusion && !SideEffectBetween(nodes, node.Id, fusion.NodeId))
            {
                var unit = new Unit(fusion.NodeId, fusion.Op, fusion.Inputs, fusion);
                if (fusion.NodeId == node.Id) { units.Add(unit); continue; }
                foreach (var id in fusion.Absorbed) absorbed.Add(id);
                fusedAt[fusion.NodeId] = unit;
                continue;
            }
            units.Add(new Unit(node.Id, node.Op!, [.. node.Inputs], null));
        }

        var lastUse = new int[nodes.Count];
        for (int u = 0; u < units.Count; u++)
            foreach (var input in units[u].Inputs) lastUse[input] = u;
        foreach (var output in graph.OutputIds) lastUse[output] = int.MaxValue;

        // Buffers: one array may hold several values in turn. liveValues counts the values that still need
        // an array; at zero the array goes back to the pool of free arrays of its dtype and length.
        var arrayOf = new Array?[nodes.Count];
        var liveValues = new Dictionary<Array, int>(ReferenceEqualityComparer.Instance);
        var free = new Dictionary<(DType, int), Stack<Array>>();
        var steps = new PlanStep[units.Count];
        int bufferCount = 0;
        long bufferBytes = 0;
        for (int step = 0; step < units.Count; step++)
        {
            var unit = units[step];
            var op = unit.Op;
            var spec = specs[unit.NodeId];
            Tensor? buffer = null;
            if (unit.Fusion is null && IsView(op, unit.Inputs, specs, spec))
            {
                // A view: its value may share its input's array, which then lives as long as either.
                var source = arrayOf[unit.Inputs[0]];
                if (source is not null) { arrayOf[unit.NodeId] = source; liveValues[source]++; }
            }
            else
            {
                Array? array = null;
                if (unit.Fusion is null && op is UnaryElementwiseOp or BinaryElementwiseOp)
                {
                    // In place: over an input of the same spec that nothing else needs after this step.
                    foreach (var input in unit.Inputs)
                    {
                        var candidate = arrayOf[input];
                        if (candidate is not null && lastUse[input] == step && specs[input] == spec && liveValues[candidate] == 1)
                        {
                            array = candidate;
                            break;
                        }
                    }
                }
                if (array is null && spec.Shape.Size > 0)
                {
                    if (free.TryGetValue((spec.DType, spec.Shape.Size), out var pool) && pool.Count > 0) array = pool.Pop();
                    else
                    {
                        array = Tensor.Uninitialized(spec.Shape, spec.DType).Storage;
                        bufferCount++;
                        bufferBytes += (long)spec.Shape.Size * spec.DType.SizeInBytes();
                    }
                    liveValues[array] = 0;
                }
                if (array is not null)
                {
                    buffer = new Tensor(array, spec.Shape, spec.DType);
                    arrayOf[unit.NodeId] = array;
                    liveValues[array]++;
                }
            }
            // Values used for the last time at this step release their arrays (once per value).
            for (int k = 0; k < unit.Inputs.Length; k++)
            {
                int input = unit.Inputs[k];
                if (lastUse[input] != step || arrayOf[input] is not { } used || System.Array.IndexOf(unit.Inputs, input) != k) continue;
                if (--liveValues[used] == 0)
                {
                    if (!free.TryGetValue((specs[input].DType, used.Length), out var pool)) free[(specs[input].DType, used.Length)] = pool = new();
                    pool.Push(used);
                }
            }
            steps[step] = unit.Fusion is { } f
                ? f.CreateStep(spec, buffer)
                : new PlanStep(unit.NodeId, op, unit.Inputs, spec, buffer);
        }
        return new ExecutionPlan(graph, [.. inputSpecs], steps, values, bufferCount, bufferBytes);
    }

    /// <summary>
    /// Whether an op with side effects (an assignment, a random draw) lies between <paramref name="first"/> and
    /// <paramref name="last"/>: a fusion runs its group at the last node's place, so it would move reads past a write.
    /// </summary>
    private static bool SideEffectBetween(IReadOnlyList<GraphNode> nodes, int first, int last)
    {
        for (int id = first + 1; id < last; id++)
            if (nodes[id].Op is { HasSideEffects: true }) return true;
        return false;
    }

    /// <summary>Whether the op's output shares its first input's storage for these specs (see <see cref="Op.IsViewFor"/>).</summary>
    private static bool IsView(Op op, int[] inputs, TensorSpec[] specs, TensorSpec output)
    {
        if (!op.MayReturnInputStorage) return false;
        var inSpecs = new TensorSpec[inputs.Length];
        for (int k = 0; k < inputs.Length; k++) inSpecs[k] = specs[inputs[k]];
        return op.IsViewFor(inSpecs, output);
    }

    /// <summary>One step to plan: an op node, or a group a fusion rule matched (then <see cref="Fusion"/> is set and NodeId is the group's last node).</summary>
    private sealed record Unit(int NodeId, Op Op, int[] Inputs, PlanFusion? Fusion);

    /// <summary>The first fusion rule that matches at <paramref name="node"/>, or null.</summary>
    private static PlanFusion? TryFuse(PlanFusionContext context, GraphNode node)
    {
        foreach (var rule in PlanFusionRules.All)
            if (rule.TryFuse(context, node) is { } fusion) return fusion;
        return null;
    }

    /// <summary>Runs a one-input, one-output plan. The result belongs to the plan (see the class remarks).</summary>
    public Tensor Run(Tensor input)
    {
        Execute(new ReadOnlySpan<Tensor>(in input));
        return _outputs[0];
    }

    /// <summary>Runs the plan; returns every output, in a list that belongs to the plan (see the class remarks).</summary>
    public IReadOnlyList<Tensor> RunAll(params ReadOnlySpan<Tensor> inputs)
    {
        Execute(inputs);
        return _outputs;
    }

    /// <summary>
    /// <see cref="RunAll(ReadOnlySpan{Tensor})"/>, calling <paramref name="outputReady"/> with an output's index and value as soon as the step
    /// computing it has run (outputs no step computes, such as an input passed through, at the end): what data-parallel
    /// training uses to start the all-reduce of gradients while the plan still computes the others. The values belong
    /// to the plan, as <see cref="RunAll(ReadOnlySpan{Tensor})"/>'s do; the callback runs on this thread between steps.
    /// </summary>
    public IReadOnlyList<Tensor> RunAll(ReadOnlySpan<Tensor> inputs, Action<int, Tensor> outputReady)
    {
        ArgumentNullException.ThrowIfNull(outputReady);
        if (Interlocked.Exchange(ref _running, 1) != 0)
            throw new InvalidOperationException("ExecutionPlan.Run was called while another Run of the same plan is in progress: a plan is not thread-safe (its buffers are shared by its runs); create one plan per thread.");
        try { ExecuteCore(inputs, outputReady); }
        finally { Volatile.Write(ref _running, 0); }
        return _outputs;
    }

    /// <summary>For each step, the outputs it computes (null: none); built at the first run with a callback.</summary>
    private int[]?[]? _outputsOfStep;

    /// <summary>Which outputs a run with a callback has reported so far (one array per plan, cleared at each such run).</summary>
    private bool[]? _reported;

    private int[]?[] OutputsOfStep()
    {
        if (_outputsOfStep is { } known) return known;
        var result = new int[]?[_steps.Length];
        for (int s = 0; s < _steps.Length; s++)
        {
            List<int>? outs = null;
            for (int o = 0; o < _outputIds.Length; o++)
                if (_outputIds[o] == _steps[s].NodeId) (outs ??= []).Add(o);
            result[s] = outs?.ToArray();
        }
        return _outputsOfStep = result;
    }

    /// <summary>
    /// Runs a one-input, one-output float32 plan on raw values: copies <paramref name="input"/> in (its length
    /// must be the input's size) and the output's values into <paramref name="output"/>.
    /// </summary>
    public void Run(ReadOnlySpan<float> input, Span<float> output)
    {
        if (_inputIds.Length != 1 || _outputIds.Length != 1)
            throw new InvalidOperationException($"ExecutionPlan.Run(span, span) needs one input and one output; this plan has {_inputIds.Length} and {_outputIds.Length}.");
        var spec = InputSpecs[0];
        if (spec.DType != DType.Float32 || input.Length != spec.Shape.Size)
            throw new ArgumentException($"ExecutionPlan: the input is {spec}, so it takes {spec.Shape.Size} float32 values; got {input.Length}.", nameof(input));
        _staging ??= Tensor.Uninitialized(spec.Shape, spec.DType);
        input.CopyTo(_staging.Data<float>());
        var result = Run(_staging).AsSpan<float>();
        if (output.Length != result.Length)
            throw new ArgumentException($"ExecutionPlan: the output is {_outputs[0].Spec}, so it needs room for {result.Length} values; got {output.Length}.", nameof(output));
        result.CopyTo(output);
    }

    private Tensor? _staging;

    private int _running;

    /// <summary>
    /// Profiling aid (benchmarks, scratch programs): when set (length <see cref="StepCount"/>), each run adds every
    /// step's elapsed <see cref="System.Diagnostics.Stopwatch"/> ticks into it; null (the default) costs one test per step.
    /// </summary>
    internal long[]? StepTicks { get; set; }

    /// <summary>
    /// Profiling aid like <see cref="StepTicks"/>: when set, each run adds the bytes every step allocated on the calling
    /// thread (<see cref="GC.GetAllocatedBytesForCurrentThread"/>) into it.
    /// </summary>
    internal long[]? StepBytes { get; set; }

    /// <summary>The steps a run executes, in order (what <see cref="StepTicks"/> indexes).</summary>
    internal IReadOnlyList<PlanStep> Steps => _steps;

    private void Execute(ReadOnlySpan<Tensor> inputs)
    {
        // Runs share the plan's buffers: a second thread inside Run would overwrite values the first still reads.
        if (Interlocked.Exchange(ref _running, 1) != 0)
            throw new InvalidOperationException("ExecutionPlan.Run was called while another Run of the same plan is in progress: a plan is not thread-safe (its buffers are shared by its runs); create one plan per thread.");
        try { ExecuteCore(inputs); }
        finally { Volatile.Write(ref _running, 0); }
    }

    private void ExecuteCore(ReadOnlySpan<Tensor> inputs, Action<int, Tensor>? outputReady = null)
    {
        if (inputs.Length != _inputIds.Length)
            throw new ArgumentException($"ExecutionPlan: the plan takes {_inputIds.Length} input(s) ({Describe(InputSpecs)}), got {inputs.Length}.");
        for (int i = 0; i < inputs.Length; i++)
        {
            var x = inputs[i] ?? throw new ArgumentNullException($"input {i}");
            if (x.IsSymbolic || x.DType != _inputSpecs[i].DType || x.Shape != _inputSpecs[i].Shape)
                throw new ArgumentException($"ExecutionPlan: input {i} must be {InputSpecs[i]} (the plan's shapes are fixed: make another plan for other shapes), got {x.Spec}{(x.IsSymbolic ? " (symbolic)" : "")}.");
            _values[_inputIds[i]] = x;
        }
        var outputsOfStep = outputReady is null ? null : OutputsOfStep();
        bool[]? reported = null;
        if (outputReady is not null) Array.Clear(reported = _reported ??= new bool[_outputIds.Length]);
        var ticks = StepTicks;
        var bytes = StepBytes;
        for (int s = 0; s < _steps.Length; s++)
        {
            var step = _steps[s];
            long start = ticks is null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
            long allocated = bytes is null ? 0 : GC.GetAllocatedBytesForCurrentThread();
            var args = step.Arguments;
            for (int k = 0; k < args.Length; k++) args[k] = _values[step.Inputs[k]]!;
            _values[step.NodeId] = step.Execute();
            if (ticks is not null) ticks[s] += System.Diagnostics.Stopwatch.GetTimestamp() - start;
            if (bytes is not null) bytes[s] += GC.GetAllocatedBytesForCurrentThread() - allocated;
            if (outputsOfStep?[s] is { } ready)
                foreach (int o in ready)
                {
                    reported![o] = true;
                    outputReady!(o, _values[step.NodeId]!);
                }
        }
        for (int o = 0; o < _outputIds.Length; o++) _outputs[o] = _values[_outputIds[o]]!;
        if (reported is not null)
            for (int o = 0; o < reported.Length; o++)
                if (!reported[o]) outputReady!(o, _outputs[o]);
        // Drop references to the caller's inputs so the plan does not keep them alive.
        for (int i = 0; i < _inputIds.Length; i++) _values[_inputIds[i]] = null;
    }

    private static string Describe(IReadOnlyList<TensorSpec> specs) => string.Join(", ", specs);

    /// <inheritdoc/>
    public override string ToString()
        => $"<ExecutionPlan inputs=[{Describe(InputSpecs)}] steps={_steps.Length} buffers={BufferCount} ({BufferBytes:N0} bytes)>";
}
