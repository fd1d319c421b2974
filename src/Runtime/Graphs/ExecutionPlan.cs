using System.Runtime.InteropServices;

namespace LayerGen;

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
/// </summary>
public sealed class ExecutionPlan
{
    private readonly Step[] _steps;
    private readonly Tensor?[] _values;
    private readonly int[] _inputIds;
    private readonly int[] _outputIds;
    private readonly Tensor[] _outputs;

    private ExecutionPlan(Graph graph, TensorSpec[] inputSpecs, Step[] steps, Tensor?[] values, int bufferCount, long bufferBytes)
    {
        Graph = graph;
        InputSpecs = inputSpecs;
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
    public IReadOnlyList<TensorSpec> InputSpecs { get; }

    /// <summary>How many buffers the plan allocated for intermediate and output values.</summary>
    public int BufferCount { get; }

    /// <summary>The planned buffers' total size in bytes.</summary>
    public long BufferBytes { get; }

    /// <summary>How many op steps a run executes.</summary>
    public int StepCount => _steps.Length;

    /// <summary>
    /// Plans <paramref name="graph"/> for inputs of exactly <paramref name="inputSpecs"/> (fully defined shapes,
    /// each compatible with the graph's input, whose unknown dimensions they fix).
    /// </summary>
    public static ExecutionPlan Create(Graph graph, params TensorSpec[] inputSpecs)
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

        // Shapes once, for the given input shapes; and where each value is last used.
        var lastUse = new int[nodes.Count];
        var values = new Tensor?[nodes.Count];
        var opIndex = new int[nodes.Count];
        int opCount = 0;
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
                    opIndex[node.Id] = opCount;
                    foreach (var input in node.Inputs) lastUse[input] = opCount;
                    opCount++;
                    break;
            }
        }
        foreach (var output in graph.OutputIds) lastUse[output] = int.MaxValue;

        // Buffers: one array may hold several values in turn. liveValues counts the values that still need
        // an array; at zero the array goes back to the pool of free arrays of its dtype and length.
        var arrayOf = new Array?[nodes.Count];
        var liveValues = new Dictionary<Array, int>(ReferenceEqualityComparer.Instance);
        var free = new Dictionary<(DType, int), Stack<Array>>();
        var steps = new Step[opCount];
        int bufferCount = 0;
        long bufferBytes = 0;
        foreach (var node in nodes)
        {
            if (node.Kind != GraphNodeKind.Op) continue;
            var op = node.Op!;
            var spec = specs[node.Id];
            int step = opIndex[node.Id];
            Tensor? buffer = null;
            if (op.MayReturnInputStorage)
            {
                // A view: its value may share its input's array, which then lives as long as either.
                var source = arrayOf[node.Inputs[0]];
                if (source is not null) { arrayOf[node.Id] = source; liveValues[source]++; }
            }
            else
            {
                Array? array = null;
                if (op is UnaryElementwiseOp or BinaryElementwiseOp)
                {
                    // In place: over an input of the same spec that nothing else needs after this step.
                    foreach (var input in node.Inputs)
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
                    arrayOf[node.Id] = array;
                    liveValues[array]++;
                }
            }
            // Values used for the last time at this step release their arrays (once per value).
            for (int k = 0; k < node.Inputs.Count; k++)
            {
                int input = node.Inputs[k];
                if (lastUse[input] != step || arrayOf[input] is not { } used || IndexOf(node.Inputs, input) != k) continue;
                if (--liveValues[used] == 0)
                {
                    if (!free.TryGetValue((specs[input].DType, used.Length), out var pool)) free[(specs[input].DType, used.Length)] = pool = new();
                    pool.Push(used);
                }
            }
            steps[step] = new Step(node.Id, op, [.. node.Inputs], spec, buffer);
        }
        return new ExecutionPlan(graph, [.. inputSpecs], steps, values, bufferCount, bufferBytes);
    }

    private static int IndexOf(IReadOnlyList<int> list, int value)
    {
        for (int i = 0; i < list.Count; i++) if (list[i] == value) return i;
        return -1;
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

    private void Execute(ReadOnlySpan<Tensor> inputs)
    {
        if (inputs.Length != _inputIds.Length)
            throw new ArgumentException($"ExecutionPlan: the plan takes {_inputIds.Length} input(s) ({Describe(InputSpecs)}), got {inputs.Length}.");
        for (int i = 0; i < inputs.Length; i++)
        {
            var x = inputs[i] ?? throw new ArgumentNullException($"input {i}");
            if (x.IsSymbolic || x.DType != InputSpecs[i].DType || x.Shape != InputSpecs[i].Shape)
                throw new ArgumentException($"ExecutionPlan: input {i} must be {InputSpecs[i]} (the plan's shapes are fixed: make another plan for other shapes), got {x.Spec}{(x.IsSymbolic ? " (symbolic)" : "")}.");
            _values[_inputIds[i]] = x;
        }
        foreach (var step in _steps)
        {
            var args = step.Arguments;
            for (int k = 0; k < args.Length; k++) args[k] = _values[step.Inputs[k]]!;
            var result = OutputAllocator.ComputeInto(step.Op, args, step.Spec, step.Buffer);
            if (!ReferenceEquals(result, step.Buffer) && !step.Op.MayReturnInputStorage) CheckNotAliased(step, result);
            _values[step.NodeId] = result;
        }
        for (int o = 0; o < _outputIds.Length; o++) _outputs[o] = _values[_outputIds[o]]!;
        // Drop references to the caller's inputs so the plan does not keep them alive.
        for (int i = 0; i < _inputIds.Length; i++) _values[_inputIds[i]] = null;
    }

    /// <summary>An op not marked <see cref="Op.MayReturnInputStorage"/> must not return its input's storage: the plan's reuse depends on it.</summary>
    private static void CheckNotAliased(Step step, Tensor result)
    {
        foreach (var arg in step.Arguments)
            if (ReferenceEquals(arg.Storage, result.Storage))
                throw new InvalidOperationException($"ExecutionPlan: op '{step.Op}' returned its input's storage but does not declare MayReturnInputStorage.");
    }

    private static string Describe(IReadOnlyList<TensorSpec> specs) => string.Join(", ", specs);

    /// <inheritdoc/>
    public override string ToString()
        => $"<ExecutionPlan inputs=[{Describe(InputSpecs)}] steps={_steps.Length} buffers={BufferCount} ({BufferBytes:N0} bytes)>";

    private sealed class Step(int nodeId, Op op, int[] inputs, TensorSpec spec, Tensor? buffer)
    {
        public readonly int NodeId = nodeId;
        public readonly Op Op = op;
        public readonly int[] Inputs = inputs;
        public readonly TensorSpec Spec = spec;
        public readonly Tensor? Buffer = buffer;
        public readonly Tensor[] Arguments = new Tensor[inputs.Length];
    }
}
