namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>Conv1DTranspose</c>: the transposed convolution (the gradient of a convolution with respect to its input),
/// <c>activation(conv_transpose(inputs, kernel) + bias)</c>. Weights <c>kernel</c> <c>(k, filters, in_channels)</c> (filters
/// second to last, as Keras stores it) and <c>bias</c> <c>(filters)</c>. See <see cref="BaseConvTranspose"/> for the output size.
/// </summary>
/// <remarks>
/// The config holds the window arguments as lists, as Keras writes them; in C# give them as integers (same on every axis)
/// or as arrays (one per axis).
/// </remarks>
[Layer(Package = "keras.layers")]
public partial class Conv1DTranspose : BaseConvTranspose
{
    /// <summary>Creates the layer with the same kernel size, stride, output padding and dilation on every spatial axis (Keras 3's arguments and defaults).</summary>
    /// <param name="filters">The number of output channels (filters).</param>
    /// <param name="kernelSize">The window size.</param>
    /// <param name="strides">The step of the window; the same on every axis. Strides above 1 cannot be combined with a dilation above 1.</param>
    /// <param name="padding"><c>"valid"</c> (no padding), <c>"same"</c> (TensorFlow's: the output has <c>ceil(in / stride)</c> values, an odd extra pad at the end); case-insensitive.</param>
    /// <param name="outputPadding">The extra length added at the end of each output axis (each below its stride); null is Keras's default.</param>
    /// <param name="dataFormat"><c>"channels_last"</c> (inputs <c>(batch, steps, channels)</c>) or <c>"channels_first"</c> (<c>(batch, channels, steps)</c>).</param>
    /// <param name="dilationRate">The spacing of the window's taps; the same on every axis.</param>
    /// <param name="activation">Applied to the output; null is <c>"linear"</c>.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="kernelInitializer">Default Glorot uniform.</param>
    /// <param name="biasInitializer">Default zeros.</param>
    /// <param name="kernelRegularizer">Penalty on the kernel.</param>
    /// <param name="biasRegularizer">Penalty on the bias.</param>
    /// <param name="activityRegularizer">Penalty on the output.</param>
    /// <param name="kernelConstraint">Projection of the kernel after updates.</param>
    /// <param name="biasConstraint">Projection of the bias after updates.</param>
    public Conv1DTranspose(int filters, int kernelSize, int strides = 1, string padding = "valid", int? outputPadding = null,
        string dataFormat = "channels_last", int dilationRate = 1, ActivationFunction? activation = null,
        bool useBias = true, Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null,
        Regularizer? activityRegularizer = null, Constraint? kernelConstraint = null,
        Constraint? biasConstraint = null)
        : this(filters, [kernelSize], [strides], padding, outputPadding is { } op ? [.. Enumerable.Repeat(op, 1)] : null,
            dataFormat, [dilationRate], activation, useBias, kernelInitializer, biasInitializer, kernelRegularizer,
            biasRegularizer, activityRegularizer, kernelConstraint, biasConstraint)
    {
    }

    /// <summary>Creates the layer with one value per spatial axis (Keras 3's arguments and defaults; the config form).</summary>
    /// <param name="filters">The number of output channels (filters).</param>
    /// <param name="kernelSize">The window size.</param>
    /// <param name="strides">The step of the window; null is 1 on every axis. Strides above 1 cannot be combined with a dilation above 1.</param>
    /// <param name="padding"><c>"valid"</c> (no padding), <c>"same"</c> (TensorFlow's: the output has <c>ceil(in / stride)</c> values, an odd extra pad at the end); case-insensitive.</param>
    /// <param name="outputPadding">The extra length added at the end of each output axis (each below its stride); null is Keras's default.</param>
    /// <param name="dataFormat"><c>"channels_last"</c> (inputs <c>(batch, steps, channels)</c>) or <c>"channels_first"</c> (<c>(batch, channels, steps)</c>).</param>
    /// <param name="dilationRate">The spacing of the window's taps; null is 1 on every axis.</param>
    /// <param name="activation">Applied to the output; null is <c>"linear"</c>.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="kernelInitializer">Default Glorot uniform.</param>
    /// <param name="biasInitializer">Default zeros.</param>
    /// <param name="kernelRegularizer">Penalty on the kernel.</param>
    /// <param name="biasRegularizer">Penalty on the bias.</param>
    /// <param name="activityRegularizer">Penalty on the output.</param>
    /// <param name="kernelConstraint">Projection of the kernel after updates.</param>
    /// <param name="biasConstraint">Projection of the bias after updates.</param>
    [ConfigConstructor]
    public Conv1DTranspose(int filters, int[] kernelSize, int[]? strides = null, string padding = "valid", int[]? outputPadding = null,
        string dataFormat = "channels_last", int[]? dilationRate = null, ActivationFunction? activation = null,
        bool useBias = true, Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null,
        Regularizer? activityRegularizer = null, Constraint? kernelConstraint = null,
        Constraint? biasConstraint = null)
        : base(rank: 1, filters: filters, kernelSize: kernelSize, strides: strides, padding: padding,
            outputPadding: outputPadding, dataFormat: dataFormat, dilationRate: dilationRate, activation: activation,
            useBias: useBias, kernelInitializer: kernelInitializer, biasInitializer: biasInitializer,
            kernelRegularizer: kernelRegularizer, biasRegularizer: biasRegularizer,
            activityRegularizer: activityRegularizer, kernelConstraint: kernelConstraint, biasConstraint: biasConstraint)
    {
    }
}
