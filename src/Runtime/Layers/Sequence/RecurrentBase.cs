namespace LayerGen.Layers;

/// <summary>
/// What <see cref="RNN"/>, <see cref="SimpleRNN"/>, <see cref="GRU"/> and <see cref="LSTM"/> share: running a cell
/// (<see cref="IRecurrentCell"/>) over the time axis of <c>(batch, timesteps, features)</c> inputs, eagerly, as a loop
/// of ops (so the tape differentiates it): the input projection of all steps is one MatMul, then each step does one
/// MatMul with the recurrent kernel. Masked steps (false in the mask) keep the previous output and states, as in
/// Keras. Returns the last output (or all of them with <c>returnSequences</c>), then the final states with
/// <c>returnState</c>; <c>goBackwards</c> reads the sequence from its end (and returns the outputs in that order);
/// <c>stateful</c> starts each call from the previous call's final states (<see cref="ResetStates"/> forgets them).
/// </summary>
public abstract class RecurrentBase : Layer
{
    private protected readonly Layer cell;
    private protected readonly bool returnSequences;
    private protected readonly bool returnState;
    private protected readonly bool goBackwards;
    private protected readonly bool stateful;
    private protected readonly bool unroll;
    private protected bool zeroOutputForMask;
    // A stateful layer's states: non-trainable variables (Keras's "rnn_state", not saved with the weights) per batch
    // size, so a traced step or plan reads them at each run and writes the final states back with AssignVariable ops.
    private readonly Dictionary<int, Variable[]> stateVariables = [];
    private int? statesBatch;
    private IReadOnlyList<Tensor>? pendingInitialState;
    private bool skipInputMask;

    private protected RecurrentBase(Layer cell, bool returnSequences, bool returnState, bool goBackwards, bool stateful, bool unroll, bool zeroOutputForMask)
    {
        ArgumentNullException.ThrowIfNull(cell);
        if (cell is not IRecurrentCell)
            throw new ArgumentException($"Argument `cell` should have a `call` method and a `state_size` attribute: implement {nameof(IRecurrentCell)}. Received: cell={cell}", nameof(cell));
        this.cell = cell;
        this.returnSequences = returnSequences;
        this.returnState = returnState;
        this.goBackwards = goBackwards;
        this.stateful = stateful;
        this.unroll = unroll;
        this.zeroOutputForMask = zeroOutputForMask;
        InputSpec = new InputSpec(ndim: 3);
    }

    /// <summary>The cell run at each step.</summary>
    public Layer Cell => cell;

    private IRecurrentCell RecurrentCell => (IRecurrentCell)cell;

    /// <summary>Whether the whole output sequence is returned (else the last output).</summary>
    public bool ReturnSequences => returnSequences;

    /// <summary>Whether the final states follow the output.</summary>
    public bool ReturnState => returnState;

    /// <summary>Whether the sequence is read from its end.</summary>
    public bool GoBackwards => goBackwards;

    /// <summary>Whether states carry from call to call.</summary>
    public bool Stateful => stateful;

    /// <summary>Whether masked steps output zeros in the returned sequence (Bidirectional sets it to <c>returnSequences</c>, as Keras).</summary>
    public bool ZeroOutputForMask { get => zeroOutputForMask; internal set => zeroOutputForMask = value; }

    /// <summary>True: a mask passes on to the output sequence (with <c>returnSequences</c>).</summary>
    public override bool SupportsMasking => true;

    /// <summary>The incoming mask with <c>returnSequences</c>, else none (Keras).</summary>
    public override Tensor? ComputeMask(Tensor inputs, Tensor? previousMask) => returnSequences ? previousMask : null;

    /// <summary>
    /// The states a stateful layer carries: the final states of its last call (eager, or a run of a traced step or
    /// plan), as variables of its batch size; null before the first call and after <see cref="ResetStates"/>.
    /// </summary>
    public IReadOnlyList<Tensor>? States => statesBatch is { } b && stateVariables.TryGetValue(b, out var v) ? v : null;

    /// <summary>
    /// Sets the states a stateful layer carries from call to call back to zeros (Keras's <c>reset_states</c>); the next
    /// call may then have another batch size.
    /// </summary>
    public void ResetStates()
    {
        foreach (var variables in stateVariables.Values)
            foreach (var v in variables) v.Assign(Tensor.Zeros(v.Shape, v.DType));
        statesBatch = null;
    }

    /// <summary>
    /// Whether this call reads and writes the stateful layer's state variables: eager calls and traced calls (a traced
    /// training step, a plan) with a known batch size; a functional model being wired only needs shapes.
    /// </summary>
    private bool CarriesStates(Tensor inputs) => stateful && inputs.Shape[0] != Shape.Unknown && (!inputs.IsSymbolic || TraceScope.IsActive);

    /// <summary>The state variables for <paramref name="batch"/> rows (zeros when new).</summary>
    private Variable[] StateVariables(int batch, IReadOnlyList<int> sizes, DType dtype)
    {
        if (!stateVariables.TryGetValue(batch, out var variables))
        {
            variables = new Variable[sizes.Count];
            for (int i = 0; i < variables.Length; i++) variables[i] = new Variable(Tensor.Zeros(new Shape(batch, sizes[i]), dtype), trainable: false, name: "rnn_state");
            stateVariables[batch] = variables;
        }
        return variables;
    }

    /// <summary>
    /// Keeps the final states of a stateful call: assigned at once eagerly, as AssignVariable ops (run with every run of
    /// the graph or plan) when traced.
    /// </summary>
    private void KeepStates(Tensor inputs, IReadOnlyList<Tensor> finalStates)
    {
        if (!CarriesStates(inputs)) return;
        int batch = inputs.Shape[0];
        var variables = StateVariables(batch, RecurrentCell.StateSize, inputs.DType);
        for (int i = 0; i < variables.Length; i++)
        {
            if (inputs.IsSymbolic) Ops.AssignVariable(variables[i], Ops.StopGradient(finalStates[i]));
            else variables[i].Assign(finalStates[i]);
        }
        statesBatch = batch;
    }

    /// <summary>
    /// Calls the layer starting from <paramref name="initialState"/> (one <c>(batch, size)</c> tensor per state of the
    /// cell; Keras's <c>layer(x, initial_state=[h, c])</c>). Works eagerly, in traced calls, and on symbolic tensors:
    /// a functional model records the states as the call's <c>initial_state</c> argument (Keras's encoder-decoder
    /// pattern: the decoder starts from the encoder's <c>returnState</c> outputs), runs, trains and saves it as Keras
    /// does (<c>"kwargs": {"initial_state": [...]}</c> in the <c>.keras</c> config).
    /// </summary>
    /// <param name="inputs">The sequences <c>(batch, timesteps, features)</c>.</param>
    /// <param name="initialState">One tensor per state of the cell (<c>[h, c]</c> for an LSTM, <c>[h]</c> for GRU and SimpleRNN).</param>
    /// <param name="mask">Optional mask <c>(batch, timesteps)</c>.</param>
    /// <param name="training">Explicit training flag, or null to follow the enclosing call.</param>
    /// <returns>The output, then the final states with <c>returnState</c>.</returns>
    public Tensor[] InvokeWithInitialState(Tensor inputs, IReadOnlyList<Tensor> initialState, Tensor? mask = null, bool? training = null)
    {
        return InvokeRecorded(InitialStateCall(Name, inputs, initialState, mask, training));
    }

    /// <summary>The recorded call of <c>layer(inputs, initial_state=[...], mask=...)</c>, its arguments checked (shared with <see cref="Bidirectional"/>).</summary>
    internal static CallArguments InitialStateCall(string layer, Tensor inputs, IReadOnlyList<Tensor> initialState, Tensor? mask, bool? training)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(initialState);
        var states = new Tensor[initialState.Count];
        for (int i = 0; i < states.Length; i++)
            states[i] = initialState[i] ?? throw new ArgumentNullException(nameof(initialState), $"Initial state {i} of the call to layer \"{layer}\" is null.");
        return new CallArguments([inputs], mask, training, new Dictionary<string, object?>(StringComparer.Ordinal) { [InitialStateKey] = states });
    }

    /// <summary>The name of the call argument holding the initial states (Keras's <c>initial_state</c>).</summary>
    internal const string InitialStateKey = "initial_state";

    /// <summary>
    /// Replays a recorded call (what the recurrent layers' <c>InvokeRecorded</c> runs): the sequences, the mask, the
    /// explicit <c>training</c> and, when the record has one, the <c>initial_state</c> (a list of tensors, or one
    /// tensor, as Keras accepts), which the call records again and starts from.
    /// </summary>
    private protected Tensor[] InvokeRecordedWithInitialState(CallArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (arguments.Tensors.Length == 0)
            throw new ArgumentException($"Layer \"{Name}\" expects the sequences as its first argument; the call has no tensor argument.", nameof(arguments));
        var states = InitialStateOf(arguments);
        var call = states is null
            ? new CallArguments([arguments.Tensors[0]], arguments.Mask, arguments.Training)
            : new CallArguments([arguments.Tensors[0]], arguments.Mask, arguments.Training, new Dictionary<string, object?>(StringComparer.Ordinal) { [InitialStateKey] = states });
        var (previous, previousSkip) = (pendingInitialState, skipInputMask);
        pendingInitialState = states;
        // Keras's Layer.__call__ fills `mask` from the input's mask only for a call with one tensor argument: a call with
        // initial_state runs unmasked unless a mask is passed (the output still carries the input's mask).
        skipInputMask = states is not null && arguments.Mask is null;
        try { return InvokeLayer(call, trainingDefault: false); }
        finally { (pendingInitialState, skipInputMask) = (previous, previousSkip); }
    }

    /// <summary>The <c>initial_state</c> of a recorded call as a list of tensors, or null when it has none.</summary>
    internal static Tensor[]? InitialStateOf(CallArguments arguments)
    {
        if (!arguments.Other.TryGetValue(InitialStateKey, out var value) || value is null) return null;
        return value switch
        {
            Tensor t => [t],
            Tensor[] list when CallArguments.IsTensorList(InitialStateKey, list, out _) => list,
            System.Text.Json.Nodes.JsonNode n when n.GetValueKind() == System.Text.Json.JsonValueKind.Null => null,
            _ => throw new ArgumentException($"The `initial_state` argument must be a tensor or a list of tensors, got {value.GetType().Name}."),
        };
    }

    /// <summary>Builds the cell for steps of <c>(batch, features)</c>.</summary>
    protected void Build(Shape inputsShape)
    {
        if (inputsShape.Rank != 3)
            throw new ArgumentException($"Input 0 of layer \"{Name}\" is incompatible with the layer: expected ndim=3, found ndim={inputsShape.Rank}. Full shape received: {inputsShape}");
        RecurrentCell.BuildCell(new Shape(inputsShape[0], inputsShape[2]));
        InputSpec = new InputSpec(ndim: 3, axes: new Dictionary<int, int> { [-1] = inputsShape[2] });
    }

    /// <summary>Runs the cell over the sequence.</summary>
    protected Tensor[] Call(Tensor inputs, Tensor? mask = null, bool training = false)
    {
        var rc = RecurrentCell;
        if (skipInputMask) mask = null;
        if (mask is not null)
        {
            mask = KerasMask.Check(Name, inputs, mask);
            if (mask.Rank != 2)
                throw new ShapeMismatchException(Name, $"the mask must be (batch, timesteps), got shape {mask.Shape} for inputs of shape {inputs.Shape}.", mask.Shape);
        }
        int batch = inputs.Shape[0], steps = inputs.Shape[1];
        var sizes = rc.StateSize;
        var states = InitialStates(inputs, sizes);
        // A traced call with an unknown length can still be one loop (its result layout does not depend on T).
        if (steps == Shape.Unknown && LoopFallbackReason(inputs, states) is not null)
        {
            if (!inputs.IsSymbolic)
                throw new ShapeMismatchException(Name, $"the number of timesteps must be known, got input shape {inputs.Shape}.", inputs.Shape);
            // A symbolic call with an unknown length (Input(shape: [-1, f])) only needs the output shapes.
            var placeholders = new List<Tensor> { Tensor.Placeholder(returnSequences ? new Shape(batch, steps, rc.OutputSize) : new Shape(batch, rc.OutputSize), inputs.DType) };
            if (returnState) foreach (int s in sizes) placeholders.Add(Tensor.Placeholder(new Shape(batch, s), inputs.DType));
            return [.. placeholders];
        }

        if (LoopFallbackReason(inputs, states) is null)
        {
            var looped = CallLoop(rc.ProjectInputs(Ops.Transpose(inputs, [1, 0, 2]), training), mask, states, training, out var finalStates);
            KeepStates(inputs, finalStates);
            return looped;
        }
        var projected = Unstack(rc.ProjectInputs(Ops.Transpose(inputs, [1, 0, 2]), training));   // T x (B, P): one MatMul for all steps
        var maskSteps = mask is null ? null : Unstack(Ops.Transpose(Ops.ExpandDims(mask, -1), [1, 0, 2]));   // T x (B, 1)
        Tensor? previous = null;
        var outputs = returnSequences ? new Tensor[steps] : null;
        for (int k = 0; k < steps; k++)
        {
            int t = goBackwards ? steps - 1 - k : k;
            var r = rc.Step(projected[t], states, training);
            var output = r[0];
            var next = r[1..];
            var sequenceOutput = output;
            if (maskSteps is not null)
            {
                var m = maskSteps[t];
                var zeros = Tensor.Zeros(new Shape(1, output.Shape[^1]), output.DType);
                output = Ops.Where(m, output, previous ?? zeros);
                sequenceOutput = zeroOutputForMask ? Ops.Where(m, r[0], zeros) : output;
                for (int i = 0; i < next.Length; i++) next[i] = Ops.Where(m, next[i], states[i]);
            }
            previous = output;
            states = next;
            if (outputs is not null) outputs[k] = sequenceOutput;
        }
        if (steps == 0) throw new ShapeMismatchException(Name, $"the sequence must have at least one step, got input shape {inputs.Shape}.", inputs.Shape);
        KeepStates(inputs, states);
        var result = new List<Tensor> { outputs is not null ? Ops.Stack(outputs, 1) : previous! };
        if (returnState) result.AddRange(states);
        return [.. result];
    }

    /// <summary>
    /// Why a call does not run as one loop op (<see cref="ScanOp"/>) but as one set of ops per step, or null when it is a
    /// loop. Eager calls and traced calls (<see cref="TraceScope"/>) loop (eagerly the op runs its body as a plan and a
    /// tape differentiates it as one op); a functional model being wired only needs shapes. <c>unroll: true</c> asks for the
    /// unrolled form (as in Keras); the loop op also needs the features and the states' sizes known at trace time. The
    /// batch size and the number of steps may be unknown (a <c>None</c> batch or length signature): the loop's result
    /// has a layout that depends on neither (<see cref="ScanOp.Batched"/>); a backwards layer returning sequences needs
    /// the number of steps (to reverse its outputs), and a recording gradient tape needs both.
    /// </summary>
    internal string? LoopFallbackReason(Tensor inputs, IReadOnlyList<Tensor> initialStates)
    {
        if (inputs.IsSymbolic && !TraceScope.IsActive) return "not traced";
        if (unroll) return "unroll: true";
        int batch = inputs.Shape[0], steps = inputs.Shape[1];
        for (int d = 2; d < inputs.Shape.Rank; d++)
            if (inputs.Shape[d] == Shape.Unknown) return $"the input shape {inputs.Shape} is not known at trace time beyond the batch size and the steps";
        if (steps == 0) return "the sequence has no steps";
        // Reversing the outputs of a backwards layer needs the number of steps.
        if (steps == Shape.Unknown && goBackwards && returnSequences) return "the number of steps is unknown and the outputs of a backwards layer are reversed";
        // The loop's gradient is traced with known shapes only: a tape recording a trace with an unknown batch unrolls.
        if ((batch == Shape.Unknown || steps == Shape.Unknown) && GradientTape.AnyActive) return "the batch size or the number of steps is unknown and a gradient tape is recording";
        foreach (var s in initialStates)
        {
            // Without a known batch, zeros of one row (the default states) or unknown-batch states fit.
            bool fits = batch == Shape.Unknown ? s.Shape[0] is Shape.Unknown or 1 : s.Shape[0] == batch;
            for (int d = 1; d < s.Shape.Rank; d++) fits &= s.Shape[d] != Shape.Unknown;
            if (!fits) return $"an initial state of shape {s.Shape} does not have the batch size {inputs.Shape[0]}";
        }
        return null;
    }

    /// <summary>
    /// The traced form: the steps as one <see cref="ScanOp"/> whose body is one step of the cell (with the mask's
    /// keep-the-previous-state rule), so the graph's size does not depend on the number of steps. Carries: the previous
    /// output, then the cell's states; sequences: the projected inputs (time-major), then the mask <c>(T, B, 1)</c>.
    /// </summary>
    private Tensor[] CallLoop(Tensor projected, Tensor? mask, Tensor[] states, bool training, out Tensor[] finalStates)
    {
        var rc = RecurrentCell;
        int batch = projected.Shape[1], steps = projected.Shape[0];
        var carries = new List<Tensor>();
        if (batch != Shape.Unknown)
        {
            carries.Add(Tensor.Zeros(new Shape(batch, rc.OutputSize), projected.DType));
            carries.AddRange(states);
        }
        else
        {
            // The batch size is known at run time only: zeros (batch, units) from the first step's column (0 * x), and
            // one-row states broadcast to them, so every carry has the batch axis the body returns.
            var column = Ops.Slice(projected, [0, 0, 0], [1, -1, 1]);   // (1, B, 1)
            Tensor RowsOf(int size) => Ops.Squeeze(Ops.MatMul(column, Tensor.Zeros(new Shape(1, size), projected.DType)), 0);
            carries.Add(RowsOf(rc.OutputSize));
            foreach (var s in states) carries.Add(s.Shape[0] == Shape.Unknown ? s : Ops.BroadcastToLike(s, RowsOf(s.Shape[1])));
        }
        // Under a recording gradient tape, a value the backward pass would compute again (LSTM: the gate pre-activations)
        // is one more carry, last: the body returns it, reads nothing from it, and the loop's gradient takes it from the
        // forward result (ScanGradient) instead of running the recurrent product a second time.
        int savedWidth = GradientTape.AnyActive && rc is RecurrentCellBase withSaved ? withSaved.SavedWidth : 0;
        int stateCarries = carries.Count;
        if (savedWidth > 0)
            carries.Add(batch != Shape.Unknown ? Tensor.Zeros(new Shape(batch, savedWidth), projected.DType)
                : Ops.Squeeze(Ops.MatMul(Ops.Slice(projected, [0, 0, 0], [1, -1, 1]), Tensor.Zeros(new Shape(1, savedWidth), projected.DType)), 0));
        var maskSteps = mask is null ? null : Ops.Transpose(Ops.ExpandDims(mask, -1), [1, 0, 2]);   // (T, B, 1)
        var sequences = new List<Tensor> { projected };
        if (maskSteps is not null) sequences.Add(maskSteps);
        int k = carries.Count;
        Tensor[] Step(Tensor[] x)
        {
            var previous = x[0];
            var before = x[1..stateCarries];
            var r = rc.Step(x[k], before, training);
            var output = r[0];
            var next = r[1..];
            if (maskSteps is not null)
            {
                var m = x[k + 1];
                output = Ops.Where(m, output, previous);
                for (int i = 0; i < next.Length; i++) next[i] = Ops.Where(m, next[i], before[i]);
            }
            if (savedWidth > 0)
            {
                var cellWithSaved = (RecurrentCellBase)rc;
                var saved = cellWithSaved.SavedValue!;
                cellWithSaved.SavedValue = null;
                return [output, .. next, saved];
            }
            return [output, .. next];
        }
        var (op, inputs, loop) = ScanOp.Apply(Step, carries, sequences, reverse: goBackwards, batched: true, kept: savedWidth > 0 ? 1 : 0);
        var result = new List<Tensor>();
        if (returnSequences)
        {
            var sequence = ScanOp.Part(loop, op, inputs, 0, stacked: true);   // (T, B, units), row t after step t
            var order = maskSteps;
            if (goBackwards)
            {
                // Keras returns the outputs in the order they were computed: from the last step.
                var reversed = Tensor.From(Enumerable.Range(0, steps).Reverse().ToArray());
                sequence = Ops.Gather(sequence, reversed, 0);
                if (order is not null) order = Ops.Gather(order, reversed, 0);
            }
            if (zeroOutputForMask && order is not null)
                sequence = Ops.Where(order, sequence, Tensor.Zeros(new Shape(1, rc.OutputSize), projected.DType));
            result.Add(Ops.Transpose(sequence, [1, 0, 2]));
        }
        else result.Add(ScanOp.Part(loop, op, inputs, 0, stacked: false));
        finalStates = new Tensor[stateCarries - 1];
        for (int i = 1; i < stateCarries; i++) finalStates[i - 1] = ScanOp.Part(loop, op, inputs, i, stacked: false);
        if (returnState) result.AddRange(finalStates);
        return [.. result];
    }

    /// <summary>
    /// The steps of a time-major tensor, split in halves recursively: a slice's gradient is a zero-padded tensor the
    /// size of what it was cut from, so slicing each step from the whole would cost O(T²) in the backward pass; halving
    /// costs O(T log T).
    /// </summary>
    private static Tensor[] Unstack(Tensor x)
    {
        int steps = x.Shape[0];
        var result = new Tensor[steps];
        void Cut(Tensor part, int offset, int count)
        {
            if (count == 1) { result[offset] = Ops.Squeeze(part, 0); return; }
            int half = count / 2;
            // Fresh arrays for each slice: the op keeps them (its gradient reads Begin later).
            Cut(Ops.Slice(part, Start(part.Rank, 0), Sizes(part.Rank, half)), offset, half);
            Cut(Ops.Slice(part, Start(part.Rank, half), Sizes(part.Rank, count - half)), offset + half, count - half);
        }
        if (steps > 0) Cut(x, 0, steps);
        return result;
    }

    private static int[] Start(int rank, int first)
    {
        var begin = new int[rank];
        begin[0] = first;
        return begin;
    }

    private static int[] Sizes(int rank, int first)
    {
        var size = new int[rank];
        Array.Fill(size, -1);
        size[0] = first;
        return size;
    }

    private Tensor[] InitialStates(Tensor inputs, IReadOnlyList<int> sizes)
    {
        int batch = inputs.Shape[0];
        if (pendingInitialState is { } given)
        {
            if (given.Count != sizes.Count)
                throw new ArgumentException($"Layer \"{Name}\": an initial state was passed that is not compatible with `cell.state_size`: `initial_state` must hold {sizes.Count} state tensor(s) of shapes {string.Join(", ", sizes.Select(z => $"(batch, {z})"))}, received {given.Count}: {string.Join(", ", given.Select(g => g.Shape.ToString()))}.");
            for (int i = 0; i < sizes.Count; i++)
            {
                var s = given[i];
                if (s.Rank != 2 || s.Shape[1] != sizes[i] || (batch != Shape.Unknown && s.Shape[0] != Shape.Unknown && s.Shape[0] != batch))
                    throw new ShapeMismatchException(Name, $"`initial_state`[{i}] must have shape ({(batch == Shape.Unknown ? "None" : batch.ToString(System.Globalization.CultureInfo.InvariantCulture))}, {sizes[i]}), got {s.Shape}.", s.Shape);
            }
            return [.. given];
        }
        if (stateful && (!inputs.IsSymbolic || TraceScope.IsActive))
        {
            // Keras: "When using `stateful=True` in a RNN, the batch size must be static"; a traced step with an
            // unknown batch runs eagerly instead.
            if (batch == Shape.Unknown)
            {
                StepTracing.Unsupported($"The states of stateful recurrent layer \"{Name}\" with an unknown batch size (input shape {inputs.Shape})");
                throw new NotSupportedException($"Layer \"{Name}\": when using `stateful=True` in a RNN, the batch size must be static. Found dynamic batch size: sequence.shape={inputs.Shape}. Trace it with a known batch size.");
            }
            else
            {
                if (statesBatch is { } expected && expected != batch)
                    throw new ShapeMismatchException(Name, $"If an RNN is stateful, the batch size of the input sequences must be the same as the batch size of the initial state. \n- Expected batch size: {expected}\n- Received batch size: {batch} (input shape {inputs.Shape}); call ResetStates() to start again with another batch size.", inputs.Shape);
                // Copies: the final states are assigned to the variables in place before a traced step's backward pass
                // (or an eager tape's) reads the loop's initial states again.
                var variables = StateVariables(batch, sizes, inputs.DType);
                var copies = new Tensor[variables.Length];
                for (int i = 0; i < copies.Length; i++)
                    copies[i] = inputs.IsSymbolic ? Ops.Add(variables[i], Tensor.Zeros(new Shape(1, sizes[i]), inputs.DType)) : variables[i].Value();
                return copies;
            }
        }
        // Zeros of one row broadcast against the batch on the first step (the batch may be unknown when symbolic).
        var zeros = new Tensor[sizes.Count];
        for (int i = 0; i < zeros.Length; i++)
            zeros[i] = batch == Shape.Unknown ? Tensor.Zeros(new Shape(1, sizes[i]), inputs.DType) : Tensor.Zeros(new Shape(batch, sizes[i]), inputs.DType);
        return zeros;
    }

    /// <summary>The cell, at Keras's path <c>cell</c>.</summary>
    protected internal override void VisitMembers(IModuleVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        base.VisitMembers(visitor);
        visitor.Module("cell", cell);
    }
}
