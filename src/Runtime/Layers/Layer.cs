using System.Text.Json.Nodes;

namespace LayerGen.Layers;

/// <summary>
/// A Keras-style layer: a <see cref="Module"/> that builds itself once from the shapes of its first
/// inputs, checks later inputs, resolves the <c>training</c> flag, collects losses, records calls on
/// symbolic tensors for functional models, and round-trips through a Keras config. Mark a
/// <c>partial</c> class <c>[Layer]</c>, write <c>Call</c> (and optionally <c>Build</c>); the generator
/// writes <c>Invoke</c>, <c>GetConfig</c>, <c>FromConfig</c> and the registration (see
/// docs/design/layer-contract.md).
/// </summary>
public abstract partial class Layer : Module
{
    private readonly List<Variable> _weights = [];
    private readonly Dictionary<Variable, Regularizer> _regularizers = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Variable, Constraint> _constraints = new(ReferenceEqualityComparer.Instance);
    private readonly List<Tensor> _losses = [];
    private readonly List<KerasNode> _inboundNodes = [];
    private JsonObject? _buildConfig;
    private bool _built, _locked;
    private IReadOnlyList<InputSpec?>? _inputSpecs;
    private bool _inputSpecSet;
    private DType _dtype = DType.Float32;
    private string? _assignedName;
    private IReadOnlyList<Shape>? _outputShapes;

    /// <summary>Creates the layer and takes its place in the default-name order.</summary>
    protected Layer() => NameSession.Enqueue(this);

    // ------------------------------------------------------------------ naming

    /// <inheritdoc/>
    protected override string DefaultName => Config.ToSnakeCase(GetType().Name);

    /// <summary>
    /// The name the layer is registered under in <see cref="LayerRegistry"/>: <c>package&gt;ClassName</c>, the name
    /// the assembly's generated registration gave the class (or its nearest registered base); the generator overrides
    /// it for a class that list does not register. Built-ins use a Keras package (<c>keras.layers&gt;Dense</c>) and
    /// serialize with <c>registered_name: null</c>, as Keras writes them.
    /// </summary>
    public virtual string RegisteredName => LayerRegistry.RegisteredNameOf(GetType()) ?? GetType().Name;

    /// <summary>Keras's class name in configs (<c>class_name</c>): the part of <see cref="RegisteredName"/> after <c>&gt;</c>.</summary>
    public virtual string ClassName
    {
        get
        {
            var r = RegisteredName;
            int i = r.LastIndexOf('>');
            return i < 0 ? r : r[(i + 1)..];
        }
    }

    /// <summary>The <c>module</c> written when serialized; null for the package of <see cref="RegisteredName"/>.</summary>
    protected internal virtual string? SerializedModule => null;

    /// <summary>The <c>registered_name</c> written when serialized; null for Keras's rule (null for built-ins, else <see cref="RegisteredName"/>).</summary>
    protected internal virtual string? SerializedRegisteredName => null;

    private protected override string CreateDefaultName() => _assignedName ?? NameSession.Resolve(this);

    internal bool NeedsDefaultName => !HasName && _assignedName is null;
    internal string DefaultNameForSession => DefaultName;
    internal string? AssignedDefaultName => _assignedName;
    internal void AssignDefaultName(string name) => _assignedName = name;

    // ------------------------------------------------------------------ state

    /// <summary>Whether <c>Build</c> has run.</summary>
    public bool IsBuilt => _built;

    /// <summary>What Keras records after building (<c>{"input_shape": [...]}</c> or <c>{"shapes_dict": {...}}</c>), or null before.</summary>
    public JsonObject? BuildConfig => _buildConfig?.DeepClone() as JsonObject;

    /// <summary>The dtype of the layer's weights (Keras's dtype policy; float32 by default).</summary>
    public DType DType { get => _dtype; init => _dtype = value; }

    /// <summary>
    /// Whether the layer passes masks on (Keras's <c>supports_masking</c>): when true, each call attaches
    /// <see cref="ComputeMask(Tensor, Tensor?)"/>'s result to the first output (<see cref="KerasMask"/>). False by default.
    /// </summary>
    public virtual bool SupportsMasking => false;

    /// <summary>
    /// The mask of the output for <paramref name="inputs"/> (the first tensor argument) and the mask that came
    /// with them (Keras's <c>compute_mask</c>); by default the incoming mask, unchanged.
    /// </summary>
    public virtual Tensor? ComputeMask(Tensor inputs, Tensor? previousMask) => previousMask;

    /// <summary>
    /// The output's mask for a call over a list of tensors (merges, <see cref="Attention"/>): <paramref name="inputs"/>
    /// and their masks (<paramref name="masks"/>: the <c>mask</c> list passed to the call, else the masks attached to
    /// the inputs; null when none has one). By default <see cref="ComputeMask(Tensor, Tensor?)"/> of the first input and
    /// its mask.
    /// </summary>
    public virtual Tensor? ComputeMask(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?>? masks)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return inputs.Count == 0 ? null : ComputeMask(inputs[0], masks is { Count: > 0 } ? masks[0] : null);
    }

    /// <summary>A penalty on the layer's outputs, added to <see cref="Losses"/> on each call.</summary>
    public Regularizer? ActivityRegularizer { get; set; }

    /// <summary>
    /// The spec of the first input. Setting it (even to null) turns off the spec derived from the build
    /// shape (rank at least the build rank, last axis fixed when known).
    /// </summary>
    public InputSpec? InputSpec
    {
        get => _inputSpecs is { Count: > 0 } s ? s[0] : null;
        set => InputSpecs = value is null ? [] : [value];
    }

    /// <summary>One spec per tensor argument (null entries are not checked).</summary>
    public IReadOnlyList<InputSpec?> InputSpecs
    {
        get => _inputSpecs ?? [];
        set { _inputSpecs = value ?? []; _inputSpecSet = true; }
    }

    /// <summary>
    /// Whether the layer's weights train. Setting it sets it on every sub-layer too, as Keras does;
    /// a frozen layer's variables are listed in <see cref="Module.NonTrainableVariables"/>.
    /// </summary>
    public override bool Trainable
    {
        get => base.Trainable;
        set
        {
            base.Trainable = value;
            foreach (var layer in DirectLayers()) layer.Trainable = value;
        }
    }

    /// <summary>The layer's calls on symbolic tensors, in order (functional API).</summary>
    public IReadOnlyList<KerasNode> InboundNodes => _inboundNodes;

    /// <summary>The output shapes of the building call or of the last symbolic call (for <c>Summary</c>).</summary>
    public IReadOnlyList<Shape>? OutputShapes => _outputShapes;

    /// <summary>The layers directly held by this one (fields, lists), each once, in declaration order.</summary>
    public IReadOnlyList<Layer> DirectLayers()
    {
        var collector = new DirectMembers();
        VisitMembers(collector);
        return collector.Layers;
    }

    private sealed class DirectMembers : IModuleVisitor
    {
        private readonly HashSet<Layer> _seen = new(ReferenceEqualityComparer.Instance);
        public List<Layer> Layers { get; } = [];
        public void Variable(string path, Variable variable) { }
        public void Module(string path, Module module)
        {
            if (module is Layer l && _seen.Add(l)) Layers.Add(l);
        }
    }

    /// <summary>Every layer beneath this one (not itself), depth-first, each once.</summary>
    public IReadOnlyList<Layer> SubLayers()
    {
        var list = new List<Layer>();
        foreach (var m in Submodules) if (m is Layer l) list.Add(l);
        return list;
    }

    /// <inheritdoc/>
    protected internal override void VisitMembers(IModuleVisitor visitor)
    {
        base.VisitMembers(visitor);
        foreach (var w in _weights) visitor.Variable(w.Name, w);
    }

    private protected override void OrderMembers(List<(string Path, object Member)> members)
    {
        // Keras: own trainable weights, own non-trainable weights, then sub-layers (stable).
        var trainable = new List<(string, object)>();
        var frozen = new List<(string, object)>();
        var modules = new List<(string, object)>();
        foreach (var m in members)
        {
            if (m.Member is Variable v) (v.Trainable ? trainable : frozen).Add(m);
            else modules.Add(m);
        }
        members.Clear();
        members.AddRange(trainable);
        members.AddRange(frozen);
        members.AddRange(modules);
    }

    // ------------------------------------------------------------------ weights

    /// <summary>
    /// Creates a weight and tracks it, like Keras's <c>add_weight</c>. Allowed in the constructor and in
    /// <c>Build</c>; after the layer is built it throws. The initializer defaults to Glorot uniform for
    /// floating dtypes and zeros otherwise; the dtype to the layer's.
    /// </summary>
    public Variable AddWeight(string name, Shape shape, Initializer? initializer = null, DType? dtype = null, bool trainable = true,
        Regularizer? regularizer = null, Constraint? constraint = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (_locked) throw LockedState();
        if (!shape.IsFullyDefined)
            throw new ArgumentException($"Layer \"{Name}\": cannot create weight \"{name}\" with shape {shape}: every dimension must be known. Use the known dimensions of the build shape (e.g. inputShape[^1]).", nameof(shape));
        var dt = dtype ?? DType;
        initializer ??= dt.IsFloating() ? Initializers.GlorotUniform() : Initializers.Zeros();
        var variable = new Variable(initializer.Call(shape, dt), trainable, name);
        _weights.Add(variable);
        if (regularizer is not null) _regularizers[variable] = regularizer;
        if (constraint is not null) _constraints[variable] = constraint;
        return variable;
    }

    /// <summary>The regularizer given to <see cref="AddWeight"/> for <paramref name="weight"/>, if any.</summary>
    public Regularizer? GetRegularizer(Variable weight) => _regularizers.GetValueOrDefault(weight);

    /// <summary>The constraint given to <see cref="AddWeight"/> for <paramref name="weight"/>, if any (optimizers apply it after each update).</summary>
    public Constraint? GetConstraint(Variable weight) => _constraints.GetValueOrDefault(weight);

    internal static LayerStateException LockedState() => new(
        "You cannot add new elements of state (variables or sub-layers) to a layer that is already built. " +
        "All state must be created in the constructor or in the `Build()` method.");

    /// <summary>The number of values in the layer's weights (sub-layers included).</summary>
    public long CountParams()
    {
        long n = 0;
        foreach (var v in Variables) n += v.Shape.Size;
        return n;
    }

    // ------------------------------------------------------------------ weights as values

    /// <summary>
    /// Copies of the values of the layer's weights (sub-layers included), in the order of
    /// <see cref="Module.Variables"/>, as Keras's <c>get_weights()</c>. Empty before the layer is built.
    /// </summary>
    public Tensor[] GetWeights()
    {
        var vars = Variables;
        var values = new Tensor[vars.Count];
        for (int i = 0; i < vars.Count; i++) values[i] = vars[i].Value();
        return values;
    }

    /// <summary>
    /// Assigns <paramref name="weights"/> to the layer's weights, in the order of <see cref="GetWeights"/>, as Keras's
    /// <c>set_weights()</c>. The count and every shape are checked before anything is assigned (an
    /// <see cref="ArgumentException"/> names the layer, the weight and both shapes); values of another dtype are cast.
    /// </summary>
    public void SetWeights(IReadOnlyList<Tensor> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var named = NamedVariables;
        string kind = ClassName;
        if (weights.Count != named.Count)
            throw new ArgumentException($"You called `SetWeights(weights)` on {kind} \"{Name}\" with a weight list of length {weights.Count}, but it has {named.Count} weights.", nameof(weights));
        var values = new Tensor[named.Count];
        for (int i = 0; i < named.Count; i++)
        {
            var (path, variable) = (named[i].Key, named[i].Value);
            var w = weights[i] ?? throw new ArgumentException($"SetWeights on {kind} \"{Name}\": the value for weight {i} ('{path}') is null.", nameof(weights));
            if (w.IsSymbolic)
                throw new ArgumentException($"SetWeights on {kind} \"{Name}\": the value for weight '{path}' is a symbolic tensor; pass concrete values.", nameof(weights));
            if (w.Shape != variable.Shape)
                throw new ArgumentException($"SetWeights on {kind} \"{Name}\": weight '{path}' has shape {variable.Shape}, but the value given for it (index {i}) has shape {w.Shape}.", nameof(weights));
            values[i] = w.DType == variable.DType ? w : Ops.Cast(w, variable.DType);
        }
        for (int i = 0; i < values.Length; i++) named[i].Value.Assign(values[i]);
    }

    // ------------------------------------------------------------------ losses

    /// <summary>
    /// Adds a loss (a scalar tensor) during a call; the outermost call clears the previous ones. In a traced call
    /// (<see cref="TraceScope"/>: a <c>TensorFunction</c>, a plan) symbolic losses are kept, so <see cref="Losses"/> read
    /// inside the traced function holds graph tensors its loss can add; other symbolic losses (a functional model being
    /// wired from <c>Keras.Input</c>, builds) are ignored.
    /// </summary>
    public void AddLoss(Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (loss.IsSymbolic && !TraceScope.IsActive) return; // functional construction and builds keep no losses
        _losses.Add(loss);
    }

    /// <summary>
    /// The losses of the last call: those added with <see cref="AddLoss"/> by this layer and its sub-layers
    /// (activity regularizers included), then a regularizer penalty for each trainable weight that has one.
    /// </summary>
    public IReadOnlyList<Tensor> Losses
    {
        get
        {
            var layers = new List<Layer> { this };
            layers.AddRange(SubLayers());
            var list = new List<Tensor>();
            var regularizers = new Dictionary<Variable, Regularizer>(ReferenceEqualityComparer.Instance);
            foreach (var layer in layers)
            {
                list.AddRange(layer._losses);
                foreach (var (v, r) in layer._regularizers) regularizers.TryAdd(v, r);
            }
            foreach (var v in TrainableVariables)
                if (regularizers.TryGetValue(v, out var r)) list.Add(r.Call(v));
            return list;
        }
    }

    internal void ClearLosses()
    {
        _losses.Clear();
        foreach (var layer in SubLayers()) layer._losses.Clear();
    }

    // ------------------------------------------------------------------ the call protocol (generated code)

    /// <summary>
    /// Starts a call: resolves <c>training</c> (explicit value, else the enclosing call's, else
    /// <paramref name="trainingDefault"/>, the signature default, null when <c>Call</c> takes none),
    /// enters the layer's name scope, and on the outermost call clears the losses of the last call.
    /// </summary>
    protected CallFrame EnterCall(bool? training, bool? trainingDefault)
    {
        var context = CallContext.Current;
        bool outermost = context is null;
        if (outermost)
        {
            context = CallContext.Begin();
            ClearLosses();
        }
        var resolved = training ?? context!.Training ?? trainingDefault;
        context!.Training = resolved;
        context.Depth++;
        context.NameScope.Add(Name);
        return new CallFrame(this, outermost, resolved, _built);
    }

    /// <summary>Ends a call started with <see cref="EnterCall"/> (in a <c>finally</c>).</summary>
    protected void ExitCall(CallFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var context = CallContext.Current;
        if (context is null) return;
        context.Depth--;
        if (context.NameScope.Count > 0) context.NameScope.RemoveAt(context.NameScope.Count - 1);
        if (frame.IsOutermost) CallContext.End();
    }

    /// <summary>The name scope of the running layer calls, outermost first (<c>model/dense</c>); empty outside calls.</summary>
    public static string CurrentNameScope => CallContext.Current is { } c ? string.Join("/", c.NameScope) : "";

    /// <summary>Marks the start of <c>Build</c>.</summary>
    protected void BeginBuild()
    {
        if (_built) throw new LayerStateException($"Layer \"{Name}\" is already built.");
    }

    /// <summary>Marks the end of <c>Build</c>: records the build config, derives the input spec, locks the state.</summary>
    protected void EndBuild(JsonObject buildConfig)
    {
        _buildConfig = buildConfig;
        _built = true;
        _locked = true;
        if (!_inputSpecSet)
        {
            var specs = new List<InputSpec?>();
            foreach (var shape in LayerGen.Layers.BuildConfig.Shapes(buildConfig)) specs.Add(LayerGen.Layers.InputSpec.FromBuildShape(shape));
            _inputSpecs = specs;
        }
        // Deferred restore: a checkpoint restored before this layer was built hands over its values now.
        DeferredRestores.Apply(this);
    }

    /// <summary>
    /// Adds <paramref name="shape"/> under <paramref name="name"/> to a build config recorded as <c>shapes_dict</c>: a shape
    /// a layer learns on its first call after <c>Build</c> (Keras's MultiHeadAttention records <c>key_shape</c> when called with a key).
    /// </summary>
    private protected void RecordBuildShape(string name, Shape shape)
    {
        if (_buildConfig?["shapes_dict"] is JsonObject dict) dict[name] = Config.Write(shape);
    }

    /// <summary>Marks a layer built without a <c>Build</c> call (models and layers with nothing to build).</summary>
    private protected void MarkBuilt(JsonObject? buildConfig, bool lockState)
    {
        _buildConfig = buildConfig;
        _built = true;
        _locked = lockState;
        DeferredRestores.Apply(this);
    }

    /// <summary>Checks tensor argument <paramref name="index"/> against <see cref="InputSpecs"/> (Keras 3's messages).</summary>
    protected void AssertInputCompatibility(int index, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (_inputSpecs is { } specs && index < specs.Count && specs[index] is { } spec) spec.Check(input, index, Name);
    }

    /// <summary>Checks each tensor of a list argument against its entry of <see cref="InputSpecs"/>.</summary>
    protected void AssertInputCompatibility(IReadOnlyList<Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        for (int i = 0; i < inputs.Count; i++) AssertInputCompatibility(i, inputs[i]);
    }

    /// <summary>
    /// Finishes a call: adds the activity-regularizer loss, remembers output shapes, and, when an input
    /// is symbolic and this is the outermost call, records a <see cref="KerasNode"/> in the outputs'
    /// <see cref="KerasHistory"/> for the functional API.
    /// </summary>
    protected Tensor FinishCall(CallFrame frame, CallArguments arguments, Tensor outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        return FinishCall(frame, arguments, [outputs])[0];
    }

    /// <summary>Finishes a call that returns several tensors.</summary>
    protected Tensor[] FinishCall(CallFrame frame, CallArguments arguments, Tensor[] outputs) => FinishCall(frame, arguments, outputs, setMask: true);

    private Tensor[] FinishCall(CallFrame frame, CallArguments arguments, Tensor[] outputs, bool setMask)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(outputs);
        if (ActivityRegularizer is { } activity)
            foreach (var o in outputs)
                if (!o.IsSymbolic || TraceScope.IsActive) AddLoss(activity.Call(o));
        bool symbolic = arguments.AnySymbolic();
        if (symbolic || !frame.WasBuilt || _outputShapes is null)
        {
            var shapes = new Shape[outputs.Length];
            for (int i = 0; i < shapes.Length; i++) shapes[i] = outputs[i].Shape;
            _outputShapes = shapes;
        }
        // A traced call (TraceScope) is not functional-API wiring: it records no KerasNode (a layer returning its input,
        // as Dropout at inference, must give the trace that input, not a fresh placeholder).
        var result = symbolic && frame.IsOutermost && !NodeRecording.Suppressed && !TraceScope.IsActive ? RecordNode(arguments, outputs) : outputs;
        if (setMask && SupportsMasking && result.Length > 0 && arguments.Tensors.Length > 0 && KerasMask.Of(result[0]) is null)
        {
            var previous = arguments.Mask ?? KerasMask.Of(arguments.Tensors[0]);
            if (ComputeMask(arguments.Tensors[0], previous) is { } mask) KerasMask.Set(result[0], mask);
        }
        return result;
    }

    /// <summary>
    /// <see cref="FinishCall(CallFrame, CallArguments, Tensor[])"/> for <see cref="InvokeLayer"/>, which looked the inputs'
    /// masks up before the call (<paramref name="masks"/>, null when none had one) and ran <c>Call</c> with
    /// <paramref name="call"/>: the output's mask is <see cref="ComputeMask(IReadOnlyList{Tensor}, IReadOnlyList{Tensor?})"/>
    /// of the list and its masks for a list call, else <see cref="ComputeMask(Tensor, Tensor?)"/> of the first tensor and the
    /// mask <c>Call</c> got (or the first tensor's own), as Keras's <c>Layer.__call__</c>.
    /// </summary>
    private Tensor[] FinishCall(CallFrame frame, CallArguments arguments, Tensor[] outputs, CallArguments call, Tensor?[]? masks)
    {
        var result = FinishCall(frame, arguments, outputs, setMask: false);
        if (!SupportsMasking || result.Length == 0 || arguments.Tensors.Length == 0 || KerasMask.Of(result[0]) is not null) return result;
        Tensor? mask;
        if (arguments.IsList)
        {
            IReadOnlyList<Tensor?>? previous = call.Other.TryGetValue("mask", out var given) && given is IReadOnlyList<Tensor?> list ? list : masks;
            mask = ComputeMask(arguments.Tensors, previous);
        }
        else mask = ComputeMask(arguments.Tensors[0], call.Mask ?? masks?[0]);
        if (mask is not null) KerasMask.Set(result[0], mask);
        return result;
    }

    internal Tensor[] RecordNode(CallArguments arguments, Tensor[] outputs)
    {
        var inputs = new HashSet<Tensor>(arguments.AllTensors(), ReferenceEqualityComparer.Instance);
        var fresh = new Tensor[outputs.Length];
        for (int i = 0; i < outputs.Length; i++)
        {
            var o = outputs[i];
            // A layer may return its input (Identity) or a tensor another node already owns: give the
            // node its own symbolic tensor so histories never get overwritten.
            fresh[i] = !o.IsSymbolic || inputs.Contains(o) || KerasHistory.Of(o) is not null || Array.IndexOf(outputs, o) != i
                ? Tensor.Placeholder(o.Shape, o.DType)
                : o;
        }
        var node = new KerasNode(this, arguments, fresh);
        _inboundNodes.Add(node);
        for (int i = 0; i < fresh.Length; i++) KerasHistory.Set(fresh[i], new KerasHistory(this, _inboundNodes.Count - 1, i));
        return fresh;
    }


    /// <summary>Calls the layer with a recorded argument list (functional models replay their graph with it).</summary>
    public Tensor[] Invoke(CallArguments arguments) => InvokeRecorded(arguments);

    // ------------------------------------------------------------------ config

    /// <summary>
    /// The layer's config, as Keras's <c>get_config()</c>: the base writes <c>name</c>, <c>trainable</c>,
    /// <c>dtype</c> (a <c>DTypePolicy</c> object) and, when set, <c>activity_regularizer</c>; the generated
    /// override adds one key per constructor parameter.
    /// </summary>
    public virtual JsonObject GetConfig()
    {
        var config = new JsonObject
        {
            ["name"] = Name,
            ["trainable"] = Trainable,
            ["dtype"] = Config.WriteDTypePolicy(DType),
        };
        if (ActivityRegularizer is not null) config["activity_regularizer"] = ActivityRegularizer.Serialize();
        return config;
    }

    /// <summary>
    /// Finishes a layer that a generated <c>FromConfig</c> has just constructed from <paramref name="config"/>: gives
    /// it the config's <c>name</c> and applies the base keys (<see cref="ApplyBaseConfig"/>). Written once here so the
    /// generated <c>FromConfig</c> is the constructor call and nothing else.
    /// </summary>
    /// <typeparam name="TLayer">The layer's class, returned as it is.</typeparam>
    /// <param name="layer">The new layer (not named yet).</param>
    /// <param name="config">The config it was constructed from.</param>
    /// <returns><paramref name="layer"/>.</returns>
    protected static TLayer WithBaseConfig<TLayer>(TLayer layer, JsonObject config) where TLayer : Layer
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(config);
        layer.SetName(Config.ReadName(config, layer.ClassName));
        layer.ApplyBaseConfig(config);
        return layer;
    }

    /// <summary>Applies the base keys of a config (<c>trainable</c>, <c>dtype</c>, <c>activity_regularizer</c>) to a new layer.</summary>
    public void ApplyBaseConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        string cls = ClassName;
        if (config.ContainsKey("trainable")) Trainable = Config.ReadBoolean(config, "trainable", cls);
        if (config.TryGetPropertyValue("dtype", out var dt) && dt is not null) _dtype = Config.ToDType(dt, "dtype", cls);
        if (ActivityRegularizer is null && Config.ReadRegularizer(config, "activity_regularizer", cls) is { } r) ActivityRegularizer = r;
    }

    /// <summary>
    /// Builds the layer from a recorded <c>build_config</c> (Keras's <c>build_from_config</c>) by calling
    /// it once on symbolic tensors of those shapes and of the layer's own dtype; a layer whose call cannot
    /// run symbolically stays unbuilt and builds on its first real call.
    /// </summary>
    public virtual void BuildFromConfig(JsonObject buildConfig)
    {
        ArgumentNullException.ThrowIfNull(buildConfig);
        if (!_built) BuildFromShapes(buildConfig, null);
    }

    /// <summary>
    /// Builds the layer from a recorded <c>build_config</c> with symbolic inputs of <paramref name="inputDTypes"/>
    /// (one per input; null or missing entries use the layer's dtype), so a layer that takes int32 ids builds on
    /// int32 placeholders. Keras's <c>build_from_config</c> only calls <c>build(input_shape)</c>: when the
    /// placeholders' dtype is refused by the call after the layer's Build has run, the layer stays built, as in Keras.
    /// </summary>
    public void BuildFromConfig(JsonObject buildConfig, IReadOnlyList<DType>? inputDTypes)
    {
        ArgumentNullException.ThrowIfNull(buildConfig);
        if (_built) return;
        if (inputDTypes is null) BuildFromConfig(buildConfig);
        else BuildFromConfigWithDTypes(buildConfig, inputDTypes);
    }

    /// <summary>
    /// <see cref="BuildFromConfig(JsonObject, IReadOnlyList{DType})"/> with known input dtypes; a container that
    /// builds from its own input layers (Sequential) overrides it to ignore them.
    /// </summary>
    protected virtual void BuildFromConfigWithDTypes(JsonObject buildConfig, IReadOnlyList<DType> inputDTypes)
        => BuildFromShapes(buildConfig, inputDTypes);

    private void BuildFromShapes(JsonObject buildConfig, IReadOnlyList<DType>? inputDTypes)
    {
        var shapes = LayerGen.Layers.BuildConfig.Shapes(buildConfig);
        if (shapes.Count == 0) return;
        var tensors = new Tensor[shapes.Count];
        for (int i = 0; i < tensors.Length; i++)
            tensors[i] = Tensor.Placeholder(shapes[i], inputDTypes is not null && i < inputDTypes.Count ? inputDTypes[i] : DType);
        using (NodeRecording.Suppress())
        {
            try { InvokeRecorded(new CallArguments(tensors)); }
            catch (DTypeMismatchException) { /* Build ran (or not) with the recorded shapes; the dtype only matters to the call. */ }
            catch (LayerGenException) when (!_built) { }
            catch (InvalidOperationException) when (!_built) { }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"<{GetType().Name} name={Name}, built={(_built ? "True" : "False")}>";
}

/// <summary>
/// Turns off node recording for a symbolic build pass (building from a config, a Sequential model's shape pass must not
/// add nodes). Such a pass is not part of a trace either: it suspends the active <see cref="TraceScope"/>, so a build
/// run inside a traced call adds no side effects or losses to the trace.
/// </summary>
internal static class NodeRecording
{
    [ThreadStatic] private static int t_suppressed;

    public static bool Suppressed => t_suppressed > 0;

    public static IDisposable Suppress()
    {
        t_suppressed++;
        return new Scope(TraceScope.Suspend());
    }

    private sealed class Scope(TraceScope.Suspension trace) : IDisposable
    {
        private bool _done;
        public void Dispose()
        {
            if (_done) return;
            _done = true;
            t_suppressed--;
            trace.Dispose();
        }
    }
}
