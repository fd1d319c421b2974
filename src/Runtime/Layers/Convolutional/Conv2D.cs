namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>Conv2D</c>: an image (spatial convolution), <c>activation(conv(inputs, kernel) + bias)</c>.
/// Weights <c>kernel</c> <c>(kh, kw, in_channels / groups, filters)</c> and <c>bias</c> <c>(filters)</c>, as Keras stores them.
/// </summary>
/// <remarks>
/// The config holds <c>kernel_size</c>, <c>strides</c> and <c>dilation_rate</c> as lists, as Keras writes them; in C# give them
/// as integers (same on every axis) or as arrays (one per axis: then all three are arrays or null).
/// </remarks>
[Layer(Package = "keras.layers")]
public partial class Conv2D : BaseConv
{
    /// <summary>Creates the layer with the same kernel size, stride and dilation on every spatial axis (Keras 3's arguments and defaults).</summary>
    /// <param name="filters">The number of output channels (filters).</param>
    /// <param name="kernelSize">The window size on each spatial axis.</param>
    /// <param name="strides">The step of the window on each spatial axis; the same on every axis. Strides above 1 cannot be combined with a dilation above 1.</param>
    /// <param name="padding"><c>"valid"</c> (no padding), <c>"same"</c> (TensorFlow's: the output has <c>ceil(in / stride)</c> values, an odd extra pad at the end); case-insensitive.</param>
    /// <param name="dataFormat"><c>"channels_last"</c> (inputs <c>(batch, rows, cols, channels)</c>) or <c>"channels_first"</c> (<c>(batch, channels, rows, cols)</c>).</param>
    /// <param name="dilationRate">The spacing of the window's taps on each spatial axis; the same on every axis.</param>
    /// <param name="groups">The number of groups the input channels are split into; each is convolved with <c>filters / groups</c> filters. Channels and filters must both be divisible by it.</param>
    /// <param name="activation">Applied to the output; null is <c>"linear"</c>.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="kernelInitializer">Default Glorot uniform.</param>
    /// <param name="biasInitializer">Default zeros.</param>
    /// <param name="kernelRegularizer">Penalty on the kernel.</param>
    /// <param name="biasRegularizer">Penalty on the bias.</param>
    /// <param name="activityRegularizer">Penalty on the output.</param>
    /// <param name="kernelConstraint">Projection of the kernel after updates.</param>
    /// <param name="biasConstraint">Projection of the bias after updates.</param>
    public Conv2D(int filters, int kernelSize, int strides = 1, string padding = "valid", string dataFormat = "channels_last",
        int dilationRate = 1, int groups = 1, ActivationFunction? activation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null,
        Regularizer? activityRegularizer = null, Constraint? kernelConstraint = null,
        Constraint? biasConstraint = null)
        : this(filters, [.. Enumerable.Repeat(kernelSize, 2)], [.. Enumerable.Repeat(strides, 2)], padding, dataFormat,
            [.. Enumerable.Repeat(dilationRate, 2)], groups, activation, useBias, kernelInitializer, biasInitializer,
            kernelRegularizer, biasRegularizer, activityRegularizer, kernelConstraint, biasConstraint)
    {
    }

    /// <summary>Creates the layer with one value per spatial axis (Keras 3's arguments and defaults; the config form).</summary>
    /// <param name="filters">The number of output channels (filters).</param>
    /// <param name="kernelSize">The window size on each spatial axis.</param>
    /// <param name="strides">The step of the window on each spatial axis; null is 1 on every axis. Strides above 1 cannot be combined with a dilation above 1.</param>
    /// <param name="padding"><c>"valid"</c> (no padding), <c>"same"</c> (TensorFlow's: the output has <c>ceil(in / stride)</c> values, an odd extra pad at the end); case-insensitive.</param>
    /// <param name="dataFormat"><c>"channels_last"</c> (inputs <c>(batch, rows, cols, channels)</c>) or <c>"channels_first"</c> (<c>(batch, channels, rows, cols)</c>).</param>
    /// <param name="dilationRate">The spacing of the window's taps on each spatial axis; null is 1 on every axis.</param>
    /// <param name="groups">The number of groups the input channels are split into; each is convolved with <c>filters / groups</c> filters. Channels and filters must both be divisible by it.</param>
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
    public Conv2D(int filters, int[] kernelSize, int[]? strides = null, string padding = "valid",
        string dataFormat = "channels_last", int[]? dilationRate = null, int groups = 1,
        ActivationFunction? activation = null, bool useBias = true, Initializer? kernelInitializer = null,
        Initializer? biasInitializer = null, Regularizer? kernelRegularizer = null,
        Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
        Constraint? kernelConstraint = null, Constraint? biasConstraint = null)
        : base(rank: 2, filters: filters, kernelSize: kernelSize, strides: strides, padding: padding,
            dataFormat: dataFormat, dilationRate: dilationRate, groups: groups, activation: activation, useBias: useBias,
            kernelInitializer: kernelInitializer, biasInitializer: biasInitializer, kernelRegularizer: kernelRegularizer,
            biasRegularizer: biasRegularizer, activityRegularizer: activityRegularizer,
            kernelConstraint: kernelConstraint, biasConstraint: biasConstraint)
    {
    }
}
