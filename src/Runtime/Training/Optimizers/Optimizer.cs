using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace LayerGen.Optimizers;

/// <summary>
/// The base of Keras 3's optimizers. Every piece of state lives in a <see cref="Variable"/> — the step counter
/// <see cref="Iterations"/> (int64), the learning rate (float32, unless a schedule drives it) and the per-weight
/// slots (momentums, velocities...) — and the optimizer is <see cref="ICheckpointable"/>, so
/// <c>new Checkpoint { ["optimizer"] = opt }</c> saves and restores it. <see cref="Apply"/> follows Keras's order:
/// clip the gradients (<c>clipnorm</c>, else <c>global_clipnorm</c>, else <c>clipvalue</c>), apply weight
/// decay, run each weight's update step in float32, count the step, then apply the weights' constraints.
/// </summary>
public abstract class Optimizer : ICheckpointable
{
    private readonly Variable _iterations = new(Tensor.Scalar(0L), trainable: false, name: "iteration");
    private readonly Variable? _learningRate;
    private readonly List<Variable> _variables = [];
    private readonly List<string> _paths = [];
    private readonly Dictionary<Variable, int> _index = new(ReferenceEqualityComparer.Instance);
    private readonly List<(string Path, Variable Variable)> _extra = [];
    private readonly Dictionary<string, List<Variable>> _slots = new(StringComparer.Ordinal);
    private readonly List<string> _slotOrder = [];
    private readonly List<string[]> _slotGroups = [];

    /// <summary>Creates the optimizer with Keras's base arguments.</summary>
    /// <param name="learningRate">A fixed rate (stored in a float32 variable).</param>
    /// <param name="schedule">A schedule instead of a fixed rate (null: fixed).</param>
    /// <param name="name">The optimizer's name (Keras: the snake-case class name).</param>
    /// <param name="weightDecay">Decoupled weight decay: before each update <c>w -= w * weight_decay * lr</c>.</param>
    /// <param name="clipnorm">Clip each gradient to this L2 norm.</param>
    /// <param name="clipvalue">Clip each gradient element to [-clipvalue, clipvalue].</param>
    /// <param name="globalClipnorm">Clip all gradients together to this global L2 norm.</param>
    protected Optimizer(double learningRate, LearningRateSchedule? schedule, string name, double? weightDecay, double? clipnorm, double? clipvalue, double? globalClipnorm)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (clipnorm is not null && globalClipnorm is not null)
            throw new ArgumentException($"Only one of `clipnorm` and `global_clipnorm` can be set. Received: clipnorm={clipnorm}, global_clipnorm={globalClipnorm}");
        Name = name;
        Schedule = schedule;
        if (schedule is null) _learningRate = new Variable(Tensor.Scalar((float)learningRate), trainable: false, name: "learning_rate");
        WeightDecay = weightDecay;
        Clipnorm = clipnorm;
        Clipvalue = clipvalue;
        GlobalClipnorm = globalClipnorm;
    }

    /// <summary>The optimizer's name.</summary>
    public string Name { get; }

    /// <summary>Keras's class name (<c>Adam</c>, <c>SGD</c>...).</summary>
    public abstract string ClassName { get; }

    /// <summary>The number of updates applied (an int64 variable, saved in checkpoints).</summary>
    public Variable Iterations => _iterations;

    /// <summary>The schedule driving the learning rate, or null for a fixed rate.</summary>
    public LearningRateSchedule? Schedule { get; }

    /// <summary>Decoupled weight decay (null: none).</summary>
    public double? WeightDecay { get; }

    /// <summary>Per-gradient norm clipping (null: none).</summary>
    public double? Clipnorm { get; }

    /// <summary>Per-element value clipping (null: none).</summary>
    public double? Clipvalue { get; }

    /// <summary>Global norm clipping over all gradients (null: none).</summary>
    public double? GlobalClipnorm { get; }

    /// <summary>
    /// The current learning rate: the schedule's value at <see cref="Iterations"/>, or the fixed rate. Setting it
    /// (callbacks such as <c>ReduceLROnPlateau</c> do) is only possible without a schedule.
    /// </summary>
    public double LearningRate
    {
        get => CurrentLearningRate();
        set
        {
            if (_learningRate is null)
                throw new InvalidOperationException($"Optimizer '{Name}': the learning rate is a {Schedule!.ClassName} schedule and cannot be set.");
            _learningRate.Assign(Tensor.Scalar((float)value));
        }
    }

    /// <summary>The learning-rate variable (null when a schedule drives the rate).</summary>
    public Variable? LearningRateVariable => _learningRate;

    private float CurrentLearningRate() => Schedule is { } s ? s.Call(_iterations.ToScalar<long>()) : _learningRate!.ToScalar<float>();

    /// <summary>Whether <see cref="Build(Module)"/> has run.</summary>
    public bool IsBuilt { get; private set; }

    /// <summary>The weights the optimizer was built for, in order.</summary>
    public IReadOnlyList<Variable> TrainableVariables => _variables;

    /// <summary>
    /// Creates the slots for <paramref name="variables"/>. <paramref name="paths"/> names them in checkpoints
    /// (slot <c>dense/kernel/momentum</c>); without paths they are numbered (<c>0/momentum</c>). Models pass their
    /// variable paths. Called by <see cref="Apply"/> on first use.
    /// </summary>
    public void Build(IReadOnlyList<Variable> variables, IReadOnlyList<string>? paths = null)
    {
        ArgumentNullException.ThrowIfNull(variables);
        if (IsBuilt) return;
        if (paths is not null && paths.Count != variables.Count) throw new ArgumentException("One path per variable is needed.", nameof(paths));
        for (int i = 0; i < variables.Count; i++)
        {
            var v = variables[i];
            if (v.DType != DType.Float32)
                throw new NotSupportedException($"Optimizer '{Name}': variable '{v.Name}' is {v.DType.Name()}; optimizers update float32 variables.");
            if (!_index.TryAdd(v, _variables.Count)) continue;
            _variables.Add(v);
            _paths.Add(paths?[i] ?? i.ToString(CultureInfo.InvariantCulture));
        }
        IsBuilt = true;
        BuildSlots();
    }

    /// <summary>Builds the optimizer for a model's trainable variables, named by their paths in the model.</summary>
    public void Build(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var vars = new List<Variable>();
        var paths = new List<string>();
        foreach (var (p, v) in model.NamedVariables)
            if (v.Trainable) { vars.Add(v); paths.Add(p); }
        Build(vars, paths);
    }

    /// <summary>Subclasses create their slots here with <see cref="AddSlots"/>.</summary>
    protected abstract void BuildSlots();

    /// <summary>
    /// Creates one slot variable per weight, named <c>path/slotName</c>, filled with <paramref name="initialValue"/>.
    /// In Keras's variable order (<see cref="KerasVariables"/>) the slots of one <c>AddSlots</c> call follow each
    /// other, one per weight, as Keras's <c>add_optimizer_variables(var_list, "name")</c> creates them.
    /// </summary>
    protected IReadOnlyList<Variable> AddSlots(string slotName, double initialValue = 0)
    {
        var list = CreateSlots(slotName, initialValue);
        _slotGroups.Add([slotName]);
        return list;
    }

    /// <summary>
    /// Creates several slots (zeros) whose Keras order is per weight: the first weight's slots in the order of
    /// <paramref name="slotNames"/>, then the second weight's... (Keras's
    /// <c>add_optimizer_variables(var_list, ["momentum", "velocity"])</c>, Adam's and Adamax's layout).
    /// </summary>
    protected void AddInterleavedSlots(params string[] slotNames)
    {
        ArgumentNullException.ThrowIfNull(slotNames);
        foreach (var n in slotNames) CreateSlots(n, 0);
        _slotGroups.Add([.. slotNames]);
    }

    private List<Variable> CreateSlots(string slotName, double initialValue)
    {
        ArgumentException.ThrowIfNullOrEmpty(slotName);
        if (_slots.ContainsKey(slotName)) throw new InvalidOperationException($"Optimizer '{Name}' already has a slot '{slotName}'.");
        var list = new List<Variable>(_variables.Count);
        for (int i = 0; i < _variables.Count; i++)
            list.Add(new Variable(Tensor.Full(_variables[i].Shape, initialValue), trainable: false, name: slotName));
        _slots[slotName] = list;
        _slotOrder.Add(slotName);
        return list;
    }

    /// <summary>Adds an optimizer-wide variable (Nadam's <c>u_product</c>) saved under <paramref name="path"/>.</summary>
    protected Variable AddOptimizerVariable(string path, Tensor initialValue)
    {
        var v = new Variable(initialValue, trainable: false, name: path);
        _extra.Add((path, v));
        return v;
    }

    /// <summary>The slot <paramref name="slotName"/> of <paramref name="variable"/>.</summary>
    public Variable GetSlot(Variable variable, string slotName)
    {
        if (!_index.TryGetValue(variable, out int i)) throw new ArgumentException($"Optimizer '{Name}' has no state for variable '{variable.Name}'.", nameof(variable));
        if (!_slots.TryGetValue(slotName, out var list)) throw new ArgumentException($"Optimizer '{Name}' has no slot '{slotName}'. Slots: {string.Join(", ", _slotOrder)}.", nameof(slotName));
        return list[i];
    }

    /// <summary>Every variable of the optimizer: iteration, learning rate, extra variables, then the slots per weight.</summary>
    public IReadOnlyList<Variable> Variables => GetCheckpointVariables().Select(p => p.Value).ToList();

    /// <summary>
    /// The variables in the order of Keras 3's <c>optimizer.variables</c>, which is the order of the
    /// <c>optimizer/vars/&lt;i&gt;</c> datasets of a <c>.keras</c> file: the iteration, the learning rate (absent when
    /// a schedule drives it), then, once built, the slots in Keras's build order (each <see cref="AddSlots"/>
    /// call one slot per weight; <see cref="AddInterleavedSlots"/> per weight), then optimizer-wide variables
    /// (Nadam's <c>u_product</c>, which Keras creates at the end of <c>build</c>).
    /// </summary>
    public IReadOnlyList<Variable> KerasVariables
    {
        get
        {
            var list = new List<Variable> { _iterations };
            if (_learningRate is not null) list.Add(_learningRate);
            if (!IsBuilt) return list;
            foreach (var group in _slotGroups)
                for (int i = 0; i < _variables.Count; i++)
                    foreach (var s in group) list.Add(_slots[s][i]);
            foreach (var (_, v) in _extra) list.Add(v);
            return list;
        }
    }

    /// <summary>The number of optimizer-wide variables (<see cref="AddOptimizerVariable"/>), last in <see cref="KerasVariables"/>.</summary>
    internal int OptimizerVariableCount => _extra.Count;

    /// <inheritdoc/>
    public IEnumerable<KeyValuePair<string, Variable>> GetCheckpointVariables()
    {
        yield return new("iteration", _iterations);
        if (_learningRate is not null) yield return new("learning_rate", _learningRate);
        foreach (var (p, v) in _extra) yield return new(p, v);
        for (int i = 0; i < _variables.Count; i++)
            foreach (var s in _slotOrder) yield return new($"{_paths[i]}/{s}", _slots[s][i]);
    }

    /// <summary>Applies one update: <c>pairs</c> of gradient (null: skipped) and weight.</summary>
    public void ApplyGradients(IEnumerable<(Tensor? Gradient, Variable Variable)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var list = pairs.ToList();
        Apply(list.Select(p => p.Gradient).ToList(), list.Select(p => p.Variable).ToList());
    }

    /// <summary>
    /// Applies one update to <paramref name="variables"/> (builds the optimizer on first use). Null gradients are
    /// skipped. <paramref name="constraints"/>, when given, holds one constraint (or null) per variable, applied
    /// after the update.
    /// </summary>
    public void Apply(IReadOnlyList<Tensor?> gradients, IReadOnlyList<Variable> variables, IReadOnlyList<Constraint?>? constraints = null)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        ArgumentNullException.ThrowIfNull(variables);
        if (gradients.Count != variables.Count) throw new ArgumentException($"{gradients.Count} gradients for {variables.Count} variables.", nameof(gradients));
        if (!IsBuilt) Build(variables);
        // Reused between updates (an optimizer updates from one thread at a time): a planned step allocates nothing here.
        var grads = _applyGradients;
        var vars = _applyVariables;
        var cons = _applyConstraints;
        var sparse = _applySparse;
        sparse.Clear();
        grads.Clear();
        vars.Clear();
        cons.Clear();
        for (int i = 0; i < variables.Count; i++)
        {
            if (gradients[i] is not { } g) continue;
            var v = variables[i];
            if (!_index.ContainsKey(v))
                throw new ArgumentException($"Optimizer '{Name}' was built for other variables; '{v.Name}' {v.Shape} is unknown to it. Use a new optimizer for a new set of variables.");
            if (g.Shape != v.Shape) throw new ShapeMismatchException($"Optimizer '{Name}'", $"gradient {g.Shape} for variable '{v.Name}' {v.Shape}.", g.Shape, v.Shape);
            // The update only reads the gradient, so a float32 gradient is used where it lies; clipping writes,
            // so then (and for other dtypes) it works on a copy.
            // A row-sparse gradient nothing has read yet (an Embedding's) is applied from its rows when the optimizer
            // can and no clipping needs the dense values; everything else reads it, which makes it dense.
            if (g is IndexedSlices { IsMaterialized: false } slices && g.DType == DType.Float32 && !ClipsGradients && SupportsSparseUpdates)
            {
                var rows = slices.SumRows(_sparseRows.GetValueOrDefault(v));
                _sparseRows[v] = rows;
                sparse.Add(rows);
                grads.Add(null!);
            }
            else
            {
                sparse.Add(null);
                grads.Add(g.DType != DType.Float32 ? g.ToFloatArray() : ClipsGradients || g.IsMutable ? g.ToArray<float>() : g.Array<float>());
            }
            vars.Add(v);
            cons.Add(constraints?[i]);
        }
        if (grads.Count == 0) { AdvanceIterations(_iterations.ToScalar<long>()); return; }
        ClipGradients(grads);
        float lr = CurrentLearningRate();
        if (WeightDecay is { } wd && wd != 0)
        {
            float fwd = (float)wd;
            foreach (var v in vars)
            {
                if (!UseWeightDecay(v)) continue;
                var w = v.Data<float>();
                UpdateLanes.Run(new WeightDecayRule(fwd, lr), w, w);
                Touch(v);
            }
        }
        BeforeUpdates(lr);
        long step = _iterations.ToScalar<long>();
        for (int i = 0; i < vars.Count; i++)
        {
            if (sparse[i] is { } rows) UpdateStepSparse(rows, vars[i], _index[vars[i]], lr, step);
            else UpdateStep(grads[i], vars[i], _index[vars[i]], lr, step);
            Touch(vars[i]);
        }
        AdvanceIterations(step);
        for (int i = 0; i < vars.Count; i++)
            if (cons[i] is { } c) vars[i].Assign(c.Apply(vars[i]));
        grads.Clear(); // do not keep the last batch's gradient arrays alive
        sparse.Clear();
    }

    private readonly List<float[]> _applyGradients = [];
    private readonly List<Variable> _applyVariables = [];
    private readonly List<Constraint?> _applyConstraints = [];
    private readonly List<SparseRows?> _applySparse = [];
    // Per weight, the arrays its last row-sparse gradient was summed into, reused by the next one.
    private readonly Dictionary<Variable, SparseRows> _sparseRows = new(ReferenceEqualityComparer.Instance);

    /// <summary>Sets the iteration counter to <paramref name="step"/> + 1, in place when it is the int64 scalar it is built as.</summary>
    private void AdvanceIterations(long step)
    {
        if (_iterations.DType == DType.Int64 && _iterations.Shape.Size == 1)
        {
            _iterations.Data<long>()[0] = step + 1;
            Touch(_iterations);
        }
        else _iterations.Assign(Tensor.Scalar(step + 1));
    }

    private readonly HashSet<string> _excludedNames = new(StringComparer.Ordinal);

    /// <summary>Excludes variables whose name is one of <paramref name="names"/> from weight decay (Keras's <c>exclude_from_weight_decay(var_names=...)</c>).</summary>
    public void ExcludeFromWeightDecay(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        foreach (var n in names) _excludedNames.Add(n);
    }

    private bool UseWeightDecay(Variable v) => !_excludedNames.Contains(v.Name);

    /// <summary>Records that a variable's storage was written in place (raises its version; no copy).</summary>
    private protected static void Touch(Variable v) => v.MarkChanged();

    private bool ClipsGradients => Clipnorm is > 0 || GlobalClipnorm is > 0 || Clipvalue is > 0;

    private void ClipGradients(List<float[]> grads)
    {
        if (Clipnorm is { } cn && cn > 0)
        {
            float c = (float)cn;
            foreach (var g in grads)
            {
                float l2sum = 0;
                foreach (var x in g) l2sum += x * x;
                float l2norm = l2sum > 0 ? MathF.Sqrt(l2sum) : l2sum;
                float denom = MathF.Max(l2norm, c);
                for (int j = 0; j < g.Length; j++) g[j] = g[j] * c / denom;
            }
        }
        else if (GlobalClipnorm is { } gcn && gcn > 0)
        {
            float sum = 0;
            foreach (var g in grads)
            {
                float s = 0;
                foreach (var x in g) s += x * x;
                sum += s;
            }
            float norm = MathF.Sqrt(sum);
            float c = (float)gcn;
            float scale = c * MathF.Min(1f / norm, 1f / c);
            foreach (var g in grads) for (int j = 0; j < g.Length; j++) g[j] *= scale;
        }
        else if (Clipvalue is { } cv && cv > 0)
        {
            float c = (float)cv;
            foreach (var g in grads) for (int j = 0; j < g.Length; j++) g[j] = Math.Clamp(g[j], -c, c);
        }
    }

    /// <summary>Runs once per <see cref="Apply"/> before the per-weight updates (Nadam updates <c>u_product</c> here).</summary>
    protected virtual void BeforeUpdates(float learningRate) { }

    /// <summary>
    /// Updates one weight in place from its (clipped) gradient, Keras's <c>update_step</c> in float32.
    /// <paramref name="index"/> selects the weight's slots; <paramref name="iterations"/> is the count before this step.
    /// </summary>
    protected abstract void UpdateStep(float[] gradient, Variable variable, int index, float learningRate, long iterations);

    /// <summary>
    /// Whether <see cref="UpdateStepSparse"/> applies row-sparse gradients (<see cref="IndexedSlices"/>) without making
    /// them dense. The built-in optimizers do; an optimizer that does not gets the dense gradient.
    /// </summary>
    private protected virtual bool SupportsSparseUpdates => false;

    /// <summary>
    /// <see cref="UpdateStep"/> from a gradient summed per row, giving the same weights and slots as the dense gradient
    /// (Keras 3's update rules touch every row: the slots of rows without gradient still decay).
    /// </summary>
    private protected virtual void UpdateStepSparse(SparseRows gradient, Variable variable, int index, float learningRate, long iterations)
        => throw new NotSupportedException($"Optimizer '{Name}' does not apply row-sparse gradients.");

    /// <summary>The slot list <paramref name="slotName"/> (by weight index).</summary>
    protected IReadOnlyList<Variable> Slots(string slotName) => _slots[slotName];

    /// <summary>The storage of a float32 variable, written in place by update steps.</summary>
    protected static Span<float> Values(Variable v) { ArgumentNullException.ThrowIfNull(v); return v.Data<float>(); }

    /// <summary>
    /// <c>w[j] -= g[j] * scale</c>, vectorised: a multiply then a subtract per element, as the scalar loop (and
    /// Keras's <c>assign_sub(g * lr)</c>) rounds, never a fused multiply-add, so results do not depend on the CPU.
    /// </summary>
    protected static void SubtractScaled(Span<float> w, ReadOnlySpan<float> g, float scale)
    {
        if (g.Length != w.Length) throw new ArgumentException($"SubtractScaled: {g.Length} gradient values for {w.Length} weights.", nameof(g));
        UpdateLanes.Run(new SubtractScaledRule(scale), g, w);
    }

    /// <summary><c>w -= g scale</c>.</summary>
    private readonly struct SubtractScaledRule(float scale) : IUpdateRule
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(Vector<float> g, ref Vector<float> w, ref Vector<float> unused0, ref Vector<float> unused1, ref Vector<float> unused2)
            => w -= g * scale;
    }

    /// <summary><c>w -= w decay lr</c> (Keras's decoupled weight decay, before the update).</summary>
    private readonly struct WeightDecayRule(float decay, float lr) : IUpdateRule
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(Vector<float> g, ref Vector<float> w, ref Vector<float> unused0, ref Vector<float> unused1, ref Vector<float> unused2)
            => w = w - w * decay * lr;
    }

    /// <summary>A Python float constant as Keras's float32 ops see it.</summary>
    protected static float F(double x) => (float)x;

    /// <summary>
    /// Keras's optimizer config: <c>name</c>, <c>learning_rate</c> (a number or a serialized schedule),
    /// <c>weight_decay</c>, <c>clipnorm</c>, <c>global_clipnorm</c>, <c>clipvalue</c>, <c>use_ema</c>,
    /// <c>ema_momentum</c>, <c>ema_overwrite_frequency</c>, <c>loss_scale_factor</c>,
    /// <c>gradient_accumulation_steps</c>; subclasses add their own keys.
    /// </summary>
    public virtual JsonObject GetConfig() => new()
    {
        ["name"] = Name,
        ["learning_rate"] = Schedule is { } s ? s.Serialize() : JsonValue.Create((double)_learningRate!.ToScalar<float>()),
        ["weight_decay"] = WeightDecay,
        ["clipnorm"] = Clipnorm,
        ["global_clipnorm"] = GlobalClipnorm,
        ["clipvalue"] = Clipvalue,
        ["use_ema"] = false,
        ["ema_momentum"] = 0.99,
        ["ema_overwrite_frequency"] = null,
        ["loss_scale_factor"] = null,
        ["gradient_accumulation_steps"] = null,
    };

    /// <summary>Keras's registered name, <c>package&gt;ClassName</c> (generated for <c>[KerasSerializable]</c> optimizers).</summary>
    public virtual string RegisteredName => "keras.optimizers>" + ClassName;

    /// <summary>The serialized form Keras writes in <c>compile_config</c>: <c>module</c>, <c>class_name</c>, <c>config</c>, <c>registered_name</c>.</summary>
    public JsonObject Serialize() => KerasRegistry<Optimizer>.Serialize(RegisteredName, ClassName, WithFloatLiterals(GetConfig()));

    /// <summary>
    /// Writes the config's whole-number doubles with a fraction (<c>0.0</c>, not <c>0</c>, as Python's json writes a
    /// float): Keras refuses an int where it wants a float (<c>SGD(momentum=0)</c>: "`momentum` must be a float between
    /// [0, 1]", an int <c>learning_rate</c> too), so a file with SGD's default momentum did not load in Keras.
    /// </summary>
    private static JsonObject WithFloatLiterals(JsonObject config)
    {
        foreach (var key in config.Select(p => p.Key).ToList())
            if (config[key] is JsonValue v && v.TryGetValue<double>(out var d) && !v.TryGetValue<long>(out _) && !v.TryGetValue<int>(out _)
                && double.IsFinite(d) && d == Math.Floor(d) && Math.Abs(d) < 1e15)
                config[key] = JsonNode.Parse(d.ToString("0.0", CultureInfo.InvariantCulture));
        return config;
    }

    /// <summary>
    /// An optimizer from its Keras identifier (<c>"adam"</c>, <c>"sgd"</c>, <c>"rmsprop"</c>, <c>"adamw"</c>, <c>"adagrad"</c>,
    /// <c>"adamax"</c>, <c>"nadam"</c>, any case) or registered class name, with default arguments.
    /// </summary>
    public static Optimizer Get(string identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        return KerasRegistry<Optimizer>.Get(KerasRegistry<Optimizer>.IsRegistered(identifier) ? identifier : identifier.ToLowerInvariant());
    }

    /// <summary>An optimizer from either form Keras writes: an identifier, or <c>{module, class_name, config, registered_name}</c>.</summary>
    public static Optimizer Deserialize(JsonNode serialized) => KerasRegistry<Optimizer>.Deserialize(serialized);

    /// <summary>
    /// What every generated optimizer <c>FromConfig</c> does first (Keras's <c>Optimizer.from_config</c>): refuses the
    /// settings LayerGen does not have (<c>use_ema</c>, <c>loss_scale_factor</c>, <c>gradient_accumulation_steps</c>),
    /// and moves a <c>learning_rate</c> that is a serialized schedule to the <c>schedule</c> argument.
    /// </summary>
    /// <param name="config">The optimizer's config.</param>
    /// <param name="className">The optimizer's class name, for messages.</param>
    protected static JsonObject PrepareConfig(JsonObject config, string className)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config["use_ema"] is JsonValue ema && ema.TryGetValue(out bool useEma) && useEma)
            throw new ConfigException($"The optimizer {className} uses use_ema=True, which LayerGen does not support.");
        foreach (var key in new[] { "loss_scale_factor", "gradient_accumulation_steps" })
            if (config[key] is { } unsupported)
                throw new ConfigException($"The optimizer {className}'s \"{key}\" ({unsupported.ToJsonString()}) is not supported by LayerGen.");
        if (config["learning_rate"] is not JsonObject schedule)
            return config;
        var prepared = (JsonObject)config.DeepClone();
        prepared.Remove("learning_rate");
        prepared["schedule"] = schedule.DeepClone();
        return prepared;
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"<{ClassName} '{Name}' iterations={_iterations.ToScalar<long>()} learning_rate={LearningRate}>");

    /// <summary>An optimizer from a string, for <c>Compile(optimizer: "adam")</c>.</summary>
    public static implicit operator Optimizer(string identifier) => Get(identifier);
}
