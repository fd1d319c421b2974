using System.Runtime.InteropServices;
using System.Text.Json;

namespace LayerGen.Formats;

/// <summary>Writes and reads one graph as JSON (format <c>layergen.graph</c>, see docs/formats/savedmodel.md).</summary>
public static class GraphJson
{
    /// <summary>The format name in every graph file.</summary>
    public const string FormatName = "layergen.graph";
    /// <summary>The graph format version written and read.</summary>
    public const int Version = 1;

    /// <summary>
    /// Writes <paramref name="graph"/>. <paramref name="variablePath"/> gives the saved path of each captured
    /// variable (its path in the module), or null when the variable is not saved (an error).
    /// </summary>
    public static void Write(Utf8JsonWriter w, Graph graph, string functionName, Func<Variable, string?> variablePath)
    {
        w.WriteStartObject();
        w.WriteString("format", FormatName);
        w.WriteNumber("version", Version);
        w.WriteString("function", functionName);
        WriteInts(w, "inputs", graph.InputIds);
        WriteInts(w, "outputs", graph.OutputIds);
        w.WriteStartArray("nodes");
        foreach (var n in graph.Nodes)
        {
            w.WriteStartObject();
            w.WriteNumber("id", n.Id);
            w.WriteString("kind", n.Kind.ToString().ToLowerInvariant());
            w.WriteString("name", n.Name);
            WriteInts(w, "shape", n.Spec.Shape.ToArray());
            w.WriteString("dtype", n.Spec.DType.Name());
            switch (n.Kind)
            {
                case GraphNodeKind.Variable:
                    w.WriteString("path", variablePath(n.Variable!) ?? throw new InvalidOperationException(
                        $"{functionName}: the graph captures variable '{n.Variable!.Name}' {n.Variable.Shape}, which the saved module does not track. Make it a member of the module."));
                    break;
                case GraphNodeKind.Constant:
                    w.WriteBase64String("data", n.Constant!.AsBytes());
                    break;
                case GraphNodeKind.Op:
                    w.WriteString("op", n.Op!.Name);
                    var a = new OpAttributes(n.Op.Name);
                    n.Op.WriteAttributes(a);
                    w.WriteStartObject("attributes");
                    foreach (var (k, v) in a.Items) { w.WritePropertyName(k); WriteValue(w, v); }
                    w.WriteEndObject();
                    WriteInts(w, "inputs", n.Inputs);
                    break;
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteInts(Utf8JsonWriter w, string name, IEnumerable<int> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }

    private static void WriteValue(Utf8JsonWriter w, OpAttributeValue v)
    {
        switch (v.Kind)
        {
            case OpAttributeKind.Null: w.WriteNullValue(); break;
            case OpAttributeKind.Bool: w.WriteBooleanValue(v.Int != 0); break;
            case OpAttributeKind.Int: w.WriteNumberValue(v.Int); break;
            case OpAttributeKind.Float:
                if (double.IsNaN(v.Float)) w.WriteStringValue("NaN");
                else if (double.IsPositiveInfinity(v.Float)) w.WriteStringValue("Infinity");
                else if (double.IsNegativeInfinity(v.Float)) w.WriteStringValue("-Infinity");
                else w.WriteNumberValue(v.Float);
                break;
            case OpAttributeKind.String: w.WriteStringValue(v.String); break;
            case OpAttributeKind.Ints:
                w.WriteStartArray();
                foreach (var i in v.Ints!) w.WriteNumberValue(i);
                w.WriteEndArray();
                break;
        }
    }

    /// <summary>
    /// Reads a graph. Variables are resolved by path with <paramref name="variables"/>. Every op is re-created
    /// through <see cref="OpRegistry"/> and its shape rule re-run, so a damaged file fails here, with
    /// <see cref="SavedModelFormatException"/> naming <paramref name="file"/> and the node.
    /// </summary>
    public static Graph Read(ReadOnlySpan<byte> json, string file, IReadOnlyDictionary<string, Variable> variables)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json.ToArray()); }
        catch (JsonException e) { throw new SavedModelFormatException(file, $"not valid JSON (truncated?): {e.Message}", e); }
        using (doc)
        {
            var root = doc.RootElement;
            string reading = "the graph's header";
            try
            {
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var f) || f.GetString() != FormatName)
                    throw new SavedModelFormatException(file, $"not a LayerGen graph file (expected \"format\": \"{FormatName}\").");
                int version = Req(root, "version", file).GetInt32();
                if (version != Version)
                    throw new SavedModelFormatException(file, $"graph format version {version}; this LayerGen reads version {Version}.");
                var nodes = new List<GraphNode>();
                var inputs = new List<int>();
                foreach (var e in Req(root, "nodes", file).EnumerateArray())
                {
                    reading = $"node {nodes.Count}";
                    nodes.Add(ReadNode(e, nodes, inputs, file, variables));
                }
                reading = "the graph's inputs and outputs";
                var declaredInputs = ReadInts(Req(root, "inputs", file));
                if (!declaredInputs.SequenceEqual(inputs))
                    throw new SavedModelFormatException(file, $"\"inputs\" [{string.Join(", ", declaredInputs)}] do not match the input nodes [{string.Join(", ", inputs)}].");
                var outputs = ReadInts(Req(root, "outputs", file));
                if (outputs.Length == 0) throw new SavedModelFormatException(file, "the graph has no outputs.");
                foreach (var o in outputs)
                    if (o < 0 || o >= nodes.Count) throw new SavedModelFormatException(file, $"output {o} names no node (there are {nodes.Count}).");
                return new Graph(nodes, [.. inputs], outputs);
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException)
            {
                // A value of the wrong JSON kind (a string where a number belongs...): say where, quote .NET's words.
                throw new SavedModelFormatException(file, $"malformed graph: {reading} holds a value of the wrong JSON type or form ({e.GetType().Name}: {e.Message})", e);
            }
        }
    }

    private static JsonElement Req(JsonElement e, string name, string file)
        => e.TryGetProperty(name, out var v) ? v : throw new SavedModelFormatException(file, $"missing \"{name}\".");

    private static int[] ReadInts(JsonElement e) => [.. e.EnumerateArray().Select(x => x.GetInt32())];

    private static GraphNode ReadNode(JsonElement e, List<GraphNode> nodes, List<int> inputs, string file, IReadOnlyDictionary<string, Variable> variables)
    {
        int id = Req(e, "id", file).GetInt32();
        if (id != nodes.Count) throw new SavedModelFormatException(file, $"node ids must be 0, 1, 2... in order; found {id} at position {nodes.Count}.");
        string name = Req(e, "name", file).GetString() ?? "";
        string kind = Req(e, "kind", file).GetString() ?? "";
        DType dtype;
        try { dtype = DTypes.Parse(Req(e, "dtype", file).GetString() ?? ""); }
        catch (ArgumentException x) { throw new SavedModelFormatException(file, $"node '{name}': {x.Message}", x); }
        var spec = new TensorSpec(new Shape(ReadInts(Req(e, "shape", file))), dtype);
        switch (kind)
        {
            case "input":
                inputs.Add(id);
                return new GraphNode(id, GraphNodeKind.Input, name, spec, null, [], null, null, inputs.Count - 1);
            case "variable":
            {
                string path = Req(e, "path", file).GetString() ?? "";
                if (!variables.TryGetValue(path, out var v))
                    throw new SavedModelFormatException(file, $"node '{name}': variable '{path}' is not among the saved variables.");
                if (v.Spec != spec)
                    throw new SavedModelFormatException(file, $"node '{name}': variable '{path}' is {v.Spec} but the graph expects {spec}.");
                return new GraphNode(id, GraphNodeKind.Variable, name, spec, null, [], v, null, -1);
            }
            case "constant":
            {
                var bytes = Req(e, "data", file).GetBytesFromBase64();
                return new GraphNode(id, GraphNodeKind.Constant, name, spec, null, [], null, FromBytes(bytes, spec, file, name), -1);
            }
            case "op":
            {
                string opName = Req(e, "op", file).GetString() ?? "";
                var attributes = new OpAttributes(opName);
                if (e.TryGetProperty("attributes", out var attrs))
                    foreach (var p in attrs.EnumerateObject()) attributes.Set(p.Name, ReadValue(p.Value));
                Op op;
                try { op = OpRegistry.Create(opName, attributes); }
                catch (UnknownOpException x) { throw new SavedModelFormatException(file, $"node '{name}': unknown op '{opName}'. Register it with OpRegistry.Register before loading.", x); }
                catch (OpAttributeException x) { throw new SavedModelFormatException(file, $"node '{name}': {x.Message}", x); }
                catch (ArgumentException x) { throw new SavedModelFormatException(file, $"node '{name}': {x.Message}", x); }
                var ins = ReadInts(Req(e, "inputs", file));
                var specs = new TensorSpec[ins.Length];
                for (int i = 0; i < ins.Length; i++)
                {
                    if (ins[i] < 0 || ins[i] >= id)
                        throw new SavedModelFormatException(file, $"node '{name}': input {i} refers to node {ins[i]}, which does not come before it.");
                    specs[i] = nodes[ins[i]].Spec;
                }
                TensorSpec inferred;
                try { inferred = op.InferOutput(specs); }
                catch (LayerGenException x) { throw new SavedModelFormatException(file, $"node '{name}': {x.Message}", x); }
                catch (ArgumentException x) { throw new SavedModelFormatException(file, $"node '{name}': {x.Message}", x); }
                if (inferred != spec)
                    throw new SavedModelFormatException(file, $"node '{name}': {op} gives {inferred} from its inputs, but the file says {spec}.");
                return new GraphNode(id, GraphNodeKind.Op, name, spec, op, ins, null, null, -1);
            }
            default:
                throw new SavedModelFormatException(file, $"node '{name}': unknown node kind '{kind}'.");
        }
    }

    private static OpAttributeValue ReadValue(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Null => new(OpAttributeKind.Null),
        JsonValueKind.True => new(OpAttributeKind.Bool, 1),
        JsonValueKind.False => new(OpAttributeKind.Bool, 0),
        JsonValueKind.Number => v.TryGetInt64(out long l) ? new(OpAttributeKind.Int, l) : new(OpAttributeKind.Float, Float: v.GetDouble()),
        JsonValueKind.String => new(OpAttributeKind.String, String: v.GetString()),
        JsonValueKind.Array => new(OpAttributeKind.Ints, Ints: [.. v.EnumerateArray().Select(x => x.GetInt32())]),
        _ => throw new FormatException($"unsupported attribute value {v.ValueKind}"),
    };

    /// <summary>A tensor from its raw little-endian bytes.</summary>
    internal static Tensor FromBytes(byte[] bytes, TensorSpec spec, string file, string name)
    {
        if (!spec.Shape.IsFullyDefined) throw new SavedModelFormatException(file, $"constant '{name}' has an unknown dimension: {spec.Shape}.");
        long expected = (long)spec.Shape.Size * spec.DType.SizeInBytes();
        if (bytes.Length != expected)
            throw new SavedModelFormatException(file, $"constant '{name}' has {bytes.Length} bytes; {spec.Shape} {spec.DType.Name()} needs {expected}.");
        ReadOnlySpan<byte> b = bytes;
        return spec.DType switch
        {
            DType.Float32 => Tensor.From(MemoryMarshal.Cast<byte, float>(b), spec.Shape),
            DType.Float64 => Tensor.From(MemoryMarshal.Cast<byte, double>(b), spec.Shape),
            DType.Int32 => Tensor.From(MemoryMarshal.Cast<byte, int>(b), spec.Shape),
            DType.Int64 => Tensor.From(MemoryMarshal.Cast<byte, long>(b), spec.Shape),
            _ => Tensor.From(MemoryMarshal.Cast<byte, bool>(b), spec.Shape),
        };
    }
}
