using System.Text.Json.Nodes;

namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>UnitNormalization</c>: scales each sample to an L2 norm of 1 over <c>axis</c> (one axis or several),
/// as <c>x * min(rsqrt(sum(x^2)), 1e12)</c>: an all-zero slice stays zero.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class UnitNormalization
{
    private readonly int[] axis;
    private readonly bool axisIsList;

    /// <summary>Creates the layer over one axis.</summary>
    /// <param name="axis">The axis normalized over.</param>
    public UnitNormalization(int axis = -1)
    {
        this.axis = [axis];
        InputSpec = null;
    }

    /// <summary>Creates the layer over several axes (Keras's list form).</summary>
    /// <param name="axis">The axes normalized over together (at least one).</param>
    public UnitNormalization(int[] axis)
    {
        ArgumentNullException.ThrowIfNull(axis);
        if (axis.Length == 0) throw new ArgumentException("UnitNormalization needs at least one axis.", nameof(axis));
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
    public static UnitNormalization FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        const string cls = "UnitNormalization";
        var layer = config["axis"] is JsonArray
            ? new UnitNormalization(Config.ReadAxes(config, "axis", cls, [-1])) { Name = Config.ReadName(config, cls) }
            : new UnitNormalization(Config.ReadInt32(config, "axis", cls, -1)) { Name = Config.ReadName(config, cls) };
        layer.ApplyBaseConfig(config);
        return layer;
    }

    /// <summary>Scales each slice to unit L2 norm.</summary>
    protected Tensor Call(Tensor inputs)
    {
        int rank = inputs.Rank;
        var axes = new int[axis.Length];
        for (int i = 0; i < axes.Length; i++)
        {
            axes[i] = axis[i] < 0 ? axis[i] + rank : axis[i];
            if (axes[i] < 0 || axes[i] >= rank)
                throw new ArgumentException($"Axis {(axisIsList ? "[" + string.Join(", ", axis) + "]" : axis[0].ToString(System.Globalization.CultureInfo.InvariantCulture))} is out of bounds for input shape {inputs.Shape}.");
        }
        var dt = inputs.DType;
        var squareSum = Ops.Sum(Ops.Square(inputs), axes, keepDims: true);
        var invNorm = Ops.Minimum(Ops.Div(Tensor.Scalar(1.0, dt), Ops.Sqrt(squareSum)), Tensor.Scalar(1e12, dt));
        return Ops.Mul(inputs, invNorm);
    }
}
