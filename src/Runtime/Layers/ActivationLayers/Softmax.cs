using System.Text.Json.Nodes;

namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>Softmax</c> layer: the softmax over <c>axis</c> (one axis, or several at once). With a <c>mask</c>
/// (boolean, or numbers kept where &gt; 0.5, broadcastable to the input), masked positions get a large negative
/// logit (-1e9) before the softmax and 0 after it, so a fully masked row is all zeros.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class Softmax
{
    private readonly int[] axis;
    private readonly bool axisIsList;

    /// <summary>Creates the layer over one axis.</summary>
    /// <param name="axis">The axis the softmax normalizes over.</param>
    public Softmax(int axis = -1)
    {
        this.axis = [axis];
        InputSpec = null;
    }

    /// <summary>Creates the layer over several axes (Keras's list or tuple form).</summary>
    /// <param name="axis">The axes the softmax normalizes over together (at least one).</param>
    public Softmax(int[] axis)
    {
        ArgumentNullException.ThrowIfNull(axis);
        if (axis.Length == 0) throw new ArgumentException("Softmax needs at least one axis.", nameof(axis));
        this.axis = [.. axis];
        axisIsList = true;
        InputSpec = null;
    }

    /// <summary>The axes, as given.</summary>
    public IReadOnlyList<int> Axes => axis;

    /// <summary>Keras's config: the base keys and <c>axis</c> (an integer, or a list when given as one).</summary>
    public override JsonObject GetConfig()
    {
        var config = base.GetConfig();
        config["axis"] = axisIsList ? Config.Write(axis) : Config.Write(axis[0]);
        return config;
    }

    /// <summary>The layer from a Keras config (<c>axis</c> an integer or a list).</summary>
    public static Softmax FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        const string cls = "Softmax";
        var layer = config["axis"] is JsonArray
            ? new Softmax(Config.ReadAxes(config, "axis", cls, [-1])) { Name = Config.ReadName(config, cls) }
            : new Softmax(Config.ReadInt32(config, "axis", cls, -1)) { Name = Config.ReadName(config, cls) };
        layer.ApplyBaseConfig(config);
        return layer;
    }

    /// <summary>The softmax over the axes, with masked positions left out.</summary>
    protected Tensor Call(Tensor inputs, Tensor? mask = null)
    {
        var dt = inputs.DType;
        Tensor? keep = null;
        if (mask is not null)
        {
            var ms = mask.Shape;
            var xs = inputs.Shape;
            if (ms.Rank > xs.Rank)
                throw new ArgumentException($"The `mask` must be broadcastable to `inputs` and must not have more dimensions. Received: inputs.shape={xs}, mask.shape={ms}");
            for (int i = 1; i <= ms.Rank; i++)
            {
                int m = ms[^i], d = xs[^i];
                if (m != Shape.Unknown && d != Shape.Unknown && m != 1 && m != d)
                    throw new ArgumentException($"The `mask` must be broadcastable to `inputs`. Each mask dimension must be 1 or match the corresponding input dimension. Received: inputs.shape={xs}, mask.shape={ms}");
            }
            keep = mask.DType == DType.Bool ? mask : Ops.Greater(mask, Tensor.Scalar(0.5, mask.DType));
            inputs = Ops.Where(keep, inputs, Tensor.Scalar(-1e9, dt));
        }
        Tensor outputs;
        if (axis.Length > 1)
        {
            int rank = inputs.Rank;
            var axes = new int[axis.Length];
            for (int i = 0; i < axes.Length; i++) axes[i] = axis[i] < 0 ? axis[i] + rank : axis[i];
            var shifted = Ops.Sub(inputs, Ops.StopGradient(Ops.Max(inputs, axes, keepDims: true)));
            var e = Ops.Exp(shifted);
            outputs = Ops.Div(e, Ops.Sum(e, axes, keepDims: true));
        }
        else
        {
            outputs = Ops.Softmax(inputs, axis[0]);
        }
        if (keep is not null) outputs = Ops.Where(keep, outputs, Tensor.Scalar(0.0, dt));
        return outputs;
    }
}
