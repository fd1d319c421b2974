namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>DepthwiseConv2D</c>: each input channel convolved with its own <c>depth_multiplier</c> filters, output channel
/// <c>c·depth_multiplier + m</c>. Weights <c>kernel</c> <c>(kh, kw, in_channels, depth_multiplier)</c> and <c>bias</c>
/// <c>(in_channels·depth_multiplier)</c>, as Keras names and stores them.
/// </summary>
/// <remarks>
/// The config holds the window arguments as lists, as Keras writes them; in C# give them as integers (same on every axis)
/// or as arrays (one per axis).
/// </remarks>
[Layer(Package = "keras.layers")]
public partial class DepthwiseConv2D : BaseDepthwiseConv
{
    /// <summary>Creates the layer with the same kernel size, stride and dilation on every spatial axis (Keras 3's arguments and defaults).</summary>
    /// <param name="kernelSize">The window size on each spatial axis.</param>
    /// <param name="strides">The step of the window on each spatial axis; the same on every axis.</param>
    /// <param name="padding"><c>"valid"</c> (no padding), <c>"same"</c> (TensorFlow's: the output has <c>ceil(in / stride)</c> values, an odd extra pad at the end); case-insensitive.</param>
    /// <param name="depthMultiplier">The number of output channels per input channel in the depthwise step.</param>
    /// <param name="dataFormat"><c>"channels_last"</c> (inputs <c>(batch, rows, cols, channels)</c>) or <c>"channels_first"</c> (<c>(batch, channels, rows, cols)</c>).</param>
    /// <param name="dilationRate">The spacing of the window's taps on each spatial axis; the same on every axis.</param>
    /// <param name="activation">Applied to the output; null is <c>"linear"</c>.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="depthwiseInitializer">Default Glorot uniform.</param>
    /// <param name="biasInitializer">Default zeros.</param>
    /// <param name="depthwiseRegularizer">Penalty on the depthwise kernel.</param>
    /// <param name="biasRegularizer">Penalty on the bias.</param>
    /// <param name="activityRegularizer">Penalty on the output.</param>
    /// <param name="depthwiseConstraint">Projection of the depthwise kernel after updates.</param>
    /// <param name="biasConstraint">Projection of the bias after updates.</param>
    public DepthwiseConv2D(int kernelSize, int strides = 1, string padding = "valid", int depthMultiplier = 1,
        string dataFormat = "channels_last", int dilationRate = 1, ActivationFunction? activation = null,
        bool useBias = true, Initializer? depthwiseInitializer = null, Initializer? biasInitializer = null,
        Regularizer? depthwiseRegularizer = null, Regularizer? biasRegularizer = null,
        Regularizer? activityRegularizer = null, Constraint? depthwiseConstraint = null,
        Constraint? biasConstraint = null)
        : this([.. Enumerable.Repeat(kernelSize, 2)], [.. Enumerable.Repeat(strides, 2)], padding, depthMultiplier,
            dataFormat, [.. Enumerable.Repeat(dilationRate, 2)], activation, useBias, depthwiseInitializer,
            biasInitializer, depthwiseRegularizer, biasRegularizer, activityRegularizer, depthwiseConstraint,
            biasConstraint)
    {
    }

    /// <summary>Creates the layer with one value per spatial axis (Keras 3's arguments and defaults; the config form).</summary>
    /// <param name="kernelSize">The window size on each spatial axis.</param>
    /// <param name="strides">The step of the window on each spatial axis; null is 1 on every axis.</param>
    /// <param name="padding"><c>"valid"</c> (no padding), <c>"same"</c> (TensorFlow's: the output has <c>ceil(in / stride)</c> values, an odd extra pad at the end); case-insensitive.</param>
    /// <param name="depthMultiplier">The number of output channels per input channel in the depthwise step.</param>
    /// <param name="dataFormat"><c>"channels_last"</c> (inputs <c>(batch, rows, cols, channels)</c>) or <c>"channels_first"</c> (<c>(batch, channels, rows, cols)</c>).</param>
    /// <param name="dilationRate">The spacing of the window's taps on each spatial axis; null is 1 on every axis.</param>
    /// <param name="activation">Applied to the output; null is <c>"linear"</c>.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="depthwiseInitializer">Default Glorot uniform.</param>
    /// <param name="biasInitializer">Default zeros.</param>
    /// <param name="depthwiseRegularizer">Penalty on the depthwise kernel.</param>
    /// <param name="biasRegularizer">Penalty on the bias.</param>
    /// <param name="activityRegularizer">Penalty on the output.</param>
    /// <param name="depthwiseConstraint">Projection of the depthwise kernel after updates.</param>
    /// <param name="biasConstraint">Projection of the bias after updates.</param>
    [ConfigConstructor]
    public DepthwiseConv2D(int[] kernelSize, int[]? strides = null, string padding = "valid", int depthMultiplier = 1,
        string dataFormat = "channels_last", int[]? dilationRate = null, ActivationFunction? activation = null,
        bool useBias = true, Initializer? depthwiseInitializer = null, Initializer? biasInitializer = null,
        Regularizer? depthwiseRegularizer = null, Regularizer? biasRegularizer = null,
        Regularizer? activityRegularizer = null, Constraint? depthwiseConstraint = null,
        Constraint? biasConstraint = null)
        : base(rank: 2, kernelSize: kernelSize, strides: strides, padding: padding, depthMultiplier: depthMultiplier,
            dataFormat: dataFormat, dilationRate: dilationRate, activation: activation, useBias: useBias,
            depthwiseInitializer: depthwiseInitializer, biasInitializer: biasInitializer,
            depthwiseRegularizer: depthwiseRegularizer, biasRegularizer: biasRegularizer,
            activityRegularizer: activityRegularizer, depthwiseConstraint: depthwiseConstraint,
            biasConstraint: biasConstraint)
    {
    }
}
