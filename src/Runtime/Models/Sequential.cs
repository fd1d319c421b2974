using System.Text.Json.Nodes;
using LayerGen.Layers;

namespace LayerGen.Models;

/// <summary>
/// A plain stack of layers, each called on the output of the previous one (Keras's <c>Sequential</c>).
/// It builds when it knows its input shape: from an <see cref="InputLayer"/> (or a
/// <see cref="Keras.Input"/> tensor) put first, from <see cref="Build"/>, or on the first call.
/// </summary>
public class Sequential : Model
{
    private readonly List<Layer> _layers = [];
    private Shape? _buildShape;

    /// <summary>Creates the model from layers (an <see cref="InputLayer"/> may come first).</summary>
    public Sequential(IEnumerable<Layer>? layers = null)
    {
        if (layers is not null)
            foreach (var l in layers) Add(l, rebuild: false);
        RebuildIfPossible();
    }

    /// <inheritdoc/>
    protected override string DefaultName => "sequential";

    /// <inheritdoc/>
    public override string RegisteredName => "keras>Sequential";

    /// <summary>The layers, without the input layer.</summary>
    public override IReadOnlyList<Layer> Layers => _layers.Where(l => l is not InputLayer).ToList();

    /// <summary>The input layer, if the model has one (given or created by the build).</summary>
    public InputLayer? FirstInputLayer => _layers.Count > 0 ? _layers[0] as InputLayer : null;

    /// <summary>Adds a layer on top of the stack.</summary>
    public void Add(Layer layer) => Add(layer, rebuild: true);

    /// <summary>Adds the input layer of a <see cref="Keras.Input"/> tensor (it must come first).</summary>
    public void Add(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (KerasHistory.Of(input)?.Layer is not InputLayer inputLayer)
            throw new ArgumentException("Only input tensors may be added to a Sequential model (a tensor from Keras.Input); add layers as layers.", nameof(input));
        Add(inputLayer);
    }

    private void Add(Layer layer, bool rebuild)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer is InputLayer && _layers.Count > 0)
        {
            if (_layers.Count == 1 && _layers[0] is InputLayer && _buildShape is not null && !_layers[0].Equals(layer))
                throw new ArgumentException($"Sequential model '{Name}' has already been configured to use an input layer. You cannot add a second one.");
            throw new ArgumentException($"An InputLayer can only be the first layer of a Sequential model. Received: {layer}");
        }
        foreach (var l in _layers)
            if (l.Name == layer.Name)
                throw new ArgumentException($"All layers added to a Sequential model should have unique names. Name '{layer.Name}' is already the name of a layer in this model. Update the `name` argument to pass a unique name.");
        _layers.Add(layer);
        if (rebuild) RebuildIfPossible();
    }

    /// <summary>Removes and returns the last layer.</summary>
    public Layer Pop()
    {
        int last = _layers.Count - 1;
        if (last < 0 || _layers[last] is InputLayer)
            throw new InvalidOperationException($"Sequential model '{Name}' has no layers to remove.");
        var layer = _layers[last];
        _layers.RemoveAt(last);
        RebuildIfPossible();
        return layer;
    }

    private void RebuildIfPossible()
    {
        if (Layers.Count == 0) return;
        if (_layers[0] is InputLayer input) BuildWith(input.BatchShape);
        else if (_buildShape is { } shape) BuildWith(shape);
    }

    /// <summary>Builds the model for inputs of <paramref name="inputShape"/> (batch dimension included; -1 for unknown).</summary>
    public void Build(Shape inputShape) => BuildWith(inputShape);

    private void BuildWith(Shape inputShape)
    {
        if (Layers.Count == 0)
            throw new InvalidOperationException($"Sequential model {Name} cannot be built because it has no layers. Call `model.Add(layer)`.");
        if (_layers[0] is InputLayer existing)
        {
            if (existing.BatchShape != inputShape)
                throw new ArgumentException($"Sequential model '{Name}' has already been configured to use input shape {existing.BatchShape}. You cannot build it with input_shape {inputShape}");
        }
        else
        {
            _layers.Insert(0, new InputLayer(batchShape: inputShape, dtype: _layers[0].DType));
        }
        var input = (InputLayer)_layers[0];
        _buildShape = inputShape;
        // Run the stack once on a symbolic input: builds every layer and records its output shape.
        using (NodeRecording.Suppress())
        {
            try
            {
                Tensor x = input.Output;
                foreach (var layer in Layers) x = Single(layer, layer.InvokeRecorded(new CallArguments([x])));
            }
            catch (InvalidOperationException) { /* a layer that cannot run symbolically builds on its first real call */ }
        }
        var specs = new List<InputSpec?> { new InputSpec(shape: inputShape.With(0, Shape.Unknown)) };
        InputSpecs = specs;
        MarkBuilt(LayerGen.Layers.BuildConfig.ForInput(inputShape), lockState: false);
    }

    private Tensor Single(Layer layer, Tensor[] outputs)
    {
        if (outputs.Length != 1)
            throw new InvalidOperationException($"All layers in a Sequential model should have a single output tensor. For multi-output layers, use the functional API. Layer '{layer.Name}' in model '{Name}' returned {outputs.Length}.");
        return outputs[0];
    }

    /// <inheritdoc/>
    protected internal override void VisitMembers(IModuleVisitor visitor)
    {
        base.VisitMembers(visitor);
        LayerPaths.Visit(visitor, _layers);
    }

    /// <inheritdoc/>
    protected internal override Tensor[] InvokeRecorded(CallArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (arguments.Tensors.Length != 1)
            throw new IncompatibleInputException($"Layer \"{Name}\" expects 1 input(s), but it received {arguments.Tensors.Length} input tensors.");
        var frame = EnterCall(arguments.Training, trainingDefault: null);
        try
        {
            var x = arguments.Tensors[0];
            if (_buildShape is null) BuildWith(x.Shape);
            AssertInputCompatibility(0, x);
            // Each layer gets the mask of its input (Keras's Sequential passes outputs' masks on).
            var mask = arguments.Mask ?? KerasMask.Of(x);
            foreach (var layer in Layers)
            {
                x = Single(layer, layer.InvokeRecorded(new CallArguments([x], mask)));
                mask = KerasMask.Of(x);
            }
            return FinishCall(frame, arguments, [x]);
        }
        finally
        {
            ExitCall(frame);
        }
    }

    /// <summary>Keras 3's config: <c>name</c>, <c>trainable</c>, <c>dtype</c>, <c>layers</c> (input layer included), <c>build_input_shape</c>.</summary>
    public override JsonObject GetConfig()
    {
        var config = new JsonObject
        {
            ["name"] = Name,
            ["trainable"] = Trainable,
            ["dtype"] = Config.WriteDTypePolicy(DType),
        };
        var layers = new JsonArray();
        foreach (var layer in _layers) layers.Add((JsonNode)LayerRegistry.Serialize(layer));
        config["layers"] = layers;
        if (_buildShape is { } shape) config["build_input_shape"] = Config.Write(shape);
        return config;
    }

    /// <summary>Rebuilds the model from its config (the layers through <see cref="LayerRegistry"/>).</summary>
    public static Sequential FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        const string cls = "Sequential";
        var name = Config.ReadStringOrNull(config, "name", cls);
        var model = name is null ? new Sequential() : new Sequential() { Name = name };
        if (config.TryGetPropertyValue("dtype", out var dt) && dt is not null) model.ApplyBaseConfig(new JsonObject { ["dtype"] = dt.DeepClone() });
        // The layers build from the model's input layer (whose dtype is recorded, e.g. int32 ids), as Keras's
        // Sequential rebuild does; only layers that run did not reach build from their own build_config.
        var layers = Config.ReadUnbuiltLayerList<Layer>(config, "layers", cls);
        foreach (var (layer, _) in layers) model.Add(layer, rebuild: false);
        model.RebuildIfPossible();
        if (model._buildShape is null && Config.ReadShapeOrNull(config, "build_input_shape", cls) is { } shape && model._layers.Count > 0)
            model.BuildWith(shape);
        Config.BuildLayerList(layers, "layers", cls);
        if (config.ContainsKey("trainable")) model.Trainable = Config.ReadBoolean(config, "trainable", cls);
        return model;
    }

    /// <summary>A Sequential builds from its own input layer (with its dtype) or from the recorded shape.</summary>
    protected override void BuildFromConfigWithDTypes(JsonObject buildConfig, IReadOnlyList<DType> inputDTypes) => BuildFromConfig(buildConfig);

    /// <inheritdoc/>
    public override void BuildFromConfig(JsonObject buildConfig)
    {
        ArgumentNullException.ThrowIfNull(buildConfig);
        if (_buildShape is not null) return;
        var shapes = LayerGen.Layers.BuildConfig.Shapes(buildConfig);
        if (shapes.Count == 1 && Layers.Count == 0)
            throw new ConfigException($"Sequential model {Name} cannot be built because it has no layers. Call `model.add(layer)`.");
        if (shapes.Count == 1) BuildWith(shapes[0]);
    }

#pragma warning disable CA2255 // registration is what module initializers are for
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void RegisterSequential()
        => LayerRegistry.Register("keras>Sequential", static config => FromConfig(config));
#pragma warning restore CA2255
}
