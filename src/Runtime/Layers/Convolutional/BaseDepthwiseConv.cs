namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>BaseDepthwiseConv</c>, the depthwise convolution of <see cref="DepthwiseConv1D"/> and
/// <see cref="DepthwiseConv2D"/>: each input channel convolved with its own <c>depth_multiplier</c> filters (a grouped
/// convolution with one group per channel), output channel <c>c·depth_multiplier + m</c>. Weights <c>kernel</c>
/// <c>(*kernel_size, in_channels, depth_multiplier)</c> and <c>bias</c> <c>(in_channels·depth_multiplier)</c>, as Keras
/// names and stores them. Since Keras 3.12, strides and dilation above 1 may be combined.
/// </summary>
public abstract class BaseDepthwiseConv : ConvolutionBase
{
    private protected readonly int depthMultiplier;
    private protected readonly Initializer depthwiseInitializer;
    private protected readonly Regularizer? depthwiseRegularizer;
    private protected readonly Constraint? depthwiseConstraint;
    private Variable? kernel;
    private Variable? bias;

    /// <summary>Checks and keeps Keras's arguments.</summary>
    private protected BaseDepthwiseConv(int rank, int depthMultiplier, int[] kernelSize, int[]? strides, string padding, string dataFormat, int[]? dilationRate,
        ActivationFunction? activation, bool useBias, Initializer? depthwiseInitializer, Initializer? biasInitializer,
        Regularizer? depthwiseRegularizer, Regularizer? biasRegularizer, Regularizer? activityRegularizer, Constraint? depthwiseConstraint, Constraint? biasConstraint)
        : base(rank, kernelSize, strides, padding, dataFormat, dilationRate, activation, useBias, biasInitializer, biasRegularizer, activityRegularizer, biasConstraint,
            allowCausal: false)
    {
        if (depthMultiplier <= 0)
            throw new ArgumentOutOfRangeException(nameof(depthMultiplier), depthMultiplier,
                $"{GetType().Name}: Invalid value for argument `depth_multiplier`. Expected a strictly positive value. Received depth_multiplier={depthMultiplier}.");
        this.depthMultiplier = depthMultiplier;
        this.depthwiseInitializer = depthwiseInitializer ?? Initializers.GlorotUniform();
        this.depthwiseRegularizer = depthwiseRegularizer;
        this.depthwiseConstraint = depthwiseConstraint;
    }

    /// <summary>The number of output channels per input channel.</summary>
    public int DepthMultiplier => depthMultiplier;

    /// <summary>The depthwise kernel <c>(*kernel_size, in_channels, depth_multiplier)</c>, once built (Keras names it <c>kernel</c>).</summary>
    public Variable? Kernel => kernel;

    /// <summary>The bias <c>(in_channels·depth_multiplier)</c>, once built (null without bias).</summary>
    public Variable? Bias => bias;

    /// <summary>Creates <c>kernel</c> and <c>bias</c> from the input's channel count.</summary>
    protected void Build(Shape inputShape)
    {
        int channels = InputChannels(inputShape);
        CheckOutputSize(inputShape, KernelShape(kernelSize, channels, channels * depthMultiplier));
        kernel = AddWeight("kernel", KernelShape(kernelSize, channels, depthMultiplier), depthwiseInitializer, regularizer: depthwiseRegularizer, constraint: depthwiseConstraint);
        if (useBias) bias = AddWeight("bias", [channels * depthMultiplier], biasInitializer, regularizer: biasRegularizer, constraint: biasConstraint);
    }

    /// <summary><c>activation(depthwise_conv(inputs, kernel) + bias)</c>.</summary>
    protected Tensor Call(Tensor inputs)
    {
        var x = ToChannelsLast(inputs);
        return Finish(DepthwiseConvolution(x, kernel!, rank, kernelSize, strides, ConvGeometry.Pads(padding, SpatialForPads(x), kernelSize, strides, dilationRate), dilationRate), bias);
    }

    /// <summary>
    /// The depthwise convolution of a channels-last <paramref name="x"/> with a Keras depthwise kernel
    /// <c>(*k, C, M)</c> and explicit <paramref name="pads"/>: a convolution with <c>C</c> groups and the kernel seen as <c>(*k, 1, C·M)</c>.
    /// </summary>
    internal static Tensor DepthwiseConvolution(Tensor x, Tensor depthwiseKernel, int rank, int[] kernelSize, int[] strides, int[] pads, int[] dilationRate)
    {
        int channels = depthwiseKernel.Shape[rank], multiplier = depthwiseKernel.Shape[rank + 1];
        var grouped = Ops.Reshape(depthwiseKernel, new Shape([.. kernelSize, 1, channels * multiplier]));
        return Ops.Conv(x, grouped, strides, pads, dilationRate, channels);
    }

    /// <summary>Keras's order: <c>kernel</c>, then <c>bias</c>.</summary>
    protected internal override void VisitMembers(IModuleVisitor visitor)
    {
        base.VisitMembers(visitor);
        if (kernel is not null) visitor.Variable("kernel", kernel);
        if (bias is not null) visitor.Variable("bias", bias);
    }
}
