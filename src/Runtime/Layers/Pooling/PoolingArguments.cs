using System.Globalization;

namespace LayerGen.Layers;

/// <summary>
/// What the pooling, reshaping and spatial-dropout layers share: Keras's argument checks (in Keras's words) and the
/// channels-first/channels-last moves around the channels-last ops.
/// </summary>
internal static class PoolingArguments
{
    /// <summary>Keras's <c>standardize_tuple</c>: <paramref name="value"/> (or <paramref name="defaultValue"/> when null) as <paramref name="n"/> positive (or non-negative) integers.</summary>
    public static int[] Tuple(int[]? value, int[] defaultValue, int n, string name, bool allowZero = false)
    {
        var v = value ?? defaultValue;
        if (v.Length == 1 && n > 1) v = [.. Enumerable.Repeat(v[0], n)];
        string text = Text(value ?? defaultValue);
        if (v.Length != n)
            throw new ArgumentException($"The `{name}` argument must be a tuple of {n} integers. Received {name}={text}", ToCamel(name));
        var bad = v.Where(x => allowZero ? x < 0 : x <= 0).Distinct().ToArray();
        if (bad.Length > 0)
            throw new ArgumentException($"The `{name}` argument must be a tuple of {n} integers. Received {name}={text}, including values {{{string.Join(", ", bad)}}} that do not satisfy `value {(allowZero ? ">= 0" : "> 0")}`", ToCamel(name));
        return [.. v];
    }

    /// <summary>Keras's <c>standardize_data_format</c>: null is <c>channels_last</c>.</summary>
    public static string DataFormat(string? value)
    {
        var v = (value ?? "channels_last").ToLowerInvariant();
        if (v is not ("channels_last" or "channels_first"))
            throw new ArgumentException($"The `data_format` argument must be one of {{'channels_first', 'channels_last'}}. Received: data_format={value}", "dataFormat");
        return v;
    }

    /// <summary>Keras's pooling padding check ("valid" or "same", any case).</summary>
    public static string Padding(string padding)
    {
        ArgumentNullException.ThrowIfNull(padding);
        if (padding.ToLowerInvariant() is not ("valid" or "same"))
            throw new ArgumentException($"Argument `padding` must be either 'valid' or 'same'. Received: padding={padding}", nameof(padding));
        return padding;
    }

    /// <summary>A channels-first tensor <c>(N, C, *spatial)</c> as channels-last <c>(N, *spatial, C)</c>.</summary>
    public static Tensor ToChannelsLast(Tensor x)
    {
        int r = x.Rank;
        return Ops.Transpose(x, [0, .. Enumerable.Range(2, r - 2), 1]);
    }

    /// <summary>A channels-last tensor <c>(N, *spatial, C)</c> as channels-first <c>(N, C, *spatial)</c>.</summary>
    public static Tensor ToChannelsFirst(Tensor x)
    {
        int r = x.Rank;
        return Ops.Transpose(x, [0, r - 1, .. Enumerable.Range(1, r - 2)]);
    }

    /// <summary>Max or average pooling as Keras's pooling layers call it.</summary>
    public static Tensor Pool(Layer layer, Tensor inputs, bool max, int[] poolSize, int[] strides, string padding, string dataFormat)
    {
        var x = dataFormat == "channels_first" ? ToChannelsLast(inputs) : inputs;
        int r = poolSize.Length;
        var spatial = new int[r];
        for (int a = 0; a < r; a++) spatial[a] = x.Shape[1 + a];
        string mode = padding.ToLowerInvariant();
        for (int a = 0; a < r; a++)
        {
            if (spatial[a] == Shape.Unknown)
            {
                if (mode == "same")
                    throw new IncompatibleInputException($"Layer \"{layer.Name}\": padding=\"same\" needs the spatial dimensions of the input; received input with shape {inputs.Shape}.");
                continue;
            }
            if (mode == "valid" && spatial[a] < poolSize[a])
                throw new IncompatibleInputException($"Layer \"{layer.Name}\": Computed output size would be zero or negative. Received: `inputs.shape={inputs.Shape}`, `pool_size={Text(poolSize)}`, `strides={Text(strides)}`, `padding={padding}`.");
        }
        Span<int> ones = stackalloc int[r];
        ones.Fill(1);
        var pads = ConvGeometry.Pads(mode, spatial, poolSize, strides, ones);
        var y = max ? Ops.MaxPool(x, poolSize, strides, pads) : Ops.AvgPool(x, poolSize, strides, pads);
        return dataFormat == "channels_first" ? ToChannelsFirst(y) : y;
    }

    /// <summary>
    /// Keras's per-axis (before, after) pairs of ZeroPadding2D/3D and Cropping2D/3D: null is <paramref name="defaultValue"/>
    /// for every axis; one number per axis is symmetric; a row of one number is symmetric; each row otherwise has 2
    /// non-negative numbers.
    /// </summary>
    public static int[][] Pairs(int[][]? value, int defaultValue, int n, string name)
    {
        string[] ordinals = ["1st", "2nd", "3rd"];
        if (value is null) return [.. Enumerable.Range(0, n).Select(_ => new[] { defaultValue, defaultValue })];
        if (value.Length != n)
            throw new ArgumentException(n == 2 ? $"`{name}` should have two elements. Received: {name}={PairsText(value)}." : $"`{name}` should have {n} elements. Received: {PairsText(value)}.", name);
        var pairs = new int[n][];
        for (int a = 0; a < n; a++)
        {
            var row = value[a] ?? throw new ArgumentException($"`{name}` entry {a} is null.", name);
            pairs[a] = Tuple(row, row, 2, $"{ordinals[a]} entry of {name}", allowZero: true);
        }
        return pairs;
    }

    /// <summary>Pairs as Keras writes them in a config: a list of lists.</summary>
    public static System.Text.Json.Nodes.JsonArray WritePairs(int[][] pairs)
        => [.. pairs.Select(p => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonArray(p[0], p[1]))];

    /// <summary>Pairs as Keras configs hold them: an integer, a list of integers (symmetric per axis) or a list of pairs.</summary>
    public static int[][]? ReadPairs(System.Text.Json.Nodes.JsonObject config, string key, string layerClass, int n)
    {
        if (!config.TryGetPropertyValue(key, out var node) || node is null) return null;
        try
        {
            if (node is System.Text.Json.Nodes.JsonValue v)
            {
                int p = v.GetValue<int>();
                return [.. Enumerable.Range(0, n).Select(_ => new[] { p, p })];
            }
            return [.. ((System.Text.Json.Nodes.JsonArray)node).Select(row => row is System.Text.Json.Nodes.JsonArray a
                ? a.Select(x => x!.GetValue<int>()).ToArray()
                : [row!.GetValue<int>(), row!.GetValue<int>()])];
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or InvalidCastException or NullReferenceException)
        {
            throw new ConfigException($"Cannot read the config of {layerClass}: key \"{key}\" must be an integer or a list of (before, after) pairs, got {node.ToJsonString()}.", e);
        }
    }

    /// <summary>Zero-pads the spatial axes by (before, after) pairs.</summary>
    public static Tensor PadSpatial(Tensor x, int[][] pairs, string dataFormat)
    {
        int first = dataFormat == "channels_first" ? 2 : 1;
        var all = new int[x.Rank][];
        for (int a = 0; a < all.Length; a++) all[a] = a >= first && a - first < pairs.Length ? pairs[a - first] : [0, 0];
        return Ops.Pad(x, all);
    }

    /// <summary>Crops (before, after) pairs off the spatial axes, with Keras's error when a crop leaves nothing.</summary>
    public static Tensor CropSpatial(Layer layer, Tensor x, int[][] pairs, string dataFormat, Func<string> message)
    {
        int first = dataFormat == "channels_first" ? 2 : 1;
        var begin = new int[x.Rank];
        var size = new int[x.Rank];
        for (int a = 0; a < x.Rank; a++) size[a] = -1;
        for (int i = 0; i < pairs.Length; i++)
        {
            int a = first + i, d = x.Shape[a];
            begin[a] = pairs[i][0];
            if (d == Shape.Unknown)
            {
                if (pairs[i][1] != 0)
                    throw new IncompatibleInputException($"Layer \"{layer.Name}\": cropping the end of axis {a} needs its size; received input with shape {x.Shape}.");
                continue;
            }
            if (pairs[i][0] + pairs[i][1] >= d) throw new IncompatibleInputException($"Layer \"{layer.Name}\": " + message());
            size[a] = d - pairs[i][0] - pairs[i][1];
        }
        return Ops.Slice(x, begin, size);
    }

    /// <summary>Repeats every entry of <paramref name="axis"/> <paramref name="times"/> times in place (numpy's <c>repeat</c>).</summary>
    public static Tensor Repeat(Tensor x, int axis, int times)
    {
        if (times == 1) return x;
        var s = x.Shape;
        var multiples = new int[s.Rank + 1];
        Array.Fill(multiples, 1);
        multiples[axis + 1] = times;
        var tiled = Ops.Tile(Ops.ExpandDims(x, axis + 1), multiples);
        var dims = new int[s.Rank];
        for (int a = 0; a < s.Rank; a++) dims[a] = s[a];
        dims[axis] = s[axis] == Shape.Unknown ? Shape.Unknown : s[axis] * times;
        if (dims.Count(d => d == Shape.Unknown) > 1)
            throw new IncompatibleInputException($"UpSampling: only the batch size may be unknown; received input with shape {s}.");
        return Ops.Reshape(tiled, dims);
    }

    /// <summary>Pairs as Python prints them: <c>((1, 1), (2, 2))</c>.</summary>
    public static string PairsText(int[][] pairs) => "(" + string.Join(", ", pairs.Select(p => p is null ? "None" : Text(p))) + ")";

    /// <summary>A Python-like tuple text, <c>(2, 2)</c>.</summary>
    public static string Text(int[] values) => "(" + string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + (values.Length == 1 ? ",)" : ")");

    private static string ToCamel(string snake)
    {
        var parts = snake.Split('_', ' ');
        return parts[0] + string.Concat(parts.Skip(1).Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));
    }
}
