using System.Globalization;
using System.Text.Json.Nodes;

namespace LayerGen.Layers;

/// <summary>
/// The arguments of one layer call, as recorded for the functional API and replayed by
/// <see cref="Layer.InvokeRecorded"/>: the tensor arguments in order, the mask, the <c>training</c>
/// value passed explicitly (null when it was left to the context), and other arguments by name.
/// </summary>
public sealed class CallArguments
{
    private static readonly IReadOnlyDictionary<string, object?> NoOther = new Dictionary<string, object?>();

    /// <summary>Creates the record.</summary>
    public CallArguments(Tensor[] tensors, Tensor? mask = null, bool? training = null, IReadOnlyDictionary<string, object?>? other = null)
    {
        Tensors = tensors ?? throw new ArgumentNullException(nameof(tensors));
        Mask = mask;
        Training = training;
        Other = other ?? NoOther;
    }

    /// <summary>
    /// The record of a call over a list of tensors (<c>Call(Tensor[] inputs)</c>): a copy of <paramref name="tensors"/>,
    /// <see cref="IsList"/> set.
    /// </summary>
    public static CallArguments OfList(IReadOnlyList<Tensor> tensors, Tensor? mask = null, bool? training = null, IReadOnlyDictionary<string, object?>? other = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var copy = new Tensor[tensors.Count];
        for (int i = 0; i < copy.Length; i++) copy[i] = tensors[i];
        return new CallArguments(copy, mask, training, other) { IsList = true };
    }

    /// <summary>The tensor arguments, in the order of the user's <c>Call</c>.</summary>
    public Tensor[] Tensors { get; }

    /// <summary>
    /// Whether the tensors were passed as one list (<c>Call(Tensor[] inputs)</c>, Keras's merge layers): a functional
    /// config then writes them as one positional argument, <c>"args": [[t1, t2]]</c>, as Keras does.
    /// </summary>
    public bool IsList { get; init; }

    /// <summary>The mask, if one was passed.</summary>
    public Tensor? Mask { get; }

    /// <summary>
    /// The masks passed explicitly to a list call, one per tensor (null for an unmasked one), or null: Keras's
    /// <c>Attention()([q, v], mask=[qm, vm])</c>, held under <see cref="Other"/>'s <c>mask</c> key as a <c>Tensor?[]</c>
    /// (what the generated <c>Invoke</c> of a <c>Call(Tensor[] inputs, Tensor?[]? mask)</c> records). Its tensors are
    /// inputs of the node; a functional config writes them as Keras does, <c>"mask": [t1, null]</c>.
    /// </summary>
    public IReadOnlyList<Tensor?>? Masks => IsList && IsMaskList("mask", Other.TryGetValue("mask", out var value) ? value : null, out var masks) ? masks : null;

    /// <summary>The <c>training</c> value passed explicitly, or null.</summary>
    public bool? Training { get; }

    /// <summary>
    /// Other arguments by parameter name (numbers, strings, bools, enums, optional tensors passed by name, and lists of
    /// tensors as <c>Tensor[]</c>: a recurrent layer's <c>initial_state</c>).
    /// </summary>
    public IReadOnlyDictionary<string, object?> Other { get; }

    /// <summary>
    /// Reads an other argument as <typeparamref name="T"/>, or <paramref name="defaultValue"/> when absent.
    /// Numbers read back from a config (long, double) convert to the parameter's numeric type.
    /// </summary>
    public T Get<T>(string name, T defaultValue)
    {
        if (!Other.TryGetValue(name, out var value)) return defaultValue;
        if (value is T t) return t;
        if (value is null) return default!;
        if (value is JsonValue jv)
        {
            if (Config.TryGetInt64(jv, out var l)) value = l;
            else if (Config.TryGetDouble(jv, out var d)) value = d;
            else if (Config.TryGetBoolean(jv, out var b)) value = b;
            else if (Config.TryGetString(jv, out var s)) value = s;
            if (value is T t2) return t2;
        }
        var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        if (value is IConvertible && (target.IsPrimitive || target == typeof(decimal) || target == typeof(string)))
            return (T)Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
        throw new InvalidCastException($"Call argument \"{name}\" holds a {value.GetType().Name}, not a {typeof(T).Name}.");
    }

    internal IEnumerable<Tensor> AllTensors()
    {
        foreach (var t in Tensors) yield return t;
        if (Mask is not null) yield return Mask;
        if (Masks is { } masks)
            foreach (var m in masks)
                if (m is not null) yield return m;
        // Optional tensor arguments passed by name (MultiHeadAttention's key, attention_mask) and lists of them (a
        // recurrent layer's initial_state): inputs of the node too.
        foreach (var (key, value) in Other)
        {
            if (value is Tensor t) yield return t;
            else if (IsTensorList(key, value, out var list))
                foreach (var item in list) yield return item;
        }
    }

    /// <summary>
    /// Whether an other argument is a list of tensors passed by name (Keras's <c>initial_state=[h, c]</c>): a
    /// <c>Tensor[]</c> without null entries, under any key but <c>mask</c> (the masks of a list call:
    /// <see cref="IsMaskList"/>).
    /// </summary>
    internal static bool IsTensorList(string key, object? value, out Tensor[] list)
    {
        list = [];
        if (key == "mask" || value is not Tensor[] array) return false;
        foreach (var t in array) if (t is null) return false;
        list = array;
        return true;
    }

    /// <summary>
    /// Whether an other argument is the list of masks of a list call (<c>mask</c> holding a <c>Tensor?[]</c> with at
    /// least one tensor: <see cref="Masks"/>).
    /// </summary>
    internal static bool IsMaskList(string key, object? value, out Tensor?[] masks)
    {
        masks = [];
        if (key != "mask" || value is not Tensor?[] array || Array.TrueForAll(array, m => m is null)) return false;
        masks = array;
        return true;
    }

    internal bool AnySymbolic()
    {
        foreach (var t in AllTensors()) if (t.IsSymbolic) return true;
        return false;
    }

    /// <summary>A copy with the tensors replaced through <paramref name="map"/>.</summary>
    internal CallArguments Map(Func<Tensor, Tensor> map)
    {
        var tensors = new Tensor[Tensors.Length];
        for (int i = 0; i < tensors.Length; i++) tensors[i] = map(Tensors[i]);
        var other = Other;
        foreach (var (key, value) in Other)
            if (value is Tensor || IsTensorList(key, value, out _) || (IsList && IsMaskList(key, value, out _)))
            {
                var mapped = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (k, v) in Other)
                    mapped[k] = v is Tensor t ? map(t)
                        : IsTensorList(k, v, out var list) ? Array.ConvertAll(list, item => map(item))
                        : IsList && IsMaskList(k, v, out var masks) ? Array.ConvertAll(masks, m => m is null ? null : map(m))
                        : v;
                other = mapped;
                break;
            }
        return new CallArguments(tensors, Mask is null ? null : map(Mask), Training, other) { IsList = IsList };
    }
}

/// <summary>Builds the <c>build_config</c> Keras records after <c>build</c>.</summary>
public static class BuildConfig
{
    /// <summary><c>{"input_shape": [...]}</c>: a layer built from one input shape.</summary>
    public static JsonObject ForInput(Shape inputShape) => new() { ["input_shape"] = Config.Write(inputShape) };

    /// <summary><c>{"input_shape": [[...], [...]]}</c>: a layer called on a list of tensors (Keras's merge layers).</summary>
    public static JsonObject ForInputList(IReadOnlyList<Shape> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        var list = new JsonArray();
        foreach (var shape in inputShapes) list.Add(Config.Write(shape));
        return new JsonObject { ["input_shape"] = list };
    }

    /// <summary>The shapes of <paramref name="tensors"/>, in order (what a list call's <c>Build</c> receives).</summary>
    public static Shape[] ShapesOf(IReadOnlyList<Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var shapes = new Shape[tensors.Count];
        for (int i = 0; i < shapes.Length; i++) shapes[i] = (tensors[i] ?? throw new ArgumentNullException(nameof(tensors), $"Tensor {i} of the list is null.")).Shape;
        return shapes;
    }

    /// <summary>Whether <paramref name="buildConfig"/> records a list of shapes (<see cref="ForInputList"/>).</summary>
    public static bool IsInputList(JsonObject buildConfig)
        => buildConfig is not null && buildConfig["input_shape"] is JsonArray { Count: > 0 } a && a[0] is JsonArray;

    /// <summary><c>{"shapes_dict": {"a_shape": [...], ...}}</c>: a layer built from several shapes.</summary>
    public static JsonObject ForShapes(params (string Name, Shape Shape)[] shapes)
    {
        if (shapes.Length == 1) return ForInput(shapes[0].Shape);
        var dict = new JsonObject();
        foreach (var (name, shape) in shapes) dict[name] = Config.Write(shape);
        return new JsonObject { ["shapes_dict"] = dict };
    }

    /// <summary>The shapes recorded in a build config, in order (none for <c>{"input_shape": null}</c>).</summary>
    public static IReadOnlyList<Shape> Shapes(JsonObject buildConfig)
    {
        ArgumentNullException.ThrowIfNull(buildConfig);
        var list = new List<Shape>();
        if (IsInputList(buildConfig))
            foreach (var node in (JsonArray)buildConfig["input_shape"]!)
                list.Add(Config.ToShape(node ?? throw new ConfigException("build_config: input_shape holds a null shape."), "input_shape", "build_config"));
        else if (buildConfig["input_shape"] is JsonNode single) list.Add(Config.ToShape(single, "input_shape", "build_config"));
        else if (buildConfig["shapes_dict"] is JsonObject dict)
            foreach (var (key, node) in dict)
                if (node is not null) list.Add(Config.ToShape(node, key, "build_config"));
        return list;
    }
}

/// <summary>
/// The state of one layer call between the generated <c>EnterCall</c> and <c>ExitCall</c>: the
/// resolved training flag and whether this is the outermost layer call.
/// </summary>
public sealed class CallFrame
{
    internal CallFrame(Layer layer, bool outermost, bool? training, bool wasBuilt)
    {
        Layer = layer;
        IsOutermost = outermost;
        ResolvedTraining = training;
        WasBuilt = wasBuilt;
    }

    internal Layer Layer { get; }
    internal bool? ResolvedTraining { get; }
    internal bool WasBuilt { get; }

    /// <summary>Whether no other layer call encloses this one.</summary>
    public bool IsOutermost { get; }

    /// <summary>The training flag to pass to <c>Call</c>: explicit value, else the enclosing call's, else the signature default.</summary>
    public bool Training => ResolvedTraining ?? false;
}

/// <summary>The per-thread state of nested layer calls (Keras's call context).</summary>
internal sealed class CallContext
{
    [ThreadStatic] private static CallContext? t_current;

    public static CallContext? Current => t_current;

    public bool? Training { get; set; }
    public int Depth { get; set; }
    public List<string> NameScope { get; } = [];

    public static CallContext Begin() => t_current = new CallContext();
    public static void End() => t_current = null;
}
