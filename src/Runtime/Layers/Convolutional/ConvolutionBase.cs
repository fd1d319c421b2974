using System.Globalization;

namespace LayerGen.Layers;

/// <summary>
/// What every Keras convolution layer shares (Keras keeps it in each of <c>BaseConv</c>, <c>BaseConvTranspose</c>,
/// <c>BaseDepthwiseConv</c> and <c>BaseSeparableConv</c>): the window arguments <c>kernel_size</c>, <c>strides</c>,
/// <c>dilation_rate</c> as one integer per spatial axis, <c>padding</c>, <c>data_format</c>, the activation and the bias,
/// their validation in Keras's words, the input checks of <c>build</c>, and the layout: the ops work channels last,
/// so a <c>channels_first</c> layer transposes its input before the op and its output after it.
/// </summary>
/// <remarks>
/// The concrete layers are <c>[Layer]</c> classes whose constructor arguments are kept in the fields here, so their
/// generated <c>GetConfig</c>/<c>FromConfig</c> read and write them. Not meant to be derived from outside LayerGen.
/// </remarks>
public abstract class ConvolutionBase : Layer
{
    private protected readonly int rank;
    private protected readonly int[] kernelSize;
    private protected readonly int[] strides;
    private protected readonly string padding;
    private protected readonly string dataFormat;
    private protected readonly int[] dilationRate;
    private protected readonly ActivationFunction activation;
    private protected readonly bool useBias;
    private protected readonly Initializer biasInitializer;
    private protected readonly Regularizer? biasRegularizer;
    private protected readonly Constraint? biasConstraint;

    /// <summary>Checks and keeps the shared arguments (Keras's <c>standardize_tuple</c>, <c>standardize_padding</c>, <c>standardize_data_format</c>).</summary>
    private protected ConvolutionBase(int rank, int[] kernelSize, int[]? strides, string padding, string dataFormat, int[]? dilationRate,
        ActivationFunction? activation, bool useBias, Initializer? biasInitializer, Regularizer? biasRegularizer, Regularizer? activityRegularizer,
        Constraint? biasConstraint, bool allowCausal)
    {
        string cls = GetType().Name;
        this.rank = rank;
        this.kernelSize = StandardizeTuple(cls, kernelSize, rank, "kernel_size", 1);
        this.strides = StandardizeTuple(cls, strides, rank, "strides", 1);
        this.dilationRate = StandardizeTuple(cls, dilationRate, rank, "dilation_rate", 1);
        this.padding = StandardizePadding(cls, padding, allowCausal);
        this.dataFormat = StandardizeDataFormat(cls, dataFormat);
        this.activation = activation ?? ActivationFunction.Linear;
        this.useBias = useBias;
        this.biasInitializer = biasInitializer ?? Initializers.Zeros();
        this.biasRegularizer = biasRegularizer;
        this.biasConstraint = biasConstraint;
        ActivityRegularizer = activityRegularizer;
        InputSpec = new InputSpec(minNdim: rank + 2);
    }

    /// <summary>The number of spatial axes (1, 2 or 3).</summary>
    public int Rank => rank;

    /// <summary>The window size on each spatial axis.</summary>
    public IReadOnlyList<int> KernelSize => kernelSize;

    /// <summary>The step of the window on each spatial axis.</summary>
    public IReadOnlyList<int> Strides => strides;

    /// <summary><c>"valid"</c>, <c>"same"</c> or (Conv1D only) <c>"causal"</c>.</summary>
    public string Padding => padding;

    /// <summary><c>"channels_last"</c> (inputs <c>(batch, *spatial, channels)</c>) or <c>"channels_first"</c> (<c>(batch, channels, *spatial)</c>).</summary>
    public string DataFormat => dataFormat;

    /// <summary>The spacing of the window's taps on each spatial axis.</summary>
    public IReadOnlyList<int> DilationRate => dilationRate;

    /// <summary>The activation applied to the output.</summary>
    public ActivationFunction Activation => activation;

    /// <summary>Whether the layer adds a bias.</summary>
    public bool UseBias => useBias;

    private protected bool ChannelsFirst => dataFormat == "channels_first";

    /// <summary>Keras's <c>standardize_tuple</c>: null is <paramref name="fill"/> on every axis; the length and the values are checked.</summary>
    private protected static int[] StandardizeTuple(string cls, int[]? value, int n, string name, int fill, bool allowZero = false)
    {
        if (value is null)
            return Enumerable.Repeat(fill, n).ToArray();
        string message = $"{cls}: The `{name}` argument must be a tuple of {n} integers. Received {name}={PythonTuple(value)}";
        if (value.Length != n)
            throw new ArgumentException(message, ToParameterName(name));
        var bad = value.Where(v => allowZero ? v < 0 : v <= 0).Distinct().ToArray();
        if (bad.Length > 0)
            throw new ArgumentException(message + $", including values {{{string.Join(", ", bad)}}} that do not satisfy `value {(allowZero ? ">= 0" : "> 0")}`", ToParameterName(name));
        return [.. value];
    }

    private static string StandardizePadding(string cls, string padding, bool allowCausal)
    {
        ArgumentNullException.ThrowIfNull(padding);
        string p = padding.ToLowerInvariant();
        if (p is "valid" or "same" || (allowCausal && p == "causal"))
            return p;
        string allowed = allowCausal ? "{'valid', 'same', 'causal'}" : "{'valid', 'same'}";
        throw new ArgumentException($"{cls}: The `padding` argument must be a list/tuple or one of {allowed}. Received: {p}", nameof(padding));
    }

    private static string StandardizeDataFormat(string cls, string dataFormat)
    {
        ArgumentNullException.ThrowIfNull(dataFormat);
        string f = dataFormat.ToLowerInvariant();
        if (f is "channels_last" or "channels_first")
            return f;
        throw new ArgumentException($"{cls}: The `data_format` argument must be one of {{'channels_first', 'channels_last'}}. Received: data_format={f}", nameof(dataFormat));
    }

    /// <summary>Keras's check shared by Conv and ConvTranspose.</summary>
    private protected void CheckStridesWithDilation()
    {
        if (strides.Max() > 1 && dilationRate.Max() > 1)
            throw new ArgumentException($"{GetType().Name}: `strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides={PythonTuple(strides)} and dilation_rate={PythonTuple(dilationRate)}", nameof(strides));
    }

    /// <summary>
    /// The input's channel count, after checking the rank (exactly <c>rank + 2</c>) and that the channel axis is known;
    /// sets the <see cref="Layer.InputSpec"/> Keras sets in <c>build</c> (the channel axis fixed).
    /// </summary>
    private protected int InputChannels(Shape inputShape)
    {
        int ndim = inputShape.Rank;
        string prefix = $"Input 0 of layer \"{Name}\" is incompatible with the layer: ";
        if (ndim < rank + 2)
            throw new IncompatibleInputException(prefix + $"expected min_ndim={rank + 2}, found ndim={ndim}. Full shape received: {inputShape}");
        if (ndim > rank + 2)
            throw new IncompatibleInputException(prefix + $"expected ndim={rank + 2}, found ndim={ndim}: {GetType().Name} convolves {rank} spatial axes. Full shape received: {inputShape}");
        int channelAxis = ChannelsFirst ? 1 : -1;
        int channels = inputShape[channelAxis];
        if (channels == Shape.Unknown)
            throw new IncompatibleInputException($"{GetType().Name} \"{Name}\": The channel dimension of the inputs should be defined. The input_shape received is {inputShape}, where axis {(ChannelsFirst ? 1 : ndim - 1)} (0-based) is the channel dimension, which found to be `None`.");
        InputSpec = new InputSpec(ndim: rank + 2, axes: new Dictionary<int, int> { [channelAxis] = channels });
        return channels;
    }

    /// <summary>The spatial sizes of an input of the layer's data format.</summary>
    private protected int[] SpatialSizes(Shape shape)
    {
        var sizes = new int[rank];
        for (int i = 0; i < rank; i++) sizes[i] = shape[(ChannelsFirst ? 2 : 1) + i];
        return sizes;
    }

    /// <summary>
    /// Keras's <c>compute_conv_output_shape</c> check at build: "Computed output size would be zero or negative" when the
    /// (dilated) window is larger than the input on a known axis with <c>"valid"</c> padding.
    /// </summary>
    private protected void CheckOutputSize(Shape inputShape, Shape kernelShape)
    {
        if (padding != "valid")
            return;
        var spatial = SpatialSizes(inputShape);
        for (int i = 0; i < rank; i++)
        {
            if (spatial[i] == Shape.Unknown)
                continue;
            int length = (int)Math.Floor((spatial[i] - dilationRate[i] * (kernelSize[i] - 1) - 1) / (double)strides[i]) + 1;
            if (length <= 0)
                throw new IncompatibleInputException(
                    $"{GetType().Name} \"{Name}\": Computed output size would be zero or negative. Received `inputs shape={inputShape}`, `kernel shape={kernelShape}`, " +
                    $"`dilation_rate={NumpyArray(dilationRate)}`, `strides={PythonTuple(strides)}`, `padding={padding}`.");
        }
    }

    /// <summary>
    /// The spatial sizes of a channels-last tensor for the pads' arithmetic: an unknown size (a symbolic input such as
    /// <c>Keras.Input([null, null, 3])</c>) counts as 1, which gives the pads of every size when the stride is 1; the
    /// op's output size stays unknown on that axis either way.
    /// </summary>
    private protected int[] SpatialForPads(Tensor channelsLast)
    {
        var sizes = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int n = channelsLast.Shape[1 + i];
            sizes[i] = n == Shape.Unknown ? 1 : n;
        }
        return sizes;
    }

    /// <summary>The input in channels-last layout (the ops' layout).</summary>
    private protected Tensor ToChannelsLast(Tensor inputs)
    {
        if (!ChannelsFirst)
            return inputs;
        var perm = new int[rank + 2];
        for (int i = 0; i < rank; i++) perm[1 + i] = 2 + i;
        perm[rank + 1] = 1;
        return Ops.Transpose(inputs, perm);
    }

    /// <summary>
    /// Adds the bias (over the last, channel axis), applies the activation and returns to the layer's data format.
    /// <paramref name="ownsOutput"/>: <paramref name="channelsLast"/> is a convolution's fresh output that nothing else
    /// reads, so the bias and a relu may overwrite it (<see cref="BiasActivationInPlace"/>).
    /// </summary>
    private protected Tensor Finish(Tensor channelsLast, Variable? bias, bool ownsOutput = false)
    {
        var y = ownsOutput ? BiasActivationInPlace.Apply(channelsLast, bias, activation)
            : activation.Call(bias is null ? channelsLast : Ops.Add(channelsLast, bias));
        if (!ChannelsFirst)
            return y;
        var perm = new int[rank + 2];
        perm[1] = rank + 1;
        for (int i = 0; i < rank; i++) perm[2 + i] = 1 + i;
        return Ops.Transpose(y, perm);
    }

    /// <summary>The Keras kernel shape with the known part of the input shape, for messages.</summary>
    private protected static Shape KernelShape(int[] window, int a, int b) => new([.. window, a, b]);

    /// <summary>A Python tuple's repr: <c>(3, 3)</c>, <c>(3,)</c>.</summary>
    private protected static string PythonTuple(int[] values)
        => values.Length == 1 ? $"({values[0].ToString(CultureInfo.InvariantCulture)},)" : "(" + string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + ")";

    private static string NumpyArray(int[] values) => "[" + string.Join(" ", values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + "]";

    private static string ToParameterName(string snake) => snake switch
    {
        "kernel_size" => "kernelSize",
        "dilation_rate" => "dilationRate",
        "output_padding" => "outputPadding",
        _ => snake,
    };
}
