using System.Text.Json.Nodes;
using LayerGen.Layers;

namespace LayerGen.Models;

/// <summary>
/// A model: a layer made of layers. Three kinds, as in Keras:
/// <list type="bullet">
/// <item>functional: <c>new Model(inputs, outputs)</c> from <see cref="Keras.Input"/> tensors and the
/// layer calls made on them; calling it replays those calls on real tensors;</item>
/// <item>subclassed: a <c>[Layer] partial class</c> deriving from <c>Model</c> with its own <c>Call</c>;</item>
/// <item><see cref="Sequential"/>: a stack of layers.</item>
/// </list>
/// </summary>
public partial class Model : Layer
{
    private readonly FunctionalGraph? _graph;
    private readonly bool _singleInput, _singleOutput;

    /// <summary>For subclassed models.</summary>
    protected Model() { }

    /// <summary>A functional model with one input and one output.</summary>
    public Model(Tensor inputs, Tensor outputs) : this([inputs], [outputs], true, true) { }

    /// <summary>A functional model with one input and several outputs.</summary>
    public Model(Tensor inputs, Tensor[] outputs) : this([inputs], outputs, true, false) { }

    /// <summary>A functional model with several inputs and one output.</summary>
    public Model(Tensor[] inputs, Tensor outputs) : this(inputs, [outputs], false, true) { }

    /// <summary>A functional model with several inputs and outputs.</summary>
    public Model(Tensor[] inputs, Tensor[] outputs) : this(inputs, outputs, false, false) { }

    private Model(Tensor[] inputs, Tensor[] outputs, bool singleInput, bool singleOutput)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        _graph = new FunctionalGraph([.. inputs], [.. outputs]);
        if (_graph.RawOps.Count > 0)
            System.Diagnostics.Trace.TraceWarning(RawOpsWarning(_graph.RawOps));
        _singleInput = singleInput;
        _singleOutput = singleOutput;
        var specs = new List<InputSpec?>();
        foreach (var i in inputs) specs.Add(new InputSpec(shape: i.Shape.With(0, Shape.Unknown)));
        InputSpecs = specs;
        MarkBuilt(new JsonObject { ["input_shape"] = null }, lockState: false);
    }

    /// <summary>Whether this is a functional model (built from inputs and outputs).</summary>
    public bool IsFunctional => _graph is not null;

    internal FunctionalGraph? Graph => _graph;

    /// <summary>The symbolic inputs of a functional model (empty otherwise).</summary>
    public IReadOnlyList<Tensor> Inputs => _graph?.Inputs ?? [];

    /// <summary>The symbolic outputs of a functional model (empty otherwise).</summary>
    public IReadOnlyList<Tensor> Outputs => _graph?.Outputs ?? [];

    /// <summary>
    /// The names of a functional model's inputs (its input layers' names, Keras's <c>model.input_names</c>): the keys
    /// of a dictionary of inputs given to <c>Fit</c>, <c>Evaluate</c>, <c>Predict</c>, <c>TrainOnBatch</c>.
    /// </summary>
    public IReadOnlyList<string> InputNames => _graph is null ? [] : [.. _graph.Inputs.Select(t => KerasHistory.Of(t)?.Layer.Name ?? "")];

    /// <summary>
    /// The names of a functional model's outputs (the names of the layers that produce them, Keras's
    /// <c>model.output_names</c>): the keys of dictionaries of targets, losses and metrics, and the prefixes of the
    /// per-output logs (<c>dense_1_loss</c>).
    /// </summary>
    public IReadOnlyList<string> OutputNames => _graph is null ? [] : [.. _graph.Outputs.Select(t => KerasHistory.Of(t)?.Layer.Name ?? "")];

    /// <inheritdoc/>
    protected override string DefaultName => _graph is not null ? "functional" : base.DefaultName;

    /// <inheritdoc/>
    public override string RegisteredName => _graph is not null ? "keras>Functional" : base.RegisteredName;

    /// <inheritdoc/>
    protected internal override string? SerializedModule => _graph is not null ? "keras.src.models.functional" : null;

    /// <inheritdoc/>
    protected internal override string? SerializedRegisteredName => _graph is not null ? "Functional" : null;

    /// <summary>
    /// The model's layers: for a functional model every layer of the graph (input layers included),
    /// deepest first; for a subclassed model the layers it holds directly.
    /// </summary>
    public virtual IReadOnlyList<Layer> Layers => _graph is not null ? _graph.Operations : DirectLayers();

    /// <summary>The layer named <paramref name="name"/>.</summary>
    public Layer GetLayer(string name)
    {
        foreach (var l in Layers) if (l.Name == name) return l;
        throw new ArgumentException($"No such layer: {name}. Existing layers are: [{string.Join(", ", Layers.Select(l => "'" + l.Name + "'"))}].", nameof(name));
    }

    /// <inheritdoc/>
    protected internal override void VisitMembers(IModuleVisitor visitor)
    {
        base.VisitMembers(visitor);
        if (_graph is not null) LayerPaths.Visit(visitor, _graph.Operations);
    }

    /// <summary>Calls the model on one tensor (a single-output model).</summary>
    public Tensor Invoke(Tensor inputs, bool? training = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var outputs = InvokeRecorded(new CallArguments([inputs], null, training));
        if (outputs.Length != 1)
            throw new InvalidOperationException($"Model \"{Name}\" has {outputs.Length} outputs: call Invoke with an array of inputs, which returns them all.");
        return outputs[0];
    }

    /// <summary>Calls the model on several tensors (in the order of its inputs); returns every output.</summary>
    public Tensor[] Invoke(Tensor[] inputs, bool? training = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return InvokeRecorded(new CallArguments(inputs, null, training));
    }

    /// <inheritdoc/>
    protected internal override Tensor[] InvokeRecorded(CallArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (_graph is null)
            throw new NotImplementedException($"Model \"{Name}\" ({GetType().Name}) has no call: make it a [Layer] partial class with a Call method, or build a functional model with new Model(inputs, outputs).");
        var frame = EnterCall(arguments.Training, trainingDefault: null);
        try
        {
            if (arguments.Tensors.Length != _graph.Inputs.Length)
                throw new IncompatibleInputException($"Layer \"{Name}\" expects {_graph.Inputs.Length} input(s), but it received {arguments.Tensors.Length} input tensors.");
            for (int i = 0; i < arguments.Tensors.Length; i++) AssertInputCompatibility(i, arguments.Tensors[i]);
            var outputs = _graph.Run(arguments.Tensors);
            return FinishCall(frame, arguments, outputs);
        }
        finally
        {
            ExitCall(frame);
        }
    }

    // ------------------------------------------------------------------ config

    /// <summary>
    /// For a functional model Keras 3's config: <c>name</c>, <c>trainable</c>, <c>layers</c> (each with its
    /// <c>inbound_nodes</c>), <c>input_layers</c>, <c>output_layers</c>. Otherwise the layer config.
    /// </summary>
    public override JsonObject GetConfig()
    {
        if (_graph is null) return base.GetConfig();
        var graph = _graph;
        var layers = new JsonArray();
        foreach (var layer in graph.Operations)
        {
            var serialized = LayerRegistry.Serialize(layer);
            serialized["name"] = layer.Name;
            var inbound = new JsonArray();
            foreach (var node in layer.InboundNodes)
                if (graph.NodeSet.Contains(node) && !node.IsInput) inbound.Add((JsonNode)SerializeNode(node, graph));
            serialized["inbound_nodes"] = inbound;
            layers.Add((JsonNode)serialized);
        }
        return new JsonObject
        {
            ["name"] = Name,
            ["trainable"] = Trainable,
            ["layers"] = layers,
            ["input_layers"] = TensorList(graph.Inputs, _singleInput, graph),
            ["output_layers"] = TensorList(graph.Outputs, _singleOutput, graph),
        };
    }

    private static JsonNode TensorList(Tensor[] tensors, bool single, FunctionalGraph graph)
    {
        if (single) return TensorReference(tensors[0], graph);
        var array = new JsonArray();
        foreach (var t in tensors) array.Add((JsonNode)TensorReference(t, graph));
        return array;
    }

    // [layer name, node index among the model's nodes (+1 for nested functional models, as Keras), tensor index]
    private static JsonArray TensorReference(Tensor t, FunctionalGraph graph)
    {
        var h = KerasHistory.Of(t) ?? throw NotSerializable(t);
        int kept = h.Layer is Model { IsFunctional: true } ? 1 : 0;
        for (int i = 0; i < h.NodeIndex; i++) if (graph.NodeSet.Contains(h.Layer.InboundNodes[i])) kept++;
        return new JsonArray(h.Layer.Name, kept, h.TensorIndex);
    }

    private static NotSupportedException NotSerializable(Tensor t) => new(
        $"A tensor of shape {t.Shape} in this functional model comes from the raw op '{t.Node?.Op.Name ?? "?"}', not a layer: such graphs run, but their config cannot be written. Wrap the op in a layer.");

    /// <summary>
    /// The warning a functional model with raw ops between its layers gets when it is built (through
    /// <see cref="System.Diagnostics.Trace"/>): it runs and trains, but saving it to <c>.keras</c> or cloning it fails.
    /// </summary>
    internal static string RawOpsWarning(IReadOnlyList<string> ops) =>
        $"LayerGen: this functional model applies raw op{(ops.Count == 1 ? "" : "s")} {string.Join(", ", ops.Select(o => "'" + o + "'"))} between layers. "
        + "It runs and trains, but its config cannot be written, so saving it to .keras or cloning it fails. Wrap the op in a layer (Activation, or a [Layer] class whose Call applies it).";

    private static JsonObject SerializeNode(KerasNode node, FunctionalGraph graph)
    {
        var args = new JsonArray();
        var tensorArgs = args;
        if (node.Arguments.IsList) args.Add((JsonNode)(tensorArgs = new JsonArray()));
        foreach (var t in node.Arguments.Tensors) tensorArgs.Add((JsonNode)SerializeKerasTensor(t, graph));
        var kwargs = new JsonObject();
        if (node.Arguments.Mask is { } mask) kwargs["mask"] = SerializeKerasTensor(mask, graph);
        if (node.Arguments.Training is { } training) kwargs["training"] = training;
        foreach (var (key, value) in node.Arguments.Other)
        {
            if (value is Tensor t) kwargs[key] = SerializeKerasTensor(t, graph);
            else if (node.Arguments.IsList && CallArguments.IsMaskList(key, value, out var masks))
            {
                // The masks of a list call (Attention()([q, v], mask=[qm, None])): Keras writes a list of Keras tensors
                // and nulls.
                var items = new JsonArray();
                foreach (var m in masks) items.Add(m is null ? null : (JsonNode)SerializeKerasTensor(m, graph));
                kwargs[key] = items;
            }
            else if (CallArguments.IsTensorList(key, value, out var list))
            {
                // A list of tensors by name (initial_state=[h, c]): a list of Keras tensors, as Keras writes it.
                var items = new JsonArray();
                foreach (var item in list) items.Add((JsonNode)SerializeKerasTensor(item, graph));
                kwargs[key] = items;
            }
            else kwargs[key] = ToJson(value);
        }
        return new JsonObject { ["args"] = args, ["kwargs"] = kwargs };
    }

    private static JsonObject SerializeKerasTensor(Tensor t, FunctionalGraph graph)
    {
        var h = KerasHistory.Of(t) ?? throw NotSerializable(t);
        int index = h.NodeIndex;
        for (int i = 0; i < h.NodeIndex; i++) if (!graph.NodeSet.Contains(h.Layer.InboundNodes[i])) index--;
        return new JsonObject
        {
            ["class_name"] = "__keras_tensor__",
            ["config"] = new JsonObject
            {
                ["shape"] = Config.Write(t.Shape),
                ["dtype"] = t.DType.Name(),
                ["keras_history"] = new JsonArray(h.Layer.Name, index, h.TensorIndex),
            },
        };
    }

    private static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        bool b => b,
        int i => i,
        long l => l,
        float f => (double)f,
        double d => d,
        string s => s,
        Enum e => Config.ToSnakeCase(e.ToString()),
        JsonNode n => n.DeepClone(),
        _ => throw new NotSupportedException($"A call argument of type {value.GetType().Name} cannot be written in a config."),
    };

    /// <summary>Rebuilds a functional model from its config (Keras's <c>functional_from_config</c>).</summary>
    public static Model FromFunctionalConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        const string cls = "Functional";
        if (config["layers"] is not JsonArray layerConfigs) throw ConfigException.For(cls, "layers", "is missing or not a list");
        var created = new Dictionary<string, Layer>(StringComparer.Ordinal);
        var pending = new List<(Layer Layer, Queue<JsonObject> Nodes)>();
        var unbuilt = new List<(Layer Layer, JsonObject Serialized, JsonObject BuildConfig)>();
        foreach (var item in layerConfigs)
        {
            if (item is not JsonObject layerData) throw ConfigException.For(cls, "layers", "must hold layer objects");
            var name = Config.ReadString(layerData, "name", cls);
            // Built by the node replay below, on tensors of the recorded input dtypes (int32 ids stay int32);
            // only layers the replay does not reach build from their own build_config afterwards.
            var layer = LayerRegistry.DeserializeUnbuilt(layerData, out var buildConfig);
            if (buildConfig is not null) unbuilt.Add((layer, layerData, buildConfig));
            created[name] = layer;
            var queue = new Queue<JsonObject>();
            if (layerData["inbound_nodes"] is JsonArray nodes)
                foreach (var n in nodes) if (n is JsonObject o) queue.Enqueue(o);
            pending.Add((layer, queue));
        }
        bool progress = true;
        while (progress && pending.Any(p => p.Nodes.Count > 0))
        {
            progress = false;
            foreach (var (layer, queue) in pending)
            {
                while (queue.Count > 0)
                {
                    var arguments = TryDeserializeNode(queue.Peek(), created, constantsAllowed: layer is KerasOperation);
                    if (arguments is null) break;
                    layer.InvokeRecorded(arguments);
                    queue.Dequeue();
                    progress = true;
                }
            }
        }
        if (pending.Any(p => p.Nodes.Count > 0))
            throw new ConfigException($"Cannot rebuild functional model: the inputs of layer(s) {string.Join(", ", pending.Where(p => p.Nodes.Count > 0).Select(p => "'" + p.Layer.Name + "'"))} never become available.");

        foreach (var (layer, serialized, buildConfig) in unbuilt)
            if (!layer.IsBuilt) LayerRegistry.BuildFrom(layer, serialized, buildConfig, null);

        var inputs = ReadTensorList(config["input_layers"], created, "input_layers", out bool singleInput);
        var outputs = ReadTensorList(config["output_layers"], created, "output_layers", out bool singleOutput);
        var name2 = Config.ReadStringOrNull(config, "name", cls);
        var model = name2 is null
            ? new Model(inputs, outputs, singleInput, singleOutput)
            : new Model(inputs, outputs, singleInput, singleOutput) { Name = name2 };
        if (config.ContainsKey("trainable")) model.Trainable = Config.ReadBoolean(config, "trainable", cls);
        return model;
    }

    private static Tensor[] ReadTensorList(JsonNode? node, Dictionary<string, Layer> created, string key, out bool single)
    {
        if (node is not JsonArray array || array.Count == 0) throw ConfigException.For("Functional", key, "must be a list");
        single = array[0] is not JsonArray;
        if (single) return [ReadTensorReference(array, created, key)];
        var list = new List<Tensor>();
        foreach (var item in array)
            list.Add(ReadTensorReference(item as JsonArray ?? throw ConfigException.For("Functional", key, "must hold [layer, node, tensor] lists"), created, key));
        return [.. list];
    }

    private static Tensor ReadTensorReference(JsonArray reference, Dictionary<string, Layer> created, string key)
    {
        if (reference.Count < 3 || !Config.TryGetString(reference[0], out var name) || !Config.TryGetInt64(reference[1], out var nodeIndex) || !Config.TryGetInt64(reference[2], out var tensorIndex))
            throw ConfigException.For("Functional", key, $"must hold [layer, node, tensor] lists, got {reference.ToJsonString()}");
        if (!created.TryGetValue(name, out var layer)) throw ConfigException.For("Functional", key, $"names the unknown layer '{name}'");
        if (layer is Model { IsFunctional: true }) nodeIndex--;
        return NodeOutput(layer, (int)nodeIndex, (int)tensorIndex) ?? throw ConfigException.For("Functional", key, $"names node {nodeIndex} of layer '{name}', which does not exist");
    }

    private static Tensor? NodeOutput(Layer layer, int nodeIndex, int tensorIndex)
    {
        if (layer is InputLayer input) _ = input.Output;
        if (nodeIndex < 0 || nodeIndex >= layer.InboundNodes.Count) return null;
        var outputs = layer.InboundNodes[nodeIndex].Outputs;
        return tensorIndex >= 0 && tensorIndex < outputs.Count ? outputs[tensorIndex] : null;
    }

    private static CallArguments? TryDeserializeNode(JsonObject nodeData, Dictionary<string, Layer> created, bool constantsAllowed = false)
    {
        var tensors = new List<Tensor>();
        if (nodeData["args"] is JsonArray args)
            foreach (var arg in args)
                if (constantsAllowed && arg is JsonValue) continue; // a Keras op's constant (not_equal(ids, 0)): the op reads it from its node
                else if (!CollectTensors(arg, created, tensors)) return null;
        Tensor? mask = null;
        bool? training = null;
        var other = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (nodeData["kwargs"] is JsonObject kwargs)
        {
            foreach (var (key, value) in kwargs)
            {
                if (key == "mask" && value is JsonObject)
                {
                    var list = new List<Tensor>();
                    if (!CollectTensors(value, created, list)) return null;
                    mask = list.Count > 0 ? list[0] : null;
                }
                else if (key == "mask" && value is JsonArray { Count: > 0 } maskItems && maskItems.All(m => m is null || IsKerasTensor(m)) && maskItems.Any(IsKerasTensor))
                {
                    // The masks of a list call, as Keras writes them: Keras tensors and nulls (mask=[None, value_mask]).
                    var masks = new Tensor?[maskItems.Count];
                    for (int i = 0; i < masks.Length; i++)
                    {
                        if (maskItems[i] is null) continue;
                        var list = new List<Tensor>();
                        if (!CollectTensors(maskItems[i], created, list)) return null;
                        masks[i] = list[0];
                    }
                    other[key] = masks;
                }
                else if (key == "training" && Config.TryGetBoolean(value, out var b)) training = b;
                else if (value is JsonObject o && Config.TryGetString(o["class_name"], out var cn) && cn == "__keras_tensor__")
                {
                    // A tensor passed by name (MultiHeadAttention(query, value, key=k, attention_mask=m)).
                    var list = new List<Tensor>();
                    if (!CollectTensors(value, created, list)) return null;
                    other[key] = list[0];
                }
                else if (value is JsonArray { Count: > 0 } items && items.All(IsKerasTensor))
                {
                    // A list of tensors passed by name (a recurrent layer's initial_state=[h, c]).
                    var list = new List<Tensor>();
                    if (!CollectTensors(value, created, list)) return null;
                    other[key] = list.ToArray();
                }
                else other[key] = value?.DeepClone();
            }
        }
        bool isList = nodeData["args"] is JsonArray { Count: 1 } a && a[0] is JsonArray;
        return new CallArguments([.. tensors], mask, training, other) { IsList = isList };
    }

    private static bool IsKerasTensor(JsonNode? node)
        => node is JsonObject o && Config.TryGetString(o["class_name"], out var cn) && cn == "__keras_tensor__";

    private static bool CollectTensors(JsonNode? node, Dictionary<string, Layer> created, List<Tensor> into)
    {
        switch (node)
        {
            case JsonArray array:
                foreach (var item in array) if (!CollectTensors(item, created, into)) return false;
                return true;
            case JsonObject o when Config.TryGetString(o["class_name"], out var cn) && cn == "__keras_tensor__":
                if (o["config"]?["keras_history"] is not JsonArray h || h.Count < 3 || !Config.TryGetString(h[0], out var name)
                    || !Config.TryGetInt64(h[1], out var nodeIndex) || !Config.TryGetInt64(h[2], out var tensorIndex))
                    throw new ConfigException($"A serialized Keras tensor needs a keras_history [layer, node, tensor], got {o.ToJsonString()}.");
                if (!created.TryGetValue(name, out var layer)) throw new ConfigException($"Unknown layer: '{name}' in a keras_history.");
                var t = NodeOutput(layer, (int)nodeIndex, (int)tensorIndex);
                if (t is null) return false;
                into.Add(t);
                return true;
            default:
                throw new ConfigException($"Only Keras tensors are supported as positional call arguments in a functional config, got {node?.ToJsonString() ?? "null"}.");
        }
    }

#pragma warning disable CA2255 // registration is what module initializers are for
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void RegisterFunctional()
        => LayerRegistry.Register("keras>Functional", static config => FromFunctionalConfig(config));
#pragma warning restore CA2255
}
