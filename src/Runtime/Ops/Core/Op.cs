namespace LayerGen.Operations;

/// <summary>
/// A primitive operation. Each op is defined in one file, with everything about it together:
/// its shape rule (<see cref="InferOutput"/>, which also runs on symbolic shapes with unknown
/// dimensions), its kernel (<see cref="Compute"/>), its gradient (<see cref="Gradient(Tensor, IReadOnlyList{Tensor}, Tensor)"/>, written with
/// other ops so it can itself be differentiated or traced) and its public entry point on <see cref="Ops"/>.
/// Ops know nothing of file formats: the ONNX translation of an op is keyed by its name in
/// <c>OnnxOpMappings</c> (in Graphs).
/// An op instance carries its attributes (axes, flags) and is immutable.
/// </summary>
public abstract class Op
{
    /// <summary>The op's name, used in error messages, graphs and exports (e.g. <c>MatMul</c>).</summary>
    public abstract string Name { get; }

    /// <summary>Shape rule: the output spec for inputs of these specs. Throws <see cref="ShapeMismatchException"/> or <see cref="DTypeMismatchException"/>.</summary>
    public abstract TensorSpec InferOutput(ReadOnlySpan<TensorSpec> inputs);

    /// <summary>
    /// Kernel: computes the output from concrete inputs. <paramref name="output"/> has the spec <see cref="InferOutput"/>
    /// returned and gives the tensor to write into (<see cref="KernelOutput.Allocate(bool)"/>): the buffer an
    /// <c>ExecutionPlan</c> planned for the node, or a new one in an eager run.
    /// </summary>
    public abstract Tensor Compute(ReadOnlySpan<Tensor> inputs, KernelOutput output);

    /// <summary>
    /// Gradient: given d(target)/d(output), returns d(target)/d(input) for each input, or null where
    /// the input gets no gradient (integer inputs, indices, comparisons).
    /// </summary>
    public abstract Tensor?[] Gradient(Tensor outputGradient, IReadOnlyList<Tensor> inputs, Tensor output);

    /// <summary>
    /// <see cref="Gradient(Tensor, IReadOnlyList{Tensor}, Tensor)"/> when only the inputs marked in <paramref name="needed"/>
    /// need a gradient (a <see cref="GradientTape"/> asks for the inputs it watches: not the model's input, not
    /// constants). The result may hold null for the others. Ops whose input gradients are costly (a convolution's
    /// input gradient, a matrix product's) override it to skip them; the default computes them all.
    /// </summary>
    public virtual Tensor?[] Gradient(Tensor outputGradient, IReadOnlyList<Tensor> inputs, Tensor output, ReadOnlySpan<bool> needed)
        => Gradient(outputGradient, inputs, output);

    /// <summary>
    /// Whether <see cref="Compute"/> may return a tensor sharing its first input's storage (reshapes,
    /// identities). An <see cref="ExecutionPlan"/> keeps such storage alive as long as either tensor is used.
    /// </summary>
    internal virtual bool MayReturnInputStorage => false;

    /// <summary>
    /// Whether, for these input and output specs, <see cref="Compute"/> may return its first input's storage (a
    /// view): an <see cref="ExecutionPlan"/> then plans no buffer for the output. Ops that are views only in some
    /// cases (a cast to the same dtype, a reduction that reduces nothing) say which; the others answer
    /// <see cref="MayReturnInputStorage"/>.
    /// </summary>
    internal virtual bool IsViewFor(ReadOnlySpan<TensorSpec> inputs, TensorSpec output) => MayReturnInputStorage;

    /// <summary>
    /// Whether running the op changes state besides its output: it writes a variable (<c>AssignVariable</c>) or
    /// advances a random generator's counter (<c>RandomUniform</c>, <c>RandomNormal</c>). A trace keeps such an
    /// op in its graph even when no output depends on it (<see cref="TraceScope"/>), graph runs and plans run it
    /// at its place in graph order on every run, and a plan never replays an earlier run's result for it.
    /// </summary>
    public virtual bool HasSideEffects => false;

    /// <summary>
    /// Whether the op treats the rows of its inputs (axis 0) independently, for these specs: with
    /// <paramref name="rows"/> marking the inputs whose axis 0 is the batch (the others do not depend on it), row r of
    /// the output (its axis 0 being the batch too) is computed from row r of the marked inputs alone, with the same bits
    /// whatever the number of rows, from the specs' number up. Then several batches can run as one (Predict runs a
    /// row-independent graph over many user batches at once, proven by Graphs.RowIndependence). Conservative
    /// default false; an op that says true proves it with a test (RowIndependenceTests).
    /// </summary>
    internal virtual bool TreatsRowsIndependently(ReadOnlySpan<TensorSpec> inputs, ReadOnlySpan<bool> rows, TensorSpec output) => false;

    /// <summary>Attributes as text, for <see cref="ToString"/> and graph pictures (e.g. <c>axes=[1], keepdims=true</c>).</summary>
    public virtual string DescribeAttributes() => "";

    /// <summary>
    /// Writes the op's attributes (everything its constructor takes) so graphs can be saved; the op's
    /// static <c>Create(OpAttributes)</c> factory, listed in <see cref="OpRegistry"/>, reads them back.
    /// Ops without attributes write nothing.
    /// </summary>
    public virtual void WriteAttributes(OpAttributes attributes) { }

    /// <inheritdoc/>
    public override string ToString()
    {
        var a = DescribeAttributes();
        return a.Length == 0 ? Name : $"{Name}({a})";
    }

    /// <summary>Throws unless exactly <paramref name="count"/> inputs were given.</summary>
    protected void ExpectInputs(ReadOnlySpan<TensorSpec> inputs, int count)
    {
        if (inputs.Length != count)
            throw new ArgumentException($"{Name}: expected {count} input(s), got {inputs.Length}.");
    }

    /// <summary>Throws unless the dtype is float32 or float64.</summary>
    protected void ExpectFloating(TensorSpec input, string argument = "x")
    {
        if (!input.DType.IsFloating())
            throw new DTypeMismatchException(Name, $"argument {argument} must be float32 or float64, got {input.DType.Name()} with shape {input.Shape}.");
    }

    /// <summary>Throws unless the dtype is numeric (not bool).</summary>
    protected void ExpectNumeric(TensorSpec input, string argument = "x")
    {
        if (input.DType == DType.Bool)
            throw new DTypeMismatchException(Name, $"argument {argument} must be numeric, got bool with shape {input.Shape}.");
    }

    /// <summary>Throws unless both inputs have the same dtype.</summary>
    protected void ExpectSameDType(TensorSpec a, TensorSpec b)
    {
        if (a.DType != b.DType)
            throw new DTypeMismatchException(Name, $"inputs have different dtypes: {a.DType.Name()} {a.Shape} and {b.DType.Name()} {b.Shape}. Use Ops.Cast to convert one.");
    }

    /// <summary>
    /// The checks of a gradient op over (g, y), the incoming gradient and the forward op's output: two inputs of one
    /// floating dtype and equal shapes (unknown dimensions match anything); the error names
    /// <paramref name="forward"/>'s output.
    /// </summary>
    protected void ExpectGradientLikeOutput(ReadOnlySpan<TensorSpec> inputs, string forward)
    {
        ExpectInputs(inputs, 2);
        ExpectSameDType(inputs[0], inputs[1]);
        ExpectFloating(inputs[0], "g");
        Shape g = inputs[0].Shape, y = inputs[1].Shape;
        bool same = g.Rank == y.Rank;
        for (int i = 0; same && i < g.Rank; i++)
            same = g[i] == y[i] || g[i] == Shape.Unknown || y[i] == Shape.Unknown;
        if (!same)
            throw new ShapeMismatchException(Name, $"the gradient has shape {g} but the {forward}'s output has shape {y}; they must be equal.", g, y);
    }
}

/// <summary>One application of an op to inputs, as recorded for a symbolic tensor.</summary>
public sealed class OpNode
{
    private static long s_created;

    internal OpNode(Op op, Tensor[] inputs) { Op = op; Inputs = inputs; Sequence = Interlocked.Increment(ref s_created); }

    /// <summary>
    /// When the application was recorded, relative to the others (increasing): a trace with side effects orders its
    /// graph by it, so a graph run reads and writes variables in the order the traced code did.
    /// </summary>
    internal long Sequence { get; }

    /// <summary>The <see cref="Sequence"/> of the last application recorded (on any thread): nodes recorded later have larger ones.</summary>
    internal static long LastSequence => Interlocked.Read(ref s_created);

    /// <summary>The op.</summary>
    public Op Op { get; }

    /// <summary>Its inputs: symbolic tensors, or concrete ones captured as constants (variables included).</summary>
    public IReadOnlyList<Tensor> Inputs { get; }
}
