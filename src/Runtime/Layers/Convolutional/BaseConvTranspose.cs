namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>BaseConvTranspose</c>, the transposed convolution of <see cref="Conv1DTranspose"/>,
/// <see cref="Conv2DTranspose"/> and <see cref="Conv3DTranspose"/> (the gradient of a convolution with respect to its
/// input): <c>activation(conv_transpose(inputs, kernel) + bias)</c>. Weights <c>kernel</c>
/// <c>(*kernel_size, filters, in_channels)</c> (filters second to last, as Keras stores it) and <c>bias</c> <c>(filters)</c>.
/// The output length on each axis is Keras's: <c>"valid"</c> <c>(in − 1)·s + k′ + output_padding</c> (default
/// <c>max(k′, s) − k′</c>), <c>"same"</c> <c>in·s</c> (or <c>(in − 1)·s + k′ mod 2 + output_padding</c>), with
/// <c>k′ = (k − 1)·d + 1</c>; the values are TensorFlow's and JAX's (Keras's torch backend shifts some strided <c>"same"</c>
/// outputs, an odd kernel with an even stride or an output padding, by one position, and warns about it).
/// </summary>
public abstract class BaseConvTranspose : ConvolutionBase
{
    private protected readonly int filters;
    private protected readonly int[]? outputPadding;
    private protected readonly Initializer kernelInitializer;
    private protected readonly Regularizer? kernelRegularizer;
    private protected readonly Constraint? kernelConstraint;
    private Variable? kernel;
    private Variable? bias;

    /// <summary>Checks and keeps Keras's arguments.</summary>
    private protected BaseConvTranspose(int rank, int filters, int[] kernelSize, int[]? strides, string padding, int[]? outputPadding, string dataFormat, int[]? dilationRate,
        ActivationFunction? activation, bool useBias, Initializer? kernelInitializer, Initializer? biasInitializer,
        Regularizer? kernelRegularizer, Regularizer? biasRegularizer, Regularizer? activityRegularizer, Constraint? kernelConstraint, Constraint? biasConstraint)
        : base(rank, kernelSize, strides, padding, dataFormat, dilationRate, activation, useBias, biasInitializer, biasRegularizer, activityRegularizer, biasConstraint,
            allowCausal: false)
    {
        string cls = GetType().Name;
        if (filters <= 0)
            throw new ArgumentOutOfRangeException(nameof(filters), filters, $"{cls}: Invalid value for argument `filters`. Expected a strictly positive value. Received filters={filters}.");
        this.filters = filters;
        this.outputPadding = outputPadding is null ? null : StandardizeTuple(cls, outputPadding, rank, "output_padding", 0, allowZero: true);
        if (this.outputPadding is not null)
        {
            for (int i = 0; i < rank; i++)
                if (this.outputPadding[i] >= this.strides[i])
                    throw new ArgumentException(
                        $"{cls}: `output_padding` must be strictly less than `strides` for all dimensions. At dimension {i}, `output_padding` is {this.outputPadding[i]} but `strides` is {this.strides[i]}. " +
                        $"Received: output_padding={PythonTuple(this.outputPadding)}, strides={PythonTuple(this.strides)}", nameof(outputPadding));
        }
        this.kernelInitializer = kernelInitializer ?? Initializers.GlorotUniform();
        this.kernelRegularizer = kernelRegularizer;
        this.kernelConstraint = kernelConstraint;
        CheckStridesWithDilation();
    }

    /// <summary>The number of output channels.</summary>
    public int Filters => filters;

    /// <summary>The extra length at the end of each output axis (null: Keras's default).</summary>
    public IReadOnlyList<int>? OutputPadding => outputPadding;

    /// <summary>The kernel <c>(*kernel_size, filters, in_channels)</c>, once built.</summary>
    public Variable? Kernel => kernel;

    /// <summary>The bias <c>(filters)</c>, once built (null without bias).</summary>
    public Variable? Bias => bias;

    /// <summary>Creates <c>kernel</c> and <c>bias</c> from the input's channel count.</summary>
    protected void Build(Shape inputShape)
    {
        int channels = InputChannels(inputShape);
        kernel = AddWeight("kernel", KernelShape(kernelSize, filters, channels), kernelInitializer, regularizer: kernelRegularizer, constraint: kernelConstraint);
        if (useBias) bias = AddWeight("bias", [filters], biasInitializer, regularizer: biasRegularizer, constraint: biasConstraint);
    }

    /// <summary>The output's spatial sizes for an input's (Keras's <c>compute_conv_transpose_output_shape</c>; unknown stays unknown).</summary>
    private int[] OutputSpatial(int[] inputSpatial)
    {
        var sizes = new int[rank];
        for (int i = 0; i < rank; i++)
            sizes[i] = inputSpatial[i] == Shape.Unknown
                ? Shape.Unknown
                : ConvGeometry.TransposeOutputLength(inputSpatial[i], kernelSize[i], strides[i], dilationRate[i], padding, outputPadding?[i]);
        return sizes;
    }

    /// <summary>
    /// <c>activation(conv_transpose(inputs, kernel) + bias)</c>. A symbolic input with an unknown spatial size (a
    /// functional model on <c>Keras.Input([null, null, 3])</c>) gives a symbolic output of Keras's shape, the unknown
    /// sizes unknown: the op needs every output size, and the model's calls on real inputs compute it.
    /// </summary>
    protected Tensor Call(Tensor inputs)
    {
        var x = ToChannelsLast(inputs);
        var spatial = new int[rank];
        for (int i = 0; i < rank; i++) spatial[i] = x.Shape[1 + i];
        if (x.IsSymbolic && spatial.Contains(Shape.Unknown))
        {
            var dims = new int[rank + 2];
            dims[0] = x.Shape[0];
            OutputSpatial(spatial).CopyTo(dims, 1);
            dims[^1] = filters;
            var symbolic = Tensor.Placeholder(new Shape(dims), x.DType);
            return Finish(symbolic, bias);
        }
        var pads = ConvGeometry.TransposePads(padding, spatial, kernelSize, strides, dilationRate, outputPadding);
        var y = Ops.ConvTranspose(x, kernel!, OutputSpatial(spatial), strides, pads, dilationRate);
        return Finish(y, bias);
    }

    /// <summary>Keras's order: <c>kernel</c>, then <c>bias</c>.</summary>
    protected internal override void VisitMembers(IModuleVisitor visitor)
    {
        base.VisitMembers(visitor);
        if (kernel is not null) visitor.Variable("kernel", kernel);
        if (bias is not null) visitor.Variable("bias", bias);
    }
}
