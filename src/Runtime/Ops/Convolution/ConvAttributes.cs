using LayerGen.Kernels;

namespace LayerGen.Operations;

/// <summary>The checks shared by the convolution ops: their window attributes, and the shapes of the convolution they compute or differentiate.</summary>
internal static class ConvAttributes
{
    /// <summary>Checks strides, pads, dilations and groups (and the window, when given); returns the spatial rank.</summary>
    public static int Check(string op, int[] strides, int[] pads, int[] dilations, int groups, int[]? window = null)
    {
        ArgumentNullException.ThrowIfNull(strides);
        ArgumentNullException.ThrowIfNull(pads);
        ArgumentNullException.ThrowIfNull(dilations);
        int r = strides.Length;
        if (r is < 1 or > 3)
            throw new ArgumentException($"{op}: strides must have 1, 2 or 3 entries (one per spatial axis), got [{Join(strides)}].", nameof(strides));
        if (dilations.Length != r)
            throw new ArgumentException($"{op}: dilations must have {r} entries like strides, got [{Join(dilations)}].", nameof(dilations));
        if (pads.Length != 2 * r)
            throw new ArgumentException($"{op}: pads must have {2 * r} entries ([begin_0 … begin_{r - 1}, end_0 … end_{r - 1}]), got [{Join(pads)}].", nameof(pads));
        if (window is not null && window.Length != r)
            throw new ArgumentException($"{op}: window must have {r} entries like strides, got [{Join(window)}].", nameof(window));
        for (int i = 0; i < r; i++)
        {
            if (strides[i] < 1) throw new ArgumentOutOfRangeException(nameof(strides), $"{op}: strides must be positive, got strides=[{Join(strides)}].");
            if (dilations[i] < 1) throw new ArgumentOutOfRangeException(nameof(dilations), $"{op}: dilations must be positive, got dilations=[{Join(dilations)}].");
            if (window is not null && window[i] < 1) throw new ArgumentOutOfRangeException(nameof(window), $"{op}: window sizes must be positive, got window=[{Join(window)}].");
        }
        foreach (var p in pads)
            if (p < 0) throw new ArgumentOutOfRangeException(nameof(pads), $"{op}: pads must be zero or more, got pads=[{Join(pads)}].");
        if (groups < 1) throw new ArgumentOutOfRangeException(nameof(groups), $"{op}: groups must be positive, got groups={groups}.");
        return r;
    }

    /// <summary>Throws unless <paramref name="shape"/> is (batch, r spatial axes, channels).</summary>
    public static void ExpectRank(string op, string what, Shape shape, int r, params Shape[] all)
    {
        if (shape.Rank != r + 2)
            throw new ShapeMismatchException(op, $"{what} must have rank {r + 2} (batch, {r} spatial {(r == 1 ? "axis" : "axes")}, channels) for a {r}D convolution, got shape {shape}.", all);
    }

    /// <summary>Throws unless the kernel has rank r + 2 (window, in-channels, out-channels).</summary>
    public static void ExpectKernelRank(string op, Shape kernel, int r, params Shape[] all)
    {
        if (kernel.Rank != r + 2)
            throw new ShapeMismatchException(op, $"the kernel must have rank {r + 2} ({r} window {(r == 1 ? "axis" : "axes")}, input channels, output channels) for a {r}D convolution, got shape {kernel}.", all);
    }

    /// <summary>
    /// The output spatial sizes of the forward convolution of <paramref name="input"/> (spatial axes of a shape of rank
    /// r + 2; unknown stays unknown); throws when the dilated window is larger than the padded input.
    /// </summary>
    public static int[] OutputSpatial(string op, Shape input, ReadOnlySpan<int> window, int[] strides, int[] pads, int[] dilations, params Shape[] all)
    {
        int r = strides.Length;
        var o = new int[r];
        for (int i = 0; i < r; i++)
        {
            int n = input[1 + i];
            if (n == LayerGen.Tensors.Shape.Unknown || window[i] == LayerGen.Tensors.Shape.Unknown) { o[i] = LayerGen.Tensors.Shape.Unknown; continue; }
            int effective = (window[i] - 1) * dilations[i] + 1, padded = n + pads[i] + pads[r + i];
            if (effective > padded)
                throw new ShapeMismatchException(op, $"the kernel is larger than the padded input on spatial axis {i}: window {window[i]} with dilation {dilations[i]} spans {effective} values, the input has {n} + pads {pads[i]} + {pads[r + i]} = {padded}. Computed output size would be zero or negative. Shapes: {string.Join(", ", all.Select(s => s.ToString()))}.", all);
            o[i] = ConvGeometry.OutputLength(n, window[i], strides[i], dilations[i], pads[i], pads[r + i]);
        }
        return o;
    }

    /// <summary>Throws unless <paramref name="channels"/> (when known) divides into <paramref name="groups"/>.</summary>
    public static void ExpectDivisible(string op, string what, int channels, int groups, params Shape[] all)
    {
        if (channels != LayerGen.Tensors.Shape.Unknown && channels % groups != 0)
            throw new ShapeMismatchException(op, $"{what} ({channels}) must be divisible by groups ({groups}). Shapes: {string.Join(", ", all.Select(s => s.ToString()))}.", all);
    }

    /// <summary>The kernels' view of a convolution: x (N, *input, cin) → y (N, *output, cout), window, attributes.</summary>
    public static ConvShape KernelShape(Shape x, Shape y, ReadOnlySpan<int> window, int[] strides, int[] pads, int[] dilations, int groups)
    {
        int r = strides.Length;
        return new ConvShape(x[0], x.Dims.Slice(1, r), x[^1], y.Dims.Slice(1, r), y[^1], window, strides, pads.AsSpan(0, r), dilations, groups);
    }

    public static string Join(int[] values) => string.Join(", ", values);
}
