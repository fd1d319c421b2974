using System.Text.Json.Nodes;

namespace LayerGen.Layers;

/// <summary>
/// The entry point of a functional model (Keras's <c>InputLayer</c>): it holds a symbolic tensor
/// (<see cref="Output"/>) of its batch shape, usually with an unknown batch dimension. Create one
/// with <see cref="Keras.Input"/>, or put one first in a <see cref="Sequential"/>.
/// </summary>
[Layer(Package = "keras.layers")]
public partial class InputLayer
{
    private readonly Shape batchShape;
    private readonly bool sparse;
    private readonly bool ragged;
    private readonly bool optional;
    private Tensor? _output;

    /// <summary>
    /// Creates the input. Give <paramref name="shape"/> (without the batch dimension) and optionally
    /// <paramref name="batchSize"/>, or the whole <paramref name="batchShape"/>.
    /// </summary>
    public InputLayer(Shape? shape = null, int? batchSize = null, DType dtype = DType.Float32, bool sparse = false, bool ragged = false,
        Shape? batchShape = null, bool optional = false)
    {
        if (shape is not null && batchShape is not null)
            throw new ArgumentException("You cannot pass both `shape` and `batch_shape` at the same time.");
        if (batchSize is not null && batchShape is not null)
            throw new ArgumentException("You cannot pass both `batch_size` and `batch_shape` at the same time.");
        if (shape is null && batchShape is null)
            throw new ArgumentException("You must pass a `shape` argument.");
        if (sparse) throw new NotSupportedException("Sparse inputs are not supported.");
        if (ragged) throw new NotSupportedException("Ragged inputs are not supported.");
        if (batchShape is { } bs) this.batchShape = bs;
        else
        {
            var s = shape!.Value;
            var dims = new int[s.Rank + 1];
            dims[0] = batchSize ?? Shape.Unknown;
            s.Dims.CopyTo(dims.AsSpan(1));
            this.batchShape = new Shape(dims);
        }
        DType = dtype;
        this.sparse = sparse;
        this.ragged = ragged;
        this.optional = optional;
        MarkBuilt(null, lockState: true);
    }

    /// <summary>The batch shape, batch dimension included (unknown dimensions are -1).</summary>
    public Shape BatchShape => batchShape;

    /// <summary>Whether the input may be omitted (Keras's <c>optional</c>).</summary>
    public bool Optional => optional;

    /// <summary>The symbolic tensor this layer stands for (its history points to this layer, node 0).</summary>
    public Tensor Output
    {
        get
        {
            if (_output is null)
            {
                var placeholder = Tensor.Placeholder(batchShape, DType, Name);
                _output = RecordNode(new CallArguments([]), [placeholder])[0];
            }
            return _output;
        }
    }

    /// <summary>An input layer passes its input through.</summary>
    public Tensor Invoke(Tensor inputs) => inputs;

    /// <inheritdoc/>
    protected internal override Tensor[] InvokeRecorded(CallArguments arguments) => arguments.Tensors.Length == 0 ? [Output] : [arguments.Tensors[0]];

    /// <summary>Keras's config: <c>batch_shape</c>, <c>dtype</c>, <c>sparse</c>, <c>ragged</c>, <c>name</c>, <c>optional</c>.</summary>
    public override JsonObject GetConfig() => new()
    {
        ["batch_shape"] = Config.Write(batchShape),
        ["dtype"] = Config.Write(DType),
        ["sparse"] = sparse,
        ["ragged"] = ragged,
        ["name"] = Name,
        ["optional"] = optional,
    };

    /// <summary>Creates the layer from its config (<c>batch_shape</c>, or Keras 2's <c>batch_input_shape</c>).</summary>
    public static InputLayer FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var batchShape = Config.ReadShapeOrNull(config, "batch_shape", "InputLayer")
            ?? Config.ReadShapeOrNull(config, "batch_input_shape", "InputLayer")
            ?? throw new ConfigException("Cannot read the config of InputLayer: key \"batch_shape\" is missing.");
        return new InputLayer(
            dtype: Config.ReadDType(config, "dtype", "InputLayer", DType.Float32),
            sparse: Config.ReadBoolean(config, "sparse", "InputLayer", false),
            ragged: Config.ReadBoolean(config, "ragged", "InputLayer", false),
            batchShape: batchShape,
            optional: Config.ReadBoolean(config, "optional", "InputLayer", false))
        {
            Name = Config.ReadName(config, "InputLayer"),
        };
    }
}
