using System.Globalization;

namespace LayerGen.Layers;

/// <summary>
/// What a layer accepts for one input, like <c>keras.InputSpec</c>: rank (exact, minimum, maximum),
/// dtype, the sizes of some axes, or a whole shape (unknown dimensions match anything). Checked on
/// every call by the generated <c>Invoke</c>.
/// </summary>
public sealed class InputSpec
{
    /// <summary>Creates a spec; every argument is optional.</summary>
    public InputSpec(DType? dtype = null, Shape? shape = null, int? ndim = null, int? maxNdim = null, int? minNdim = null, IReadOnlyDictionary<int, int>? axes = null)
    {
        DType = dtype;
        Shape = shape;
        Ndim = shape is { } s ? s.Rank : ndim;
        MaxNdim = maxNdim;
        MinNdim = minNdim;
        Axes = axes is null ? new Dictionary<int, int>() : new Dictionary<int, int>(axes);
    }

    /// <summary>The dtype required, if any.</summary>
    public DType? DType { get; }
    /// <summary>The shape required (unknown dimensions match anything), if any.</summary>
    public Shape? Shape { get; }
    /// <summary>The exact rank required, if any.</summary>
    public int? Ndim { get; }
    /// <summary>The largest rank allowed, if any.</summary>
    public int? MaxNdim { get; }
    /// <summary>The smallest rank allowed, if any.</summary>
    public int? MinNdim { get; }
    /// <summary>Sizes required for some axes (negative axes count from the end).</summary>
    public IReadOnlyDictionary<int, int> Axes { get; }

    /// <summary>Throws <see cref="IncompatibleInputException"/> with Keras 3's message unless <paramref name="input"/> fits.</summary>
    public void Check(Tensor input, int index, string layerName)
    {
        ArgumentNullException.ThrowIfNull(input);
        var shape = input.Shape;
        int ndim = shape.Rank;
        string prefix = $"Input {index} of layer \"{layerName}\" is incompatible with the layer: ";
        if (Ndim is { } n && ndim != n)
            throw new IncompatibleInputException(prefix + $"expected ndim={n}, found ndim={ndim}. Full shape received: {shape}");
        if (MaxNdim is { } max && ndim > max)
            throw new IncompatibleInputException(prefix + $"expected max_ndim={max}, found ndim={ndim}");
        if (MinNdim is { } min && ndim < min)
            throw new IncompatibleInputException(prefix + $"expected min_ndim={min}, found ndim={ndim}. Full shape received: {shape}");
        if (DType is { } dt && input.DType != dt)
            throw new IncompatibleInputException(prefix + $"expected dtype={dt.Name()}, found dtype={input.DType.Name()}");
        foreach (var (axis, value) in Axes)
        {
            if (axis < -ndim || axis >= ndim)
                throw new IncompatibleInputException(prefix + $"axis {axis} is out of bounds for an input with ndim={ndim}. Full shape received: {shape}");
            int d = shape[axis];
            if (d != LayerGen.Tensors.Shape.Unknown && d != value)
                throw new IncompatibleInputException(prefix + $"expected axis {axis} of input shape to have value {value}, but received input with shape {shape}");
        }
        if (Shape is { } spec)
        {
            for (int i = 0; i < Math.Min(spec.Rank, ndim); i++)
            {
                int a = spec[i], b = shape[i];
                if (a != LayerGen.Tensors.Shape.Unknown && b != LayerGen.Tensors.Shape.Unknown && a != b)
                    throw new IncompatibleInputException(prefix + $"expected shape={spec}, found shape={shape}");
            }
        }
    }

    /// <summary>The spec derived from a build shape when a layer sets none: rank at least the build rank, last axis fixed when known.</summary>
    public static InputSpec? FromBuildShape(Shape shape)
    {
        if (shape.Rank == 0) return null;
        int last = shape[-1];
        return new InputSpec(minNdim: shape.Rank, axes: last == LayerGen.Tensors.Shape.Unknown ? null : new Dictionary<int, int> { [-1] = last });
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var parts = new List<string>();
        if (DType is { } dt) parts.Add("dtype=" + dt.Name());
        if (Shape is { } s) parts.Add("shape=" + s);
        if (Ndim is { } n) parts.Add("ndim=" + n.ToString(CultureInfo.InvariantCulture));
        if (MaxNdim is { } mx) parts.Add("max_ndim=" + mx.ToString(CultureInfo.InvariantCulture));
        if (MinNdim is { } mn) parts.Add("min_ndim=" + mn.ToString(CultureInfo.InvariantCulture));
        if (Axes.Count > 0) parts.Add("axes={" + string.Join(", ", Axes.Select(kv => $"{kv.Key}: {kv.Value}")) + "}");
        return $"InputSpec({string.Join(", ", parts)})";
    }
}

/// <summary>A layer was called with an input its <see cref="InputSpec"/> does not accept (Keras's <c>ValueError</c>).</summary>
public class IncompatibleInputException : LayerGenException
{
    /// <summary>Creates the exception.</summary>
    public IncompatibleInputException(string message) : base(message) { }
}

/// <summary>A layer's state was changed when it no longer may be (Keras's state lock after <c>build</c>).</summary>
public class LayerStateException : LayerGenException
{
    /// <summary>Creates the exception.</summary>
    public LayerStateException(string message) : base(message) { }
}
