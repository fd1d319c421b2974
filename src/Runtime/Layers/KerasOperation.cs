using System.Text.Json.Nodes;

namespace LayerGen.Layers;

/// <summary>
/// A Keras op node of a functional config (<c>module</c> <c>keras.src.ops.numpy</c> or <c>keras.src.ops.core</c>):
/// Keras 3 writes the ops it applied between layers, such as the mask computations of <c>Embedding(mask_zero=True)</c>
/// (<c>NotEqual</c>) and of merge and attention layers (<c>ExpandDims</c>, <c>LogicalOr</c>, <c>Concatenate</c>,
/// <c>Any</c>, <c>ConvertToTensor</c>...), feeding the <c>mask</c> argument of a later layer. This layer replays one
/// of them, with the constants of its recorded call (<c>not_equal(ids, 0)</c>), and writes the same node back.
/// Only the ops Keras writes for masks are known; another one is refused when the file is read, naming the op.
/// </summary>
public sealed class KerasOperation : Layer
{
    /// <summary>The op classes this layer replays.</summary>
    public static readonly IReadOnlyList<string> Supported =
        ["NotEqual", "Equal", "LogicalOr", "LogicalAnd", "LogicalNot", "ExpandDims", "Squeeze", "ZerosLike", "OnesLike",
         "Concatenate", "Any", "All", "ConvertToTensor", "Cast"];

    private readonly string module;
    private readonly string className;
    private readonly JsonObject config;
    private readonly JsonArray? arguments;

    private KerasOperation(string module, string className, JsonObject config, JsonArray? arguments)
    {
        this.module = module;
        this.className = className;
        this.config = config;
        this.arguments = arguments;
        InputSpec = null;
    }

    /// <summary>Whether <paramref name="serialized"/> is a Keras op node (its module is <c>keras.src.ops.*</c>).</summary>
    public static bool IsOperation(JsonObject serialized)
        => serialized is not null && Config.TryGetString(serialized["module"], out var module) && module.StartsWith("keras.src.ops.", StringComparison.Ordinal);

    /// <summary>Creates the op node from its serialized form (module, class_name, config, inbound_nodes).</summary>
    public static KerasOperation FromSerialized(JsonObject serialized)
    {
        ArgumentNullException.ThrowIfNull(serialized);
        Config.TryGetString(serialized["module"], out var module);
        if (!Config.TryGetString(serialized["class_name"], out var className) || string.IsNullOrEmpty(className))
            throw new ConfigException($"A serialized Keras op needs a \"class_name\", got {serialized.ToJsonString()}.");
        if (!Supported.Contains(className))
            throw new ConfigException($"The functional config applies the Keras op '{module}.{className}' between layers; LayerGen replays only the ops Keras writes for masks ({string.Join(", ", Supported)}).");
        var config = serialized["config"] as JsonObject ?? new JsonObject();
        var node = serialized["inbound_nodes"] is JsonArray { Count: > 0 } nodes ? nodes[0] as JsonObject : null;
        var args = (JsonArray?)(node?["args"] as JsonArray)?.DeepClone();
        // LayerGen writes the constants as keywords (x2=0): put them back in their positions.
        if (args is not null && node?["kwargs"] is JsonObject kwargs)
            foreach (var (key, value) in kwargs)
                if (key.Length > 1 && key[0] == 'x' && int.TryParse(key.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int position) && position >= 1)
                {
                    while (args.Count < position) args.Add(null);
                    args[position - 1] = value?.DeepClone();
                }
        var op = new KerasOperation(module ?? "keras.src.ops.numpy", className, (JsonObject)config.DeepClone(), args)
        {
            Name = Config.TryGetString(config["name"], out var name) && !string.IsNullOrEmpty(name) ? name : Config.ToSnakeCase(className),
        };
        return op;
    }

    /// <inheritdoc/>
    public override string RegisteredName => module + ">" + className;

    /// <inheritdoc/>
    protected internal override string? SerializedModule => module;

    /// <summary>The op's config as Keras wrote it (with this layer's name).</summary>
    public override JsonObject GetConfig()
    {
        var c = (JsonObject)config.DeepClone();
        c["name"] = Name;
        return c;
    }

    /// <inheritdoc/>
    protected internal override Tensor[] InvokeRecorded(CallArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var frame = EnterCall(training: null, trainingDefault: false);
        try
        {
            if (!IsBuilt) MarkBuilt(null, lockState: true);
            var operands = Operands(arguments.Tensors, out var constants);
            var output = Apply(operands);
            var recorded = new CallArguments(arguments.Tensors, null, null, constants) { IsList = arguments.IsList };
            return FinishCall(frame, recorded, [output]);
        }
        finally
        {
            ExitCall(frame);
        }
    }

    /// <summary>The positional operands: the tensors where the recorded call had tensors, constants elsewhere (as <c>x2=0</c> for Keras).</summary>
    private List<object> Operands(Tensor[] tensors, out Dictionary<string, object?> constants)
    {
        constants = new Dictionary<string, object?>(StringComparer.Ordinal);
        var operands = new List<object>();
        if (arguments is null || (arguments.Count == 1 && arguments[0] is JsonArray))
        {
            operands.AddRange(tensors);
            return operands;
        }
        int t = 0;
        for (int i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] is JsonObject) operands.Add(tensors[t++]);
            else
            {
                var value = arguments[i]?.DeepClone();
                operands.Add(value ?? throw new ConfigException($"Keras op '{Name}' ({className}): a null positional argument cannot be replayed."));
                constants["x" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)] = value;
            }
        }
        return operands;
    }

    private static Tensor Operand(object operand, Tensor like)
    {
        if (operand is Tensor t) return t;
        var node = (JsonNode)operand;
        if (Config.TryGetBoolean(node, out var b)) return Tensor.Scalar(b ? 1.0 : 0.0, like.DType);
        if (Config.TryGetDouble(node, out var d)) return Tensor.Scalar(d, like.DType);
        throw new ConfigException($"A Keras op argument {node.ToJsonString()} is not a number.");
    }

    private Tensor Apply(List<object> operands)
    {
        Tensor First() => operands.OfType<Tensor>().FirstOrDefault() ?? throw new ConfigException($"Keras op '{Name}' ({className}) has no tensor argument.");
        Tensor Arg(int i) => Operand(operands[i], First());
        switch (className)
        {
            case "NotEqual": return Ops.NotEqual(Arg(0), Arg(1));
            case "Equal": return Ops.Equal(Arg(0), Arg(1));
            case "LogicalOr": return MaskLogic.Or(Arg(0), Arg(1));
            case "LogicalAnd": return MaskLogic.And(Arg(0), Arg(1));
            case "LogicalNot": return MaskLogic.AsBool(Ops.Sub(Tensor.Scalar(1f), MaskLogic.AsFloat(Arg(0))));
            case "ExpandDims":
            {
                var x = Arg(0);
                foreach (var axis in Axes() ?? throw new ConfigException($"Keras op '{Name}' (ExpandDims) needs an axis.")) x = Ops.ExpandDims(x, axis);
                return x;
            }
            case "Squeeze": return Ops.Squeeze(Arg(0), Axes());
            case "ZerosLike": return Like(Arg(0), MaskLogic.ZerosLike(Arg(0)));
            case "OnesLike": return Like(Arg(0), MaskLogic.OnesLike(Arg(0)));
            case "Concatenate":
            {
                var xs = operands.OfType<Tensor>().ToList();
                int axis = Axes() is [var a] ? a : 0;
                if (xs.All(x => x.DType == DType.Bool)) return MaskLogic.AsBool(Ops.Concat(xs.Select(MaskLogic.AsFloat).ToList(), axis));
                return Ops.Concat(xs, axis);
            }
            case "Any":
            case "All":
            {
                var x = MaskLogic.AsFloat(Arg(0));
                bool keepDims = config["keepdims"] is JsonNode k && Config.TryGetBoolean(k, out var kd) && kd;
                var axes = Axes();
                var reduced = className == "Any" ? Ops.Max(x, axes, keepDims) : Ops.Min(x, axes, keepDims);
                return MaskLogic.AsBool(reduced);
            }
            case "ConvertToTensor":
            case "Cast":
            {
                var x = Arg(0);
                return Config.ReadDTypeOrNull(config, "dtype", className) is { } dt && dt != x.DType ? Ops.Cast(x, dt) : x;
            }
            default:
                throw new ConfigException($"Keras op '{className}' is not supported.");
        }
    }

    private Tensor Like(Tensor x, Tensor floatValue)
    {
        var dt = Config.ReadDTypeOrNull(config, "dtype", className) ?? x.DType;
        return dt == DType.Bool ? MaskLogic.AsBool(floatValue) : Ops.Cast(floatValue, dt);
    }

    private int[]? Axes()
    {
        switch (config["axis"])
        {
            case null: return null;
            case JsonArray list: return [.. list.Select(n => Config.TryGetInt64(n, out var v) ? (int)v : throw new ConfigException($"Keras op '{Name}': axis {list.ToJsonString()} is not a list of integers."))];
            case var n when Config.TryGetInt64(n, out var v): return [(int)v];
            case var n: throw new ConfigException($"Keras op '{Name}': axis {n.ToJsonString()} is not an integer.");
        }
    }
}
