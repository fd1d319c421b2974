namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>SeparableConv1D</c>: a depthwise convolution (<c>depth_multiplier</c> filters per channel, with the layer's
/// strides, padding and dilation) followed by a pointwise (1×1) convolution to <c>filters</c> channels. Weights
/// <c>depthwise_kernel</c> <c>(k, in_channels, depth_multiplier)</c>, <c>pointwise_kernel</c>
/// <c>(1, in_channels·depth_multiplier, filters)</c> and <c>bias</c> <c>(filters)</c>, as Keras stores them.
/// </summary>
/// <remarks>
/// The config holds the window arguments as lists, as Keras writes them; in C# give them as integers (same on every axis)
/// or as arrays (one per axis).
/// </remarks>
[Layer(Package = "keras.layers")]
public partial class SeparableConv1D : BaseSeparableConv
{
    /// <summary>Creates the layer with the same kernel size, stride and dilation on every spatial axis (Keras 3's arguments and defaults).</summary>
    /// <param name="filters">The number of output channels (filters).</param>
    /// <param name="kernelSize">The window size.</param>
    /// <param name="strides">The step of the window; the same on every axis.</param>
    /// <param name="padding"><c>"valid"</c> (no padding), <c>"same"</c> (TensorFlow's: the output has <c>ceil(in / stride)</c> values, an odd extra pad at the end); case-insensitive.</param>
    /// <param name="dataFormat"><c>"channels_last"</c> (inputs <c>(batch, steps, channels)</c>) or <c>"channels_first"</c> (<c>(batch, channels, steps)</c>).</param>
    /// <param name="dilationRate">The spacing of the window's taps; the same on every axis.</param>
    /// <param name="depthMultiplier">The number of output channels per input channel in the depthwise step.</param>
    /// <param name="activation">Applied to the output; null is <c>"linear"</c>.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="depthwiseInitializer">Default Glorot uniform.</param>
    /// <param name="pointwiseInitializer">Default Glorot uniform.</param>
    /// <param name="biasInitializer">Default zeros.</param>
    /// <param name="depthwiseRegularizer">Penalty on the depthwise kernel.</param>
    /// <param name="pointwiseRegularizer">Penalty on the pointwise kernel.</param>
    /// <param name="biasRegularizer">Penalty on the bias.</param>
    /// <param name="activityRegularizer">Penalty on the output.</param>
    /// <param name="depthwiseConstraint">Projection of the depthwise kernel after updates.</param>
    /// <param name="pointwiseConstraint">Projection of the pointwise kernel after updates.</param>
    /// <param name="biasConstraint">Projection of the bias after updates.</param>
    public SeparableConv1D(int filters, int kernelSize, int strides = 1, string padding = "valid", string dataFormat = "channels_last",
        int dilationRate = 1, int depthMultiplier = 1, ActivationFunction? activation = null, bool useBias = true,
        Initializer? depthwiseInitializer = null, Initializer? pointwiseInitializer = null,
        Initializer? biasInitializer = null, Regularizer? depthwiseRegularizer = null,
        Regularizer? pointwiseRegularizer = null, Regularizer? biasRegularizer = null,
        Regularizer? activityRegularizer = null, Constraint? depthwiseConstraint = null,
        Constraint? pointwiseConstraint = null, Constraint? biasConstraint = null)
        : this(filters, [kernelSize], [strides], padding, dataFormat, [dilationRate], depthMultiplier, activation, useBias,
            depthwiseInitializer, pointwiseInitializer, biasInitializer, depthwiseRegularizer, pointwiseRegularizer,
            biasRegularizer, activityRegularizer, depthwiseConstraint, pointwiseConstraint, biasConstraint)
    {
    }

    /// <summary>Creates the layer with one value per spatial axis (Keras 3's arguments and defaults; the config form).</summary>
    /// <param name="filters">The number of output channels (filters).</param>
    /// <param name="kernelSize">The window size.</param>
    /// <param name="strides">The step of the window; null is 1 on every axis.</param>
    /// <param name="padding"><c>"valid"</c> (no padding), <c>"same"</c> (TensorFlow's: the output has <c>ceil(in / stride)</c> values, an odd extra pad at the end); case-insensitive.</param>
    /// <param name="dataFormat"><c>"channels_last"</c> (inputs <c>(batch, steps, channels)</c>) or <c>"channels_first"</c> (<c>(batch, channels, steps)</c>).</param>
    /// <param name="dilationRate">The spacing of the window's taps; null is 1 on every axis.</param>
    /// <param name="depthMultiplier">The number of output channels per input channel in the depthwise step.</param>
    /// <param name="activation">Applied to the output; null is <c>"linear"</c>.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="depthwiseInitializer">Default Glorot uniform.</param>
    /// <param name="pointwiseInitializer">Default Glorot uniform.</param>
    /// <param name="biasInitializer">Default zeros.</param>
    /// <param name="depthwiseRegularizer">Penalty on the depthwise kernel.</param>
    /// <param name="pointwiseRegularizer">Penalty on the pointwise kernel.</param>
    /// <param name="biasRegularizer">Penalty on the bias.</param>
    /// <param name="activityRegularizer">Penalty on the output.</param>
    /// <param name="depthwiseConstraint">Projection of the depthwise kernel after updates.</param>
    /// <param name="pointwiseConstraint">Projection of the pointwise kernel after updates.</param>
    /// <param name="biasConstraint">Projection of the bias after updates.</param>
    [ConfigConstructor]
    public SeparableConv1D(int filters, int[] kernelSize, int[]? strides = null, string padding = "valid",
        string dataFormat = "channels_last", int[]? dilationRate = null, int depthMultiplier = 1,
        ActivationFunction? activation = null, bool useBias = true, Initializer? depthwiseInitializer = null,
        Initializer? pointwiseInitializer = null, Initializer? biasInitializer = null,
        Regularizer? depthwiseRegularizer = null, Regularizer? pointwiseRegularizer = null,
        Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
        Constraint? depthwiseConstraint = null, Constraint? pointwiseConstraint = null,
        Constraint? biasConstraint = null)
        : base(rank: 1, filters: filters, kernelSize: kernelSize, strides: strides, padding: padding,
            dataFormat: dataFormat, dilationRate: dilationRate, depthMultiplier: depthMultiplier, activation: activation,
            useBias: useBias, depthwiseInitializer: depthwiseInitializer, pointwiseInitializer: pointwiseInitializer,
            biasInitializer: biasInitializer, depthwiseRegularizer: depthwiseRegularizer,
            pointwiseRegularizer: pointwiseRegularizer, biasRegularizer: biasRegularizer,
            activityRegularizer: activityRegularizer, depthwiseConstraint: depthwiseConstraint,
            pointwiseConstraint: pointwiseConstraint, biasConstraint: biasConstraint)
    {
    }
}
