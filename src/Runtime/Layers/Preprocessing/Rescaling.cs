using System.Text.Json.Nodes;

namespace LayerGen.Layers;

/// <summary>
/// Keras's <c>Rescaling</c> preprocessing layer: <c>inputs * scale + offset</c>, in training and inference alike.
/// Integer inputs are cast to the layer's dtype first (float32 by default), so image bytes come out as floats.
/// <c>scale</c> and <c>offset</c> are numbers or per-channel lists (broadcast against the last axis, as Keras's
/// channels-last default does); the config holds them as given.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class Rescaling
{
    private readonly double[] scale;
    private readonly double[] offset;
    private readonly bool scaleIsList;
    private readonly bool offsetIsList;

    /// <summary>Creates the layer.</summary>
    /// <param name="scale">The factor (<c>1.0 / 255</c> maps [0, 255] to [0, 1]).</param>
    /// <param name="offset">Added after scaling (<c>scale: 1.0 / 127.5, offset: -1</c> maps [0, 255] to [-1, 1]).</param>
    public Rescaling(double scale, double offset = 0.0)
        : this([scale], false, [offset], false)
    {
    }

    /// <summary>Creates the layer with a factor and an offset per channel (Keras's lists; broadcast against the last axis).</summary>
    /// <param name="scale">The factor of each channel.</param>
    /// <param name="offset">The offset of each channel (null: 0 for all).</param>
    public Rescaling(double[] scale, double[]? offset = null)
        : this(scale ?? throw new ArgumentNullException(nameof(scale)), true, offset ?? [0.0], offset is not null)
    {
    }

    private Rescaling(double[] scale, bool scaleIsList, double[] offset, bool offsetIsList)
    {
        this.scale = [.. scale];
        this.offset = [.. offset];
        this.scaleIsList = scaleIsList;
        this.offsetIsList = offsetIsList;
        InputSpec = null;
    }

    /// <summary>The factor (the first one when given per channel: see <see cref="Scales"/>).</summary>
    public double Scale => scale[0];

    /// <summary>The offset (the first one when given per channel: see <see cref="Offsets"/>).</summary>
    public double Offset => offset[0];

    /// <summary>The factors: one, or one per channel.</summary>
    public IReadOnlyList<double> Scales => scale;

    /// <summary>The offsets: one, or one per channel.</summary>
    public IReadOnlyList<double> Offsets => offset;

    /// <summary>Keras's config: the base keys, <c>scale</c> and <c>offset</c> (a number or a list, as given).</summary>
    public override JsonObject GetConfig()
    {
        var config = base.GetConfig();
        config["scale"] = Write(scale, scaleIsList);
        config["offset"] = Write(offset, offsetIsList);
        return config;
    }

    private static JsonNode Write(double[] values, bool isList)
        => isList ? new JsonArray([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]) : JsonValue.Create(values[0]);

    /// <summary>
    /// The layer from a Keras config: <c>scale</c>/<c>offset</c> a number, a list, or the <c>__tensor__</c>/<c>__numpy__</c>
    /// object Keras writes for an array.
    /// </summary>
    public static Rescaling FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        const string cls = "Rescaling";
        var (scale, scaleIsList) = Read(config, "scale", cls, null);
        var (offset, offsetIsList) = Read(config, "offset", cls, 0.0);
        var layer = new Rescaling(scale, scaleIsList, offset, offsetIsList) { Name = Config.ReadName(config, cls) };
        layer.ApplyBaseConfig(config);
        return layer;
    }

    private static (double[] Values, bool IsList) Read(JsonObject config, string key, string cls, double? fallback)
    {
        var node = config[key];
        if (node is JsonObject { } o && o["config"] is JsonObject inner && Config.TryGetString(o["class_name"], out var cn) && cn is "__tensor__" or "__numpy__")
            node = inner["value"];
        switch (node)
        {
            case null when fallback is { } f:
                return ([f], false);
            case JsonArray list:
                var values = new double[list.Count];
                for (int i = 0; i < values.Length; i++)
                    if (!Config.TryGetDouble(list[i], out values[i]))
                        throw ConfigException.For(cls, key, $"must be a number or a flat list of numbers (one per channel), got {list.ToJsonString()}");
                return (values, true);
            default:
                if (!Config.TryGetDouble(node, out var d))
                    throw ConfigException.For(cls, key, $"must be a number or a flat list of numbers (one per channel), got {node?.ToJsonString() ?? "null"}");
                return ([d], false);
        }
    }

    private static Tensor Constant(double[] values, bool isList, DType dt)
        => isList ? Ops.Cast(Tensor.From<double>(values, new Shape(values.Length)), dt) : Tensor.Scalar(values[0], dt);

    /// <summary>Rescales the input.</summary>
    protected Tensor Call(Tensor inputs)
    {
        var dt = DType;
        var x = inputs.DType == dt ? inputs : Ops.Cast(inputs, dt);
        return Ops.Add(Ops.Mul(x, Constant(scale, scaleIsList, dt)), Constant(offset, offsetIsList, dt));
    }
}
