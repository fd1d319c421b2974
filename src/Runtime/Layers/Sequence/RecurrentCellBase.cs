namespace LayerGen.Layers;

/// <summary>
/// What <see cref="SimpleRNNCell"/>, <see cref="GRUCell"/> and <see cref="LSTMCell"/> share: Keras's weights
/// <c>kernel</c> (features, gates * units), <c>recurrent_kernel</c> (units, gates * units) and <c>bias</c>, the
/// projection of all steps' inputs in one MatMul, and the dropout masks (one input mask and one recurrent mask per
/// call, shared by all steps and gates).
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
    private readonly RandomGenerator generator;
    private protected Variable? kernel;
    private protected Variable? recurrentKernel;
    private protected Variable? bias;
    private protected Tensor? recurrentMask;

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
        generator = new RandomGenerator(seed ?? RandomGenerator.Global.NextInt(int.MaxValue));
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
        recurrentMask = null;
        if (training && x.IsSymbolic && (dropout is > 0 and < 1 || recurrentDropout is > 0 and < 1)) StepTracing.Unsupported("A recurrent layer's dropout");
        if (training && !x.IsSymbolic)
        {
            if (dropout is > 0 and < 1) x = Ops.Mul(x, DropMask(new Shape(1, x.Shape[1], x.Shape[2]), dropout, x.DType));
            if (recurrentDropout is > 0 and < 1) recurrentMask = DropMask(new Shape(x.Shape[1], units), recurrentDropout, x.DType);
        }
        var projected = Ops.MatMul(x, kernel!);
        return InputBias is { } b ? Ops.Add(projected, b) : projected;
    }

    private Tensor DropMask(Shape shape, double rate, DType dtype)
    {
        var keep = Ops.Cast(Ops.GreaterEqual(generator.Uniform(shape, dtype: dtype), Tensor.Scalar(rate, dtype)), dtype);
        return Ops.Div(keep, Tensor.Scalar(1 - rate, dtype));
    }

    /// <summary>The previous output with the recurrent dropout mask of this call applied (training only).</summary>
    private protected Tensor Dropped(Tensor h) => recurrentMask is { } m ? Ops.Mul(h, m) : h;

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
