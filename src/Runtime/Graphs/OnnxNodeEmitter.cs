using System.Buffers.Binary;
using Google.Protobuf;
using LayerGen.Onnx;

namespace LayerGen.Graphs;

/// <summary>
/// One graph node being exported to ONNX, as an op's <see cref="OnnxTranslation"/> sees it: the ONNX names of
/// its inputs, the name its result must have, and the specs of both.
/// </summary>
public sealed class OnnxNodeContext
{
    private readonly TensorSpec[] _inputSpecs;

    internal OnnxNodeContext(string name, string[] inputs, TensorSpec[] inputSpecs, string output, TensorSpec outputSpec)
    {
        Name = name;
        Inputs = inputs;
        _inputSpecs = inputSpecs;
        Output = output;
        OutputSpec = outputSpec;
    }

    /// <summary>The graph node's name (for error messages).</summary>
    public string Name { get; }

    /// <summary>The ONNX value names of the node's inputs, in order.</summary>
    public IReadOnlyList<string> Inputs { get; }

    /// <summary>The ONNX value name the op's last node must write.</summary>
    public string Output { get; }

    /// <summary>The spec of the node's output (shape may have unknown dimensions).</summary>
    public TensorSpec OutputSpec { get; }

    /// <summary>The spec of input <paramref name="index"/>.</summary>
    public TensorSpec InputSpec(int index) => _inputSpecs[index];
}

/// <summary>
/// What an op's ONNX translation (<see cref="OnnxTranslation"/>) writes with: nodes, int64 and scalar
/// initializers, and fresh names for intermediate values. <see cref="OnnxExport"/> drives it.
/// </summary>
public sealed class OnnxNodeEmitter
{
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private int _temp;
    private readonly string _prefix;

    internal OnnxNodeEmitter(string prefix = "") => _prefix = prefix;

    internal List<NodeProto> Nodes { get; } = [];
    internal List<TensorProto> Initializers { get; } = [];

    /// <summary>The ONNX <c>TensorProto.DataType</c> code of <paramref name="dtype"/>.</summary>
    public static int ElemType(DType dtype) => dtype switch
    {
        DType.Float32 => 1, DType.Int32 => 6, DType.Int64 => 7, DType.Bool => 9, _ => 11,
    };

    internal string Unique(string name)
    {
        name = _prefix + name;
        string u = name;
        for (int i = 1; !_used.Add(u); i++) u = $"{name}_{i}";
        return u;
    }

    /// <summary>A fresh, unused value name built from <paramref name="hint"/>.</summary>
    public string Temp(string hint) => Unique($"{hint}__{_temp++}");

    internal static TensorProto ToTensorProto(string name, Tensor t)
    {
        var p = new TensorProto { DataType = ElemType(t.DType), Name = name, RawData = ByteString.CopyFrom(t.AsBytes()) };
        foreach (var d in t.Shape.ToArray()) p.Dims.Add(d);
        return p;
    }

    internal void AddInitializer(string name, Tensor value) => Initializers.Add(ToTensorProto(name, value));

    /// <summary>Adds <paramref name="value"/> as an initializer under a fresh name from <paramref name="hint"/>; returns the name.</summary>
    public string Initializer(string hint, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        string name = Temp(hint);
        AddInitializer(name, value);
        return name;
    }

    /// <summary>Adds an int64 initializer (a vector, or a scalar when <paramref name="scalar"/>); returns its name.</summary>
    public string Const(string hint, long[] values, bool scalar = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        string name = Temp(hint);
        var p = new TensorProto { DataType = (int)TensorProto.Types.DataType.Int64, Name = name };
        if (!scalar) p.Dims.Add(values.Length);
        var bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), values[i]);
        p.RawData = ByteString.CopyFrom(bytes);
        Initializers.Add(p);
        return name;
    }

    /// <summary>Adds a scalar initializer of <paramref name="dtype"/> holding <paramref name="value"/>; returns its name.</summary>
    public string ScalarConst(string hint, double value, DType dtype)
    {
        string name = Temp(hint);
        AddInitializer(name, Ops.Cast(Tensor.Scalar(value), dtype));
        return name;
    }

    /// <summary>
    /// Adds an ONNX node of type <paramref name="opType"/> reading <paramref name="inputs"/> (an empty name
    /// skips an optional input) and writing <paramref name="output"/>. Attribute values are <see cref="float"/>,
    /// <see cref="long"/>, <see cref="T:long[]"/>, <see cref="string"/> or a subgraph (<see cref="Subgraph"/>).
    /// </summary>
    public void Node(string opType, IReadOnlyList<string> inputs, string output, params (string Name, object Value)[] attributes)
        => Node(opType, inputs, [output], attributes);

    /// <summary>An ONNX node with several outputs (<c>Scan</c>'s final states and scan outputs); otherwise as the one-output form.</summary>
    public void Node(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, params (string Name, object Value)[] attributes)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(attributes);
        var p = new NodeProto { Name = Temp(opType), OpType = opType };
        p.Input.AddRange(inputs);
        p.Output.AddRange(outputs);
        foreach (var (name, value) in attributes)
        {
            var a = new AttributeProto { Name = name };
            switch (value)
            {
                case float f: a.F = f; a.Type = AttributeProto.Types.AttributeType.Float; break;
                case long l: a.I = l; a.Type = AttributeProto.Types.AttributeType.Int; break;
                case long[] ls: a.Ints.AddRange(ls); a.Type = AttributeProto.Types.AttributeType.Ints; break;
                case string text: a.S = ByteString.CopyFromUtf8(text); a.Type = AttributeProto.Types.AttributeType.String; break;
                case GraphProto graph: a.G = graph; a.Type = AttributeProto.Types.AttributeType.Graph; break;
                default: throw new InvalidOperationException("attribute type");
            }
            p.Attribute.Add(a);
        }
        Nodes.Add(p);
    }

    /// <summary>
    /// <paramref name="graph"/> as an ONNX subgraph (a loop body, for a node attribute passed to <c>Node</c>). Its
    /// first <paramref name="declaredInputs"/> inputs become the subgraph's inputs; each later input reads the outer value
    /// named in <paramref name="outerNames"/> (ONNX subgraphs see the enclosing graph's values). The outputs are
    /// <paramref name="outputs"/>: graph output ids (repeats allowed, each gets its own name). Names are prefixed so they
    /// cannot clash with the enclosing graph's.
    /// </summary>
    public object Subgraph(Graph graph, int declaredInputs, IReadOnlyList<string> outerNames, IReadOnlyList<int> outputs)
        => OnnxExport.Subgraph(graph, Temp("body") + "/", declaredInputs, outerNames, outputs);

    /// <summary><paramref name="values"/> as int64s (axes, shapes, perms for ONNX attributes and initializers).</summary>
    public static long[] Longs(IEnumerable<int> values) => [.. values.Select(x => (long)x)];
}
