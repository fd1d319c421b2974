namespace LayerGen.Layers;

/// <summary>
/// What <see cref="SimpleRNNCell"/>, <see cref="GRUCell"/> and <see cref="LSTMCell"/> share: Keras's weights
/// <c>kernel</c> (features, gates * units), <c>recurrent_kernel</c> (units, gates * units) and <c>bias</c>, the
/// projection of all steps' inputs in one MatMul, and the dropout masks (drawn once per call and shared by all steps;
/// as Keras: one input mask for all gates without <c>recurrent_dropout</c>, and with it, Keras's
/// <c>implementation=1</c>, one input mask and one recurrent mask per gate).
/// </summary>
public abstract class RecurrentCellBase : Layer, IRecurrentCell
{
    private protected readonly int units;
    private protected readonly ActivationFunction activation;
    private protected readonly bool useBias;
    private protected readonly Initializer kernelInitializer;
    private protected readonly Initializer recurrentInitializer;
    private protected readonly Initializer biasInitializer;
    private protected readonly Regularizer? kernelRegularizer;
    private protected readonly Regularizer? recurrentRegularizer;
    private protected readonly Regularizer? biasRegularizer;
    private protected readonly Constraint? kernelConstraint;
    private protected readonly Constraint? recurrentConstraint;
    private protected readonly Constraint? biasConstraint;
    private protected readonly double dropout;
    private protected readonly double recurrentDropout;
    private protected readonly int? seed;
    private readonly SeedGenerator generator;
    private protected Variable? kernel;
    private protected Variable? recurrentKernel;
    private protected Variable? bias;
    private protected Tensor[]? recurrentMasks;

    private protected RecurrentCellBase(int units, ActivationFunction? activation, bool useBias,
        Initializer? kernelInitializer, Initializer? recurrentInitializer, Initializer? biasInitializer,
        Regularizer? kernelRegularizer, Regularizer? recurrentRegularizer, Regularizer? biasRegularizer,
        Constraint? kernelConstraint, Constraint? recurrentConstraint, Constraint? biasConstraint,
        double dropout, double recurrentDropout, int? seed)
    {
        if (units <= 0)
            throw new ArgumentOutOfRangeException(nameof(units), $"Received an invalid value for argument `units`, expected a positive integer, got {units}.");
        this.units = units;
        this.activation = activation ?? ActivationFunction.Tanh;
        this.useBias = useBias;
        this.kernelInitializer = kernelInitializer ?? Initializers.GlorotUniform();
        this.recurrentInitializer = recurrentInitializer ?? Initializers.Orthogonal();
        this.biasInitializer = biasInitializer ?? Initializers.Zeros();
        this.kernelRegularizer = kernelRegularizer;
        this.recurrentRegularizer = recurrentRegularizer;
        this.biasRegularizer = biasRegularizer;
        this.kernelConstraint = kernelConstraint;
        this.recurrentConstraint = recurrentConstraint;
        this.biasConstraint = biasConstraint;
        this.dropout = Math.Min(1.0, Math.Max(0.0, dropout));
        this.recurrentDropout = Math.Min(1.0, Math.Max(0.0, recurrentDropout));
        this.seed = seed;
        generator = new SeedGenerator(seed ?? RandomGenerator.Global.NextInt(int.MaxValue));
    }

    /// <summary>Number of units.</summary>
    public int Units => units;

    /// <summary>The input kernel (features, gates * units), once built.</summary>
    public Variable? Kernel => kernel;

    /// <summary>The recurrent kernel (units, gates * units), once built.</summary>
    public Variable? RecurrentKernel => recurrentKernel;

    /// <summary>The bias, once built (null without bias).</summary>
    public Variable? Bias => bias;

    /// <inheritdoc/>
    public abstract IReadOnlyList<int> StateSize { get; }

    /// <inheritdoc/>
    public int OutputSize => units;

    /// <summary>How many blocks of <c>units</c> columns the kernels have (1, 3 or 4).</summary>
    private protected abstract int Gates { get; }

    /// <summary>The bias's shape (GRU with <c>reset_after</c>: (2, 3 * units)).</summary>
    private protected virtual Shape BiasShape => new(Gates * units);

    /// <summary>Sets the bias's initial value after it was created (LSTM's unit forget bias).</summary>
    private protected virtual void InitializeBias(Variable b) { }

    /// <inheritdoc/>
    public void BuildCell(Shape stepInputShape)
    {
        if (IsBuilt) return;
        BeginBuild();
        BuildWeights(stepInputShape);
        EndBuild(global::LayerGen.Layers.BuildConfig.ForInput(stepInputShape));
    }

    /// <summary>Builds from a recorded <c>build_config</c> (the step input's shape), as Keras's cells do.</summary>
    public override void BuildFromConfig(System.Text.Json.Nodes.JsonObject buildConfig)
    {
        ArgumentNullException.ThrowIfNull(buildConfig);
        var shapes = global::LayerGen.Layers.BuildConfig.Shapes(buildConfig);
        if (shapes.Count > 0) BuildCell(shapes[0]);
    }

    /// <summary>As <see cref="BuildFromConfig(System.Text.Json.Nodes.JsonObject)"/>: the dtypes do not matter to the weights.</summary>
    protected override void BuildFromConfigWithDTypes(System.Text.Json.Nodes.JsonObject buildConfig, IReadOnlyList<DType> inputDTypes)
        => BuildFromConfig(buildConfig);

    private protected void BuildWeights(Shape inputShape)
    {
        int inputDim = inputShape[^1];
        if (inputDim == Shape.Unknown)
            throw new ArgumentException($"{ClassName}: the last dimension of the inputs must be known, got input shape {inputShape}.");
        kernel = AddWeight("kernel", [inputDim, Gates * units], kernelInitializer, regularizer: kernelRegularizer, constraint: kernelConstraint);
        recurrentKernel = AddWeight("recurrent_kernel", [units, Gates * units], recurrentInitializer, regularizer: recurrentRegularizer, constraint: recurrentConstraint);
        if (useBias)
        {
            bias = AddWeight("bias", BiasShape, biasInitializer, regularizer: biasRegularizer, constraint: biasConstraint);
            InitializeBias(bias);
        }
    }

    /// <summary>The input-side bias added in <see cref="ProjectInputs"/> (all of it, except GRU's recurrent half).</summary>
    private protected virtual Tensor? InputBias => bias;

    /// <inheritdoc/>
    public Tensor ProjectInputs(Tensor timeMajorInputs, bool training)
    {
        ArgumentNullException.ThrowIfNull(timeMajorInputs);
        var x = timeMajorInputs;
        recurrentMasks = null;
        // Masks are RandomUniform ops (fresh per call, and per run of a traced graph or plan); a functional model being
        // wired (symbolic, not traced) draws none.
        if (training && (!x.IsSymbolic || TraceScope.IsActive))
        {
            // Keras switches a cell with recurrent_dropout to implementation 1, which draws one mask per gate for the
            // inputs and for the previous output (dropout_mask_count = 4 for LSTM, 3 for GRU).
            if (PerGateMasks)
            {
                if (recurrentDropout is > 0 and < 1) recurrentMasks = Gate(DropMask(x, [Gates, -1, units], recurrentDropout));
                if (dropout is > 0 and < 1)
                {
                    var inputMasks = Gate(DropMask(x, [Gates, -1, -1], dropout));
                    var parts = new Tensor[Gates];
                    for (int g = 0; g < Gates; g++)
                        parts[g] = Ops.MatMul(Ops.Mul(x, inputMasks[g]), Ops.Slice(kernel!, [0, g * units], [-1, units]));
                    var gated = Ops.Concat(parts, -1);
                    return InputBias is { } gb ? Ops.Add(gated, gb) : gated;
                }
            }
            else
            {
                if (dropout is > 0 and < 1) x = Ops.Mul(x, DropMask(x, [1, -1, -1], dropout));
                if (recurrentDropout is > 0 and < 1) recurrentMasks = [Ops.Reshape(DropMask(x, [1, -1, units], recurrentDropout), new Shape(-1, units))];
            }
        }
        // One rank-2 product (T * B, features) @ kernel: its weight gradient is then one GEMM over all steps (a batched
        // product would give (T, features, P) to be summed over T), and a plan fuses the bias into it.
        int steps = x.Shape[0], features = x.Shape[^1], width = kernel!.Shape[^1];
        bool flat = x.Rank == 3 && steps != Shape.Unknown && features != Shape.Unknown;
        var projected = Ops.MatMul(flat ? Ops.Reshape(x, new Shape(-1, features)) : x, kernel!);
        if (InputBias is { } b) projected = Ops.Add(projected, b);
        return flat ? Ops.Reshape(projected, new Shape(steps, -1, width)) : projected;
    }

    /// <summary>Whether this call draws one dropout mask per gate (Keras's <c>implementation=1</c>, which a cell with <c>recurrent_dropout</c> uses).</summary>
    private bool PerGateMasks => Gates > 1 && recurrentDropout != 0;

    /// <summary>The masks of a <c>(gates, ...)</c> draw, one per gate.</summary>
    private Tensor[] Gate(Tensor masks)
    {
        var result = new Tensor[Gates];
        for (int g = 0; g < Gates; g++) result[g] = Ops.IndexAxis0(masks, g);
        return result;
    }

    /// <summary>A keep mask scaled by <c>1 / (1 - rate)</c>, of <paramref name="timeMajor"/>'s shape with <paramref name="shape"/>'s overrides (-1: its dimension).</summary>
    private Tensor DropMask(Tensor timeMajor, int[] shape, double rate)
    {
        var dtype = timeMajor.DType;
        var keep = Ops.Cast(Ops.GreaterEqual(generator.Uniform(timeMajor, shape: shape), Tensor.Scalar(rate, dtype)), dtype);
        return Ops.Div(keep, Tensor.Scalar(1 - rate, dtype));
    }

    /// <summary>The previous output with gate <paramref name="gate"/>'s recurrent dropout mask of this call applied (training only).</summary>
    private protected Tensor Dropped(Tensor h, int gate = 0) => recurrentMasks is { } m ? Ops.Mul(h, m[m.Length == 1 ? 0 : gate]) : h;

    /// <summary>
    /// The width of a value each step computes that a traced loop keeps per step for its backward pass (as an extra
    /// carry, when a gradient tape records the call): the backward loop then reads it instead of computing it again
    /// (LSTM: the gate pre-activations, behind which is the step's product with the recurrent kernel). 0: none.
    /// </summary>
    internal virtual int SavedWidth => 0;

    /// <summary>The value <see cref="SavedWidth"/> describes, from the last <see cref="Step"/> (batch, <see cref="SavedWidth"/>).</summary>
    internal Tensor? SavedValue { get; set; }

    /// <summary>
    /// <c>h @ recurrent_kernel</c> for the column blocks of gates <paramref name="firstGate"/> to
    /// <paramref name="firstGate"/> + <paramref name="count"/> - 1, each gate's block reading <c>h</c> with its own
    /// recurrent dropout mask when the call draws one per gate (else one MatMul).
    /// </summary>
    private protected Tensor RecurrentMatMul(Tensor h, int firstGate, int count)
    {
        var rk = recurrentKernel!;
        Tensor Columns(int first, int n) => first == 0 && n == Gates ? rk : Ops.Slice(rk, [0, first * units], [-1, n * units]);
        if (recurrentMasks is not { Length: > 1 } masks) return Ops.MatMul(Dropped(h), Columns(firstGate, count));
        var parts = new Tensor[count];
        for (int g = 0; g < count; g++) parts[g] = Ops.MatMul(Ops.Mul(h, masks[firstGate + g]), Columns(firstGate + g, 1));
        return count == 1 ? parts[0] : Ops.Concat(parts, 1);
    }

    /// <inheritdoc/>
    public abstract Tensor[] Step(Tensor projectedStep, IReadOnlyList<Tensor> states, bool training);

    /// <summary>A step run as a layer call: projects <paramref name="inputs"/> <c>(batch, features)</c> and steps once.</summary>
    private protected Tensor[] CallStep(Tensor inputs, Tensor[] states, bool training)
    {
        var projected = ProjectInputs(Ops.ExpandDims(inputs, 0), training);
        return Step(Ops.Squeeze(projected, 0), states, training);
    }

    /// <inheritdoc/>
    protected internal override void VisitMembers(IModuleVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        base.VisitMembers(visitor);
        if (kernel is not null) visitor.Variable("kernel", kernel);
        if (recurrentKernel is not null) visitor.Variable("recurrent_kernel", recurrentKernel);
        if (bias is not null) visitor.Variable("bias", bias);
    }
}
