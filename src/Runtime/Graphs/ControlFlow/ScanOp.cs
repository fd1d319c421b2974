namespace LayerGen.Graphs;

/// <summary>
/// A loop in a graph, as <c>tf.scan</c> / ONNX <c>Scan</c>: runs <see cref="Body"/> once per step of the sequences,
/// threading carries from step to step. Inputs: <see cref="CarryCount"/> initial carries, then
/// <see cref="SequenceCount"/> sequences (their axis 0 is time; all have the same length T), then the tensors the
/// body captured (weights, masks drawn once per call). The body maps <c>(carries, one step of each sequence, captured)</c>
/// to the next carries. The graph holding the op does not grow with T.
/// <para>
/// Ops have one output, so the result is one flat vector: the final value of every carry, flattened, in order, then for
/// each carry in <see cref="Stacked"/> its value after every step, <c>(T, ...carry shape)</c> flattened, row t being the
/// value after step t in sequence order (also when <see cref="Reverse"/> runs the steps from the end).
/// <see cref="Part"/> cuts a piece back out. All shapes must be fully defined at trace time.
/// </para>
/// <para>
/// A <see cref="Batched"/> loop (what the recurrent layers make) instead has carries sharing a leading batch axis B that
/// may be unknown until run time, stacks every carry, and lays the result out as <c>(1 + T, B, W)</c>: row 0 the final
/// carries, row 1 + t the carries after step t (sequence order), each carry flattened to <c>(B, size / B)</c> at its own
/// columns, W the sum of those widths. The pieces are then cut at offsets that do not depend on B, so a signature with a
/// <c>None</c> batch traces into one loop; the body's plan is made for the batch size a run brings (and kept).
/// </para>
/// <para>
/// The kernel runs the body as an <see cref="ExecutionPlan"/> made once for the input specs (kept by the op for the
/// last four input shapes, e.g. batch sizes, and reused by later runs), copying each step's slices into the plan's
/// input buffers and the carries out of its outputs: once warm, a run allocates nothing per step. The gradient is another Scan, over the steps in the opposite direction,
/// whose body is the body's gradient (traced once, when the gradient is taken); it reads the carries of every step from
/// the forward result (recomputing them when some carry is not stacked).
/// </para>
/// </summary>
public sealed class ScanOp : Op
{
    // Runners for the last few input shapes (batch sizes), each lent to one run at a time.
    private readonly ScanRunner?[] _runners = new ScanRunner?[4];

    /// <summary>Creates the op.</summary>
    /// <param name="body">The step: inputs (carries, step slices, captured), outputs (next carries); only input and op nodes.</param>
    /// <param name="carryCount">How many carries.</param>
    /// <param name="sequenceCount">How many sequences.</param>
    /// <param name="reverse">Whether the steps run from the last to the first.</param>
    /// <param name="stacked">The carries whose value after every step is part of the result (ascending indices).</param>
    /// <param name="batched">The <c>(1 + T, B, W)</c> layout (see the class remarks): every carry stacked, rank at least 1, its size per batch row known.</param>
    /// <param name="kept">How many of the last carries are kept for the backward pass only (<see cref="Kept"/>).</param>
    public ScanOp(Graph body, int carryCount, int sequenceCount, bool reverse, int[] stacked, bool batched = false, int kept = 0)
        : this(body, carryCount, sequenceCount, reverse, stacked, batched, kept, null)
    {
    }

    /// <summary>Creates the op, with <paramref name="views"/> (<see cref="Views"/>): per sequence null, or the columns of a batched loop's result it reads.</summary>
    internal ScanOp(Graph body, int carryCount, int sequenceCount, bool reverse, int[] stacked, bool batched, int kept, ScanView?[]? views)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(stacked);
        if (carryCount < 1 || sequenceCount < 1 || carryCount + sequenceCount > body.InputIds.Count)
            throw new ArgumentException($"Scan: the body takes {body.InputIds.Count} input(s); {carryCount} carries and {sequenceCount} sequences do not fit (at least one of each).");
        if (body.OutputIds.Count != carryCount)
            throw new ArgumentException($"Scan: the body must return one value per carry ({carryCount}), it returns {body.OutputIds.Count}.");
        foreach (var n in body.Nodes)
            if (n.Kind is GraphNodeKind.Variable or GraphNodeKind.Constant)
                throw new ArgumentException($"Scan: the body must take what it captures as inputs; node '{n.Name}' is a {n.Kind.ToString().ToLowerInvariant()}.");
        for (int i = 0; i < stacked.Length; i++)
            if (stacked[i] < 0 || stacked[i] >= carryCount || (i > 0 && stacked[i] <= stacked[i - 1]))
                throw new ArgumentException($"Scan: stacked carries must be ascending indices below {carryCount}, got [{string.Join(", ", stacked)}].");
        if (batched)
        {
            if (stacked.Length != carryCount)
                throw new ArgumentException($"Scan: a batched loop stacks every carry ({carryCount}), got [{string.Join(", ", stacked)}].");
            var specs = body.InputSpecs;
            var widths = new int[carryCount];
            for (int i = 0; i < carryCount; i++)
            {
                var shape = specs[i].Shape;
                int width = 1;
                for (int d = 1; d < shape.Rank; d++)
                    width = shape[d] == Shape.Unknown ? -1 : width < 0 ? -1 : width * shape[d];
                if (shape.Rank < 1 || width < 0)
                    throw new ArgumentException($"Scan: a batched loop's carries need a batch axis and known other dimensions; carry {i} is {specs[i]}.");
                widths[i] = width;
            }
            _widths = widths;
        }
        if (kept < 0 || kept >= carryCount)
            throw new ArgumentException($"Scan: {kept} kept carries of {carryCount}: at least one carry must be an ordinary one.");
        for (int i = carryCount - kept; i < carryCount; i++)
            if (ScanBody.ReadsInput(body, i))
                throw new ArgumentException($"Scan: carry {i} is kept for the backward pass only, so the body may not read it.");
        if (views is not null)
        {
            if (views.Length != sequenceCount || views[0] is not null)
                throw new ArgumentException($"Scan: {views.Length} sequence views for {sequenceCount} sequences (sequence 0 must be a plain sequence).");
            _views = views.Any(v => v is not null) ? (ScanView?[])views.Clone() : null;
        }
        Body = body;
        Kept = kept;
        CarryCount = carryCount;
        SequenceCount = sequenceCount;
        Reverse = reverse;
        Stacked = (int[])stacked.Clone();
    }

    /// <summary>The op's name.</summary>
    public const string OpName = "Scan";

    /// <inheritdoc/>
    public override string Name => OpName;

    /// <summary>The step function.</summary>
    public Graph Body { get; }

    /// <summary>How many carries (the first inputs).</summary>
    public int CarryCount { get; }

    /// <summary>How many sequences (after the carries).</summary>
    public int SequenceCount { get; }

    /// <summary>How many captured inputs (after the sequences).</summary>
    public int CapturedCount => Body.InputIds.Count - CarryCount - SequenceCount;

    /// <summary>Whether the steps run from the end of the sequences.</summary>
    public bool Reverse { get; }

    /// <summary>
    /// How many of the last carries are values kept for the backward pass only (an LSTM's gate pre-activations, which
    /// the gradient reads instead of computing them again): the body does not read them, and the gradient treats what
    /// arrives at them as zero (nothing outside the loop reads them).
    /// </summary>
    public int Kept { get; }

    /// <summary>The carries stacked over the steps in the result.</summary>
    public IReadOnlyList<int> Stacked { get; }

    /// <summary>Whether every carry is stacked (what the gradient reads without recomputing).</summary>
    public bool StacksAll => Stacked.Count == CarryCount;

    // Sequences read from a batched loop's result (null: all plain).
    private readonly ScanView?[]? _views;

    /// <summary>
    /// Per sequence, null for a plain sequence, or the columns [Column, Column + Width) of a batched loop's result
    /// <c>(1 + T, B, W)</c> given as that input: step t reads row 1 + t + Shift's columns (B rows of Width values, the
    /// step's shape); where that row is not one of rows 1 .. T, the whole input First (of the step's spec) instead. The
    /// gradient loop reads the forward values it needs this way, without cutting them out first. Sequence 0 is always
    /// plain (it gives the number of steps).
    /// </summary>
    internal ScanView?[]? Views => _views;

    /// <summary>The same loop with no kept carries (they become ordinary carries the body does not read).</summary>
    internal ScanOp WithoutKept() => new(Body, CarryCount, SequenceCount, Reverse, [.. Stacked], _widths is not null, 0, _views);

    /// <summary>The same loop reading every sequence as a plain one (views cut out of their inputs first).</summary>
    internal ScanOp WithoutViews() => new(Body, CarryCount, SequenceCount, Reverse, [.. Stacked], _widths is not null, Kept);

    /// <summary>Sequence <paramref name="q"/>'s plain <c>(T, ...step)</c> value from the op's inputs <paramref name="inputs"/>.</summary>
    internal Tensor PlainSequence(int q, IReadOnlyList<Tensor> inputs)
    {
        var input = inputs[CarryCount + q];
        if (_views?[q] is not { } view) return input;
        var step = Body.InputSpecs[CarryCount + q].Shape;
        int steps = input.Shape[0] - 1, count = view.Shift == 0 ? steps : steps - 1;
        var rows = Ops.Slice(input, [1 + Math.Max(view.Shift, 0), 0, view.Column], [count, -1, view.Width]);
        var want = new Shape([count, .. step.ToArray()]);
        if (rows.Shape != want) rows = Ops.Reshape(rows, want);
        if (view.Shift == 0) return rows;
        var first = Ops.ExpandDims(inputs[view.First], 0);
        return view.Shift < 0 ? Ops.Concat([first, rows], 0) : Ops.Concat([rows, first], 0);
    }

    // Batched layout: each carry's size per batch row (null: the flat layout).
    private readonly int[]? _widths;

    /// <summary>Whether the result has the <c>(1 + T, B, W)</c> layout, whose batch size may be unknown at trace time (class remarks).</summary>
    public bool Batched => _widths is not null;

    /// <summary>Batched layout: carry <paramref name="carry"/>'s size per batch row.</summary>
    internal int Width(int carry) => _widths![carry];

    /// <summary>Batched layout: the first column of carry <paramref name="carry"/>.</summary>
    internal int Column(int carry)
    {
        int column = 0;
        for (int i = 0; i < carry; i++) column += _widths![i];
        return column;
    }

#pragma warning disable CA2255 // registration is what module initializers are for
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Register() => OpRegistry.Register(OpName, Create);
#pragma warning restore CA2255

    /// <summary>
    /// Writes and reads a body as text (a graph file's JSON). The graph file format lives above the graphs (Formats), so
    /// it registers itself here when the runtime loads (<c>Formats/SavedModel/ScanBodyJson.cs</c>).
    /// </summary>
    internal static Func<Graph, string>? BodyWriter { get; set; }

    /// <inheritdoc cref="BodyWriter"/>
    internal static Func<string, Graph>? BodyReader { get; set; }

    /// <summary>Re-creates the op from its saved attributes (the body is a graph file's JSON).</summary>
    public static Op Create(OpAttributes attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var reader = BodyReader ?? throw new InvalidOperationException("Scan: no graph reader is registered for the body.");
        return new ScanOp(reader(attributes.GetString("body")), attributes.GetInt("carries"), attributes.GetInt("sequences"), attributes.GetBool("reverse"), attributes.GetInts("stacked"),
            attributes.Contains("batched") && attributes.GetBool("batched"), attributes.Contains("kept") ? attributes.GetInt("kept") : 0, ReadViews(attributes));
    }

    // Views as (sequence, column, width, shift, first) tuples.
    private static ScanView?[]? ReadViews(OpAttributes attributes)
    {
        if (!attributes.Contains("views")) return null;
        var tuples = attributes.GetInts("views");
        var views = new ScanView?[attributes.GetInt("sequences")];
        for (int i = 0; i + 4 < tuples.Length; i += 5) views[tuples[i]] = new ScanView(tuples[i + 1], tuples[i + 2], tuples[i + 3], tuples[i + 4]);
        return views;
    }

    /// <inheritdoc/>
    public override void WriteAttributes(OpAttributes attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var writer = BodyWriter ?? throw new InvalidOperationException("Scan: no graph writer is registered for the body.");
        attributes.Set("body", writer(Body));
        attributes.Set("carries", (long)CarryCount);
        attributes.Set("sequences", (long)SequenceCount);
        attributes.Set("reverse", Reverse);
        attributes.Set("stacked", [.. Stacked]);
        if (Batched) attributes.Set("batched", true);
        if (Kept > 0) attributes.Set("kept", (long)Kept);
        if (_views is not null)
        {
            var triples = new List<int>();
            for (int q = 0; q < _views.Length; q++)
                if (_views[q] is { } view) triples.AddRange([q, view.Column, view.Width, view.Shift, view.First]);
            attributes.Set("views", [.. triples]);
        }
    }

    /// <inheritdoc/>
    public override string DescribeAttributes()
        => $"carries={CarryCount}, sequences={SequenceCount}, captured={CapturedCount}, reverse={Reverse}, stacked=[{string.Join(", ", Stacked)}]{(Batched ? ", batched" : "")}{(Kept > 0 ? $", kept={Kept}" : "")}, body={Body.OpNodes.Count()} ops";

    /// <summary>The number of steps, from the first sequence's spec.</summary>
    internal static int Steps(TensorSpec firstSequence) => firstSequence.Shape[0];

    /// <inheritdoc/>
    public override TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs)
    {
        int count = Body.InputIds.Count;
        if (inputs.Length != count)
            throw new ArgumentException($"Scan: expected {count} input(s) ({CarryCount} carries, {SequenceCount} sequences, {CapturedCount} captured), got {inputs.Length}.");
        var bodyIn = Body.InputSpecs;
        var bodyOut = Body.OutputSpecs;
        if (Batched) return InferBatched(inputs, bodyIn, bodyOut);
        for (int i = 0; i < count; i++)
            if (!inputs[i].Shape.IsFullyDefined)
                throw new ShapeMismatchException(Name, $"input {i} needs a fully defined shape, got {inputs[i].Shape}.", inputs[i].Shape);
        var dtype = inputs[0].DType;
        long size = 0;
        for (int i = 0; i < CarryCount; i++)
        {
            if (!TensorFunction.Matches(bodyIn[i], inputs[i]))
                throw new ShapeMismatchException(Name, $"carry {i} is {inputs[i]} but the body takes {bodyIn[i]}.", inputs[i].Shape);
            if (bodyOut[i].DType != inputs[i].DType || bodyOut[i].Shape.Rank != inputs[i].Shape.Rank)
                throw new ShapeMismatchException(Name, $"the body returns {bodyOut[i]} for carry {i}, which is {inputs[i]}.", bodyOut[i].Shape);
            if (inputs[i].DType != dtype)
                throw new DTypeMismatchException(Name, $"all carries must have one dtype: carry 0 is {dtype.Name()}, carry {i} is {inputs[i].DType.Name()}.");
            size += inputs[i].Shape.Size;
        }
        int steps = -1;
        for (int q = 0; q < SequenceCount; q++)
        {
            var s = inputs[CarryCount + q];
            if (_views?[q] is { } view)
            {
                CheckView(q, view, s, bodyIn[CarryCount + q], steps, inputs);
                continue;
            }
            if (s.Shape.Rank < 1 || s.Shape[0] < 1)
                throw new ShapeMismatchException(Name, $"sequence {q} must have at least one step along axis 0, got shape {s.Shape}.", s.Shape);
            if (steps >= 0 && s.Shape[0] != steps)
                throw new ShapeMismatchException(Name, $"all sequences must have the same length: sequence 0 has {steps} steps, sequence {q} has shape {s.Shape}.", s.Shape);
            steps = s.Shape[0];
            var step = new TensorSpec(new Shape([.. s.Shape.ToArray()[1..]]), s.DType);
            if (!TensorFunction.Matches(bodyIn[CarryCount + q], step))
                throw new ShapeMismatchException(Name, $"a step of sequence {q} is {step} but the body takes {bodyIn[CarryCount + q]}.", s.Shape);
        }
        for (int c = CarryCount + SequenceCount; c < count; c++)
            if (!TensorFunction.Matches(bodyIn[c], inputs[c]))
                throw new ShapeMismatchException(Name, $"captured input {c - CarryCount - SequenceCount} is {inputs[c]} but the body takes {bodyIn[c]}.", inputs[c].Shape);
        foreach (int j in Stacked) size += (long)steps * inputs[j].Shape.Size;
        if (size > int.MaxValue) throw new ShapeMismatchException(Name, $"the result would have {size} elements.", inputs[0].Shape);
        return new TensorSpec(new Shape((int)size), dtype);
    }

    /// <summary>
    /// The batched layout's result <c>(1 + T, B, W)</c>; B and T may be unknown (a trace with a <c>None</c> batch), the
    /// other dimensions must be known and match the body's.
    /// </summary>
    private TensorSpec InferBatched(ReadOnlySpan<TensorSpec> inputs, IReadOnlyList<TensorSpec> bodyIn, IReadOnlyList<TensorSpec> bodyOut)
    {
        int batch = Shape.Unknown, width = 0;
        var dtype = inputs[0].DType;
        for (int i = 0; i < CarryCount; i++)
        {
            var shape = inputs[i].Shape;
            if (!TensorFunction.Matches(bodyIn[i], inputs[i]) || shape.Rank != bodyIn[i].Shape.Rank)
                throw new ShapeMismatchException(Name, $"carry {i} is {inputs[i]} but the body takes {bodyIn[i]}.", shape);
            if (bodyOut[i].DType != inputs[i].DType || bodyOut[i].Shape.Rank != shape.Rank)
                throw new ShapeMismatchException(Name, $"the body returns {bodyOut[i]} for carry {i}, which is {inputs[i]}.", bodyOut[i].Shape);
            if (inputs[i].DType != dtype)
                throw new DTypeMismatchException(Name, $"all carries must have one dtype: carry 0 is {dtype.Name()}, carry {i} is {inputs[i].DType.Name()}.");
            for (int d = 1; d < shape.Rank; d++)
                if (shape[d] == Shape.Unknown)
                    throw new ShapeMismatchException(Name, $"carry {i} may leave only its batch size unknown, got {shape}.", shape);
            if (shape[0] != Shape.Unknown)
            {
                if (batch != Shape.Unknown && shape[0] != batch)
                    throw new ShapeMismatchException(Name, $"the carries of a batched loop share their batch size: {batch} and {shape[0]} (carry {i}).", shape);
                batch = shape[0];
            }
            width += Width(i);
        }
        int steps = Shape.Unknown;
        for (int q = 0; q < SequenceCount; q++)
        {
            var s = inputs[CarryCount + q];
            if (_views?[q] is { } view)
            {
                CheckView(q, view, s, bodyIn[CarryCount + q], steps, inputs);
                continue;
            }
            if (s.Shape.Rank < 1 || s.Shape[0] == 0)
                throw new ShapeMismatchException(Name, $"sequence {q} must have at least one step along axis 0, got shape {s.Shape}.", s.Shape);
            if (s.Shape[0] != Shape.Unknown)
            {
                if (steps != Shape.Unknown && s.Shape[0] != steps)
                    throw new ShapeMismatchException(Name, $"all sequences must have the same length: {steps} steps and shape {s.Shape} (sequence {q}).", s.Shape);
                steps = s.Shape[0];
            }
            var step = new TensorSpec(new Shape([.. s.Shape.ToArray()[1..]]), s.DType);
            if (!TensorFunction.Matches(bodyIn[CarryCount + q], step))
                throw new ShapeMismatchException(Name, $"a step of sequence {q} is {step} but the body takes {bodyIn[CarryCount + q]}.", s.Shape);
        }
        for (int c = CarryCount + SequenceCount; c < inputs.Length; c++)
            if (!TensorFunction.Matches(bodyIn[c], inputs[c]))
                throw new ShapeMismatchException(Name, $"captured input {c - CarryCount - SequenceCount} is {inputs[c]} but the body takes {bodyIn[c]}.", inputs[c].Shape);
        if (steps != Shape.Unknown && batch != Shape.Unknown && (long)(1 + steps) * batch * width > int.MaxValue)
            throw new ShapeMismatchException(Name, $"the result would have {(long)(1 + steps) * batch * width} elements.", inputs[0].Shape);
        return new TensorSpec(new Shape(steps == Shape.Unknown ? Shape.Unknown : 1 + steps, batch, width), dtype);
    }

    /// <summary>Checks a viewed sequence's input: a <c>(1 + steps, B, W)</c> result whose columns hold one step of the body's spec.</summary>
    private void CheckView(int q, ScanView view, TensorSpec s, TensorSpec step, int steps, ReadOnlySpan<TensorSpec> inputs)
    {
        var shape = s.Shape;
        bool ok = view.Shift is >= -1 and <= 1 && (view.Shift == 0 || (steps >= 2 && view.First >= CarryCount + SequenceCount && view.First < inputs.Length && inputs[view.First] == step))
            && shape.IsFullyDefined && shape.Rank == 3 && step.Shape.IsFullyDefined && step.Shape.Rank >= 1 && s.DType == step.DType
            && shape[0] - 1 == steps && shape[1] == step.Shape[0] && view.Column >= 0 && view.Width * shape[1] == step.Shape.Size
            && view.Column + view.Width <= shape[2];
        if (!ok)
            throw new ShapeMismatchException(Name, $"sequence {q} reads columns [{view.Column}, {view.Column + view.Width}) of each row of {s} after the first, which does not give {steps} steps of {step}.", shape);
    }

    /// <summary>Where carry <paramref name="carry"/>'s final value starts in the result.</summary>
    internal static int FinalOffset(IReadOnlyList<TensorSpec> carries, int carry)
    {
        int offset = 0;
        for (int i = 0; i < carry; i++) offset += carries[i].Shape.Size;
        return offset;
    }

    /// <summary>Where carry <paramref name="carry"/>'s stacked values start in the result (it must be stacked).</summary>
    internal int StackedOffset(IReadOnlyList<TensorSpec> carries, int steps, int carry)
    {
        int offset = FinalOffset(carries, carries.Count);
        foreach (int j in Stacked)
        {
            if (j == carry) return offset;
            offset += steps * carries[j].Shape.Size;
        }
        throw new ArgumentException($"Scan: carry {carry} is not stacked.");
    }

    /// <summary>
    /// Cuts a piece out of a Scan's result <paramref name="result"/> made from <paramref name="inputs"/>: the final value
    /// of carry <paramref name="carry"/> (its shape), or with <paramref name="stacked"/> its values after every step
    /// <c>(T, ...shape)</c>.
    /// </summary>
    public static Tensor Part(Tensor result, ScanOp op, IReadOnlyList<Tensor> inputs, int carry, bool stacked)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(op);
        ArgumentNullException.ThrowIfNull(inputs);
        var carries = new TensorSpec[op.CarryCount];
        for (int i = 0; i < carries.Length; i++) carries[i] = inputs[i].Spec;
        int steps = Steps(inputs[op.CarryCount].Spec);
        var shape = carries[carry].Shape;
        if (op.Batched) return BatchedPart(result, op, shape, steps, carry, stacked);
        if (!stacked) return Ops.Reshape(Ops.Slice(result, [FinalOffset(carries, carry)], [shape.Size]), shape);
        return Ops.Reshape(Ops.Slice(result, [op.StackedOffset(carries, steps, carry)], [steps * shape.Size]), new Shape([steps, .. shape.ToArray()]));
    }

    /// <summary>A piece of a batched result: rows 0 (final) or 1.. (stacked), the carry's columns, reshaped back.</summary>
    private static Tensor BatchedPart(Tensor result, ScanOp op, Shape shape, int steps, int carry, bool stacked)
    {
        int column = op.Column(carry), width = op.Width(carry);
        var rest = shape.ToArray()[1..];
        bool flat = rest.Length == 1;
        if (!stacked)
        {
            var final = Ops.Squeeze(Ops.Slice(result, [0, 0, column], [1, -1, width]), 0);
            return flat ? final : Ops.Reshape(final, new Shape([shape[0], .. rest]));
        }
        var rows = Ops.Slice(result, [1, 0, column], [-1, -1, width]);
        if (flat) return rows;
        if (steps == Shape.Unknown && shape[0] == Shape.Unknown)
            throw new ShapeMismatchException(OpName, $"the steps of carry {carry} ({shape}) cannot be reshaped back with both the number of steps and the batch size unknown.", shape);
        return Ops.Reshape(rows, new Shape([steps, shape[0], .. rest]));
    }

    /// <inheritdoc/>
    public override Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output)
    {
        var result = output.Allocate(zeroed: false);
        ScanRunner? runner = null;
        for (int i = 0; i < _runners.Length && runner is null; i++)
        {
            var candidate = Interlocked.Exchange(ref _runners[i], null);
            if (candidate is null) continue;
            if (candidate.Fits(inputs)) runner = candidate;
            else Interlocked.CompareExchange(ref _runners[i], candidate, null);
        }
        runner ??= new ScanRunner(this, inputs);
        runner.Run(inputs, result);
        // Back into a free slot, else in place of the first (a new shape replaces an old one).
        int slot = 0;
        while (slot < _runners.Length && Interlocked.CompareExchange(ref _runners[slot], runner, null) is not null) slot++;
        if (slot == _runners.Length) Volatile.Write(ref _runners[0], runner);
        return result;
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor outputGradient, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        var all = new bool[inputs.Count];
        Array.Fill(all, true);
        return ScanGradient.Of(this, outputGradient, inputs, output, all);
    }

    /// <inheritdoc/>
    public override Tensor?[] Gradient(Tensor outputGradient, IReadOnlyList<Tensor> inputs, Tensor output, ReadOnlySpan<bool> needed)
        => ScanGradient.Of(this, outputGradient, inputs, output, needed.ToArray());

    /// <summary>
    /// Traces <paramref name="body"/> (carries, one step of each sequence → next carries) and applies the loop to
    /// <paramref name="carries"/> and <paramref name="sequences"/>. Returns the op (for <see cref="Part"/>), the inputs it
    /// was applied to (captured tensors appended) and its flat result.
    /// </summary>
    /// <remarks>With <paramref name="batched"/>, the result has the <c>(1 + T, B, W)</c> layout (class remarks) and every carry is stacked.</remarks>
    /// <remarks>With <paramref name="kept"/>, the last carries are kept for the backward pass only (<see cref="Kept"/>).</remarks>
    public static (ScanOp Op, Tensor[] Inputs, Tensor Result) Apply(Func<Tensor[], Tensor[]> body, IReadOnlyList<Tensor> carries, IReadOnlyList<Tensor> sequences, bool reverse = false, int[]? stacked = null, bool batched = false, int kept = 0)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(carries);
        ArgumentNullException.ThrowIfNull(sequences);
        var specs = new List<TensorSpec>();
        var names = new List<string>();
        for (int i = 0; i < carries.Count; i++) { specs.Add(carries[i].Spec); names.Add($"carry{i}"); }
        for (int q = 0; q < sequences.Count; q++)
        {
            var s = sequences[q].Shape;
            if (s.Rank < 1) throw new ShapeMismatchException(OpName, $"sequence {q} must have a time axis, got a scalar.", s);
            specs.Add(new TensorSpec(new Shape([.. s.ToArray()[1..]]), sequences[q].DType));
            names.Add($"step{q}");
        }
        var (graph, captured) = ScanBody.Trace(body, specs, names);
        var op = new ScanOp(graph, carries.Count, sequences.Count, reverse, stacked ?? [.. Enumerable.Range(0, carries.Count)], batched, kept);
        Tensor[] inputs = [.. carries, .. sequences, .. captured];
        return (op, inputs, OpRunner.Run(op, inputs));
    }
}

/// <summary>A sequence read from a batched loop's result (<see cref="ScanOp.Views"/>): step t is row 1 + t + Shift's columns [Column, Column + Width), or input First where that row is outside 1 .. T.</summary>
internal readonly record struct ScanView(int Column, int Width, int Shift = 0, int First = -1);
