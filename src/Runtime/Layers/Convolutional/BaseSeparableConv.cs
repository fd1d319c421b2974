namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>BaseSeparableConv</c>, the depthwise-separable convolution of <see cref="SeparableConv1D"/> and
/// <see cref="SeparableConv2D"/>: a depthwise convolution (each channel with its own <c>depth_multiplier</c> filters,
/// with the layer's strides, padding and dilation) followed by a pointwise (1×1) convolution to <c>filters</c> channels.
/// Weights <c>depthwise_kernel</c> <c>(*kernel_size, in_channels, depth_multiplier)</c>, <c>pointwise_kernel</c>
/// <c>(1, …, 1, in_channels·depth_multiplier, filters)</c> and <c>bias</c> <c>(filters)</c>, as Keras stores them.
/// </summary>
public abstract class BaseSeparableConv : ConvolutionBase
{
    private protected readonly int depthMultiplier;
    private protected readonly int filters;
    private protected readonly Initializer depthwiseInitializer;
    private protected readonly Initializer pointwiseInitializer;
    private protected readonly Regularizer? depthwiseRegularizer;
    private protected readonly Regularizer? pointwiseRegularizer;
    private protected readonly Constraint? depthwiseConstraint;
    private protected readonly Constraint? pointwiseConstraint;
    private Variable? depthwiseKernel;
    private Variable? pointwiseKernel;
    private Variable? bias;

    /// <summary>Checks and keeps Keras's arguments.</summary>
    private protected BaseSeparableConv(int rank, int depthMultiplier, int filters, int[] kernelSize, int[]? strides, string padding, string dataFormat, int[]? dilationRate,
        ActivationFunction? activation, bool useBias, Initializer? depthwiseInitializer, Initializer? pointwiseInitializer, Initializer? biasInitializer,
        Regularizer? depthwiseRegularizer, Regularizer? pointwiseRegularizer, Regularizer? biasRegularizer, Regularizer? activityRegularizer,
        Constraint? depthwiseConstraint, Constraint? pointwiseConstraint, Constraint? biasConstraint)
        : base(rank, kernelSize, strides, padding, dataFormat, dilationRate, activation, useBias, biasInitializer, biasRegularizer, activityRegularizer, biasConstraint,
            allowCausal: false)
    {
        string cls = GetType().Name;
        if (depthMultiplier <= 0)
            throw new ArgumentOutOfRangeException(nameof(depthMultiplier), depthMultiplier,
                $"{cls}: Invalid value for argument `depth_multiplier`. Expected a strictly positive value. Received depth_multiplier={depthMultiplier}.");
        if (filters <= 0)
            throw new ArgumentOutOfRangeException(nameof(filters), filters, $"{cls}: Invalid value for argument `filters`. Expected a strictly positive value. Received filters={filters}.");
        this.depthMultiplier = depthMultiplier;
        this.filters = filters;
        this.depthwiseInitializer = depthwiseInitializer ?? Initializers.GlorotUniform();
        this.pointwiseInitializer = pointwiseInitializer ?? Initializers.GlorotUniform();
        this.depthwiseRegularizer = depthwiseRegularizer;
        this.pointwiseRegularizer = pointwiseRegularizer;
        this.depthwiseConstraint = depthwiseConstraint;
        this.pointwiseConstraint = pointwiseConstraint;
    }

    /// <summary>The number of depthwise output channels per input channel.</summary>
    public int DepthMultiplier => depthMultiplier;

    /// <summary>The number of output channels.</summary>
    public int Filters => filters;

    /// <summary>The depthwise kernel <c>(*kernel_size, in_channels, depth_multiplier)</c>, once built.</summary>
    public Variable? DepthwiseKernel => depthwiseKernel;

    /// <summary>The pointwise kernel <c>(1, …, 1, in_channels·depth_multiplier, filters)</c>, once built.</summary>
    public Variable? PointwiseKernel => pointwiseKernel;

    /// <summary>The bias <c>(filters)</c>, once built (null without bias).</summary>
    public Variable? Bias => bias;

    /// <summary>Creates the kernels and the bias from the input's channel count.</summary>
    protected void Build(Shape inputShape)
    {
        int channels = InputChannels(inputShape);
        CheckOutputSize(inputShape, KernelShape(kernelSize, channels, filters));
        depthwiseKernel = AddWeight("depthwise_kernel", KernelShape(kernelSize, channels, depthMultiplier), depthwiseInitializer,
            regularizer: depthwiseRegularizer, constraint: depthwiseConstraint);
        pointwiseKernel = AddWeight("pointwise_kernel", KernelShape(Enumerable.Repeat(1, rank).ToArray(), channels * depthMultiplier, filters), pointwiseInitializer,
            regularizer: pointwiseRegularizer, constraint: pointwiseConstraint);
        if (useBias) bias = AddWeight("bias", [filters], biasInitializer, regularizer: biasRegularizer, constraint: biasConstraint);
    }

    /// <summary><c>activation(pointwise(depthwise(inputs)) + bias)</c>.</summary>
    protected Tensor Call(Tensor inputs)
    {
        var x = ToChannelsLast(inputs);
        var pads = ConvGeometry.Pads(padding, SpatialForPads(x), kernelSize, strides, dilationRate);
        var depthwise = BaseDepthwiseConv.DepthwiseConvolution(x, depthwiseKernel!, rank, kernelSize, strides, pads, dilationRate);
        var ones = Enumerable.Repeat(1, rank).ToArray();
        var pointwise = Ops.Conv(depthwise, pointwiseKernel!, ones, new int[2 * rank], ones);
        return Finish(pointwise, bias);
    }

    /// <summary>Keras's order: <c>depthwise_kernel</c>, <c>pointwise_kernel</c>, then <c>bias</c>.</summary>
    protected internal override void VisitMembers(IModuleVisitor visitor)
    {
        base.VisitMembers(visitor);
        if (depthwiseKernel is not null) visitor.Variable("depthwise_kernel", depthwiseKernel);
        if (pointwiseKernel is not null) visitor.Variable("pointwise_kernel", pointwiseKernel);
        if (bias is not null) visitor.Variable("bias", bias);
    }
}
