namespace LayerGen.Operations;

/// <summary>
/// The arithmetic of convolution and pooling windows shared by the ops and the layers: Keras's <c>padding</c> names
/// turned into explicit pads, and output lengths. Pads are in ONNX order: <c>[begin_0 … begin_{r-1}, end_0 … end_{r-1}]</c>.
/// </summary>
public static class ConvGeometry
{
    /// <summary>
    /// The explicit pads of Keras's <paramref name="padding"/>: <c>"valid"</c> (none), <c>"same"</c> (TensorFlow's rule:
    /// total = max((ceil(in/s) − 1)·s + (k − 1)·d + 1 − in, 0), the extra one at the end) or <c>"causal"</c> (rank 1 only:
    /// (k − 1)·d before, none after). Returns <c>[begin_0 … begin_{r-1}, end_0 … end_{r-1}]</c>.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown padding, "causal" for rank other than 1, lists of different lengths, or a window, stride or dilation below 1.</exception>
    public static int[] Pads(string padding, ReadOnlySpan<int> inputSpatial, ReadOnlySpan<int> window, ReadOnlySpan<int> strides, ReadOnlySpan<int> dilations)
    {
        ArgumentNullException.ThrowIfNull(padding);
        int r = inputSpatial.Length;
        if (window.Length != r || strides.Length != r || dilations.Length != r)
            throw new ArgumentException($"ConvGeometry.Pads: the input has {r} spatial axes but window, strides and dilations have {window.Length}, {strides.Length} and {dilations.Length} entries.");
        for (int i = 0; i < r; i++)
            CheckWindow(window[i], strides[i], dilations[i]);
        var pads = new int[2 * r];
        switch (padding.ToLowerInvariant())
        {
            case "valid":
                break;
            case "same":
                for (int i = 0; i < r; i++)
                {
                    int input = inputSpatial[i];
                    int effective = (window[i] - 1) * dilations[i] + 1;
                    int outLength = (input + strides[i] - 1) / strides[i];
                    int total = Math.Max((outLength - 1) * strides[i] + effective - input, 0);
                    pads[i] = total / 2;
                    pads[r + i] = total - total / 2;
                }
                break;
            case "causal":
                if (r != 1) throw new ArgumentException($"ConvGeometry.Pads: padding \"causal\" is only for 1D (one spatial axis), got {r} spatial axes.");
                pads[0] = (window[0] - 1) * dilations[0];
                break;
            default:
                throw new ArgumentException($"The `padding` argument must be one of \"valid\", \"same\" (or \"causal\" for 1D). Received: padding={padding}");
        }
        return pads;
    }

    /// <summary>
    /// The output length of a window of <paramref name="window"/> taps <paramref name="dilation"/> apart, moved by
    /// <paramref name="stride"/> over <paramref name="input"/> values padded with <paramref name="padBegin"/> and
    /// <paramref name="padEnd"/>: <c>floor((in + pb + pe − (k − 1)·d − 1) / s) + 1</c>. Zero or negative when the
    /// window does not fit (the ops refuse that).
    /// </summary>
    public static int OutputLength(int input, int window, int stride, int dilation, int padBegin, int padEnd)
    {
        CheckWindow(window, stride, dilation);
        int span = input + padBegin + padEnd - ((window - 1) * dilation + 1);
        return span >= 0 ? span / stride + 1 : 1 - (-span + stride - 1) / stride;   // floor(span / s) + 1
    }

    /// <summary>
    /// Keras's output length of a transposed convolution (<c>conv_transpose</c>): for <c>"valid"</c>,
    /// <c>(in − 1)·s + k′ + output_padding</c> with <c>output_padding</c> defaulting to <c>max(k′, s) − k′</c>; for
    /// <c>"same"</c>, <c>in·s</c>, or <c>(in − 1)·s + k′ mod 2 + output_padding</c> when it is given (k′ = (k − 1)·d + 1).
    /// </summary>
    public static int TransposeOutputLength(int input, int window, int stride, int dilation, string padding, int? outputPadding)
    {
        ArgumentNullException.ThrowIfNull(padding);
        CheckWindow(window, stride, dilation);
        int effective = (window - 1) * dilation + 1;
        return padding.ToLowerInvariant() switch
        {
            "valid" => (input - 1) * stride + effective + (outputPadding ?? Math.Max(effective, stride) - effective),
            "same" => outputPadding is { } p ? (input - 1) * stride + effective % 2 + p : input * stride,
            _ => throw new ArgumentException($"The `padding` argument must be one of 'valid', 'same'. Received: padding={padding}"),
        };
    }

    /// <summary>
    /// The pads of <see cref="Ops.ConvTranspose"/> (the pads of the convolution it is the gradient of, ONNX order) that
    /// give Keras's transposed convolution with <paramref name="padding"/> and <paramref name="outputPadding"/> (null:
    /// Keras's default) when the output has <see cref="TransposeOutputLength"/> values on each axis.
    /// </summary>
    public static int[] TransposePads(string padding, ReadOnlySpan<int> inputSpatial, ReadOnlySpan<int> window, ReadOnlySpan<int> strides, ReadOnlySpan<int> dilations, int[]? outputPadding)
    {
        ArgumentNullException.ThrowIfNull(padding);
        int r = inputSpatial.Length;
        if (window.Length != r || strides.Length != r || dilations.Length != r || (outputPadding is not null && outputPadding.Length != r))
            throw new ArgumentException($"ConvGeometry.TransposePads: the input has {r} spatial axes but window, strides, dilations (and output_padding) have {window.Length}, {strides.Length}, {dilations.Length} entries.");
        var pads = new int[2 * r];
        for (int i = 0; i < r; i++)
        {
            CheckWindow(window[i], strides[i], dilations[i]);
            int effective = (window[i] - 1) * dilations[i] + 1, s = strides[i];
            int? op = outputPadding?[i];
            int left, right;   // the padding of the stride-dilated input, as jax.lax.conv_transpose takes it (Keras's rule)
            switch (padding.ToLowerInvariant())
            {
                case "valid":
                    left = effective - 1;
                    right = effective - 1 + (op ?? Math.Max(effective, s) - effective);
                    break;
                case "same":
                    int padLength = op is { } p ? effective + effective % 2 - 2 + p : s + effective - 2;
                    left = Math.Min(padLength / 2 + padLength % 2, effective - 1);
                    right = padLength - left;
                    break;
                default:
                    throw new ArgumentException($"The `padding` argument must be one of 'valid', 'same'. Received: padding={padding}");
            }
            pads[i] = effective - 1 - left;
            pads[r + i] = Math.Max(effective - 1 - right, 0);
        }
        return pads;
    }

    private static void CheckWindow(int window, int stride, int dilation)
    {
        if (window < 1) throw new ArgumentOutOfRangeException(nameof(window), window, "The window (kernel) size must be at least 1.");
        if (stride < 1) throw new ArgumentOutOfRangeException(nameof(stride), stride, "Strides must be at least 1.");
        if (dilation < 1) throw new ArgumentOutOfRangeException(nameof(dilation), dilation, "Dilations must be at least 1.");
    }
}
