namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>BaseConv</c>, the N-D convolution of <see cref="Conv1D"/>, <see cref="Conv2D"/> and <see cref="Conv3D"/>:
/// <c>activation(conv(inputs, kernel) + bias)</c>. Weights <c>kernel</c> <c>(*kernel_size, in_channels / groups, filters)</c>
/// and <c>bias</c> <c>(filters)</c>, as Keras stores them.
/// </summary>
public abstract class BaseConv : ConvolutionBase
{
    private protected readonly int filters;
    private protected readonly int groups;
    private protected readonly Initializer kernelInitializer;
    private protected readonly Regularizer? kernelRegularizer;
    private protected readonly Constraint? kernelConstraint;
    private Variable? kernel;
    private Variable? bias;

    /// <summary>Checks and keeps Keras's arguments.</summary>
    private protected BaseConv(int rank, int filters, int[] kernelSize, int[]? strides, string padding, string dataFormat, int[]? dilationRate, int groups,
        ActivationFunction? activation, bool useBias, Initializer? kernelInitializer, Initializer? biasInitializer,
        Regularizer? kernelRegularizer, Regularizer? biasRegularizer, Regularizer? activityRegularizer, Constraint? kernelConstraint, Constraint? biasConstraint)
        : base(rank, kernelSize, strides, padding, dataFormat, dilationRate, activation, useBias, biasInitializer, biasRegularizer, activityRegularizer, biasConstraint,
            allowCausal: rank == 1)
    {
        string cls = GetType().Name;
        if (filters <= 0)
            throw new ArgumentOutOfRangeException(nameof(filters), filters, $"{cls}: Invalid value for argument `filters`. Expected a strictly positive value. Received filters={filters}.");
        if (groups <= 0)
            throw new ArgumentOutOfRangeException(nameof(groups), groups, $"{cls}: The number of groups must be a positive integer. Received: groups={groups}.");
        if (filters % groups != 0)
            throw new ArgumentException($"{cls}: The number of filters must be evenly divisible by the number of groups. Received: groups={groups}, filters={filters}.", nameof(groups));
        this.filters = filters;
        this.groups = groups;
        this.kernelInitializer = kernelInitializer ?? Initializers.GlorotUniform();
        this.kernelRegularizer = kernelRegularizer;
        this.kernelConstraint = kernelConstraint;
        CheckStridesWithDilation();
    }

    /// <summary>The number of output channels.</summary>
    public int Filters => filters;

    /// <summary>The number of groups the channels are split into (each group convolved with <c>filters / groups</c> filters).</summary>
    public int Groups => groups;

    /// <summary>The kernel <c>(*kernel_size, in_channels / groups, filters)</c>, once built.</summary>
    public Variable? Kernel => kernel;

    /// <summary>The bias <c>(filters)</c>, once built (null without bias).</summary>
    public Variable? Bias => bias;

    /// <summary>Creates <c>kernel</c> and <c>bias</c> from the input's channel count.</summary>
    protected void Build(Shape inputShape)
    {
        int channels = InputChannels(inputShape);
        if (channels % groups != 0)
            throw new IncompatibleInputException(
                $"{GetType().Name} \"{Name}\": The number of input channels must be evenly divisible by the number of groups. Received groups={groups}, but the input has {channels} channels (full input shape is {inputShape}).");
        Shape kernelShape = KernelShape(kernelSize, channels / groups, filters);
        CheckOutputSize(inputShape, KernelShape(kernelSize, channels, filters));
        kernel = AddWeight("kernel", kernelShape, kernelInitializer, regularizer: kernelRegularizer, constraint: kernelConstraint);
        if (useBias) bias = AddWeight("bias", [filters], biasInitializer, regularizer: biasRegularizer, constraint: biasConstraint);
    }

    /// <summary><c>activation(conv(inputs, kernel) + bias)</c>; <c>"causal"</c> pads the start of the sequence only.</summary>
    protected Tensor Call(Tensor inputs)
    {
        var x = ToChannelsLast(inputs);
        var pads = ConvGeometry.Pads(padding, SpatialForPads(x), kernelSize, strides, dilationRate);
        var y = Ops.Conv(x, kernel!, strides, pads, dilationRate, groups);
        return Finish(y, bias, ownsOutput: true);
    }

    /// <summary>Keras's order: <c>kernel</c>, then <c>bias</c>.</summary>
    protected internal override void VisitMembers(IModuleVisitor visitor)
    {
        base.VisitMembers(visitor);
        if (kernel is not null) visitor.Variable("kernel", kernel);
        if (bias is not null) visitor.Variable("bias", bias);
    }
}
