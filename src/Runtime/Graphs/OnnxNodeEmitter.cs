using System.Buffers.Binary;
using System.Text;

namespace LayerGen;

/// <summary>
/// One graph node being exported to ONNX, as an op's <see cref="Op.ExportOnnx"/> sees it: the ONNX names of
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
/// What an op's ONNX translation (<see cref="Op.ExportOnnx"/>) writes with: nodes, int64 and scalar
/// initializers, and fresh names for intermediate values. <see cref="OnnxExport"/> drives it.
/// </summary>
public sealed class OnnxNodeEmitter
{
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private int _temp;

    internal OnnxNodeEmitter() { }

    internal List<byte[]> Nodes { get; } = [];
    internal List<byte[]> Initializers { get; } = [];

    /// <summary>The ONNX <c>TensorProto.DataType</c> code of <paramref name="dtype"/>.</summary>
    public static int ElemType(DType dtype) => dtype switch
    {
        DType.Float32 => 1, DType.Int32 => 6, DType.Int64 => 7, DType.Bool => 9, _ => 11,
    };

    internal string Unique(string name)
    {
        string u = name;
        for (int i = 1; !_used.Add(u); i++) u = $"{name}_{i}";
        return u;
    }

    /// <summary>A fresh, unused value name built from <paramref name="hint"/>.</summary>
    public string Temp(string hint) => Unique($"{hint}__{_temp++}");

    internal static byte[] TensorProto(string name, Tensor t)
    {
        var p = new ProtoWriter();
        foreach (var d in t.Shape.ToArray()) p.Varint(1, (ulong)d);
        p.Varint(2, (ulong)ElemType(t.DType));
        p.String(8, name);
        p.Bytes(9, t.AsBytes().ToArray());
        return p.ToArray();
    }

    internal void AddInitializer(string name, Tensor value) => Initializers.Add(TensorProto(name, value));

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
        var p = new ProtoWriter();
        if (!scalar) p.Varint(1, (ulong)values.Length);
        p.Varint(2, 7);
        p.String(8, name);
        var bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), values[i]);
        p.Bytes(9, bytes);
        Initializers.Add(p.ToArray());
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
    /// <see cref="long"/> or <see cref="T:long[]"/>.
    /// </summary>
    public void Node(string opType, IReadOnlyList<string> inputs, string output, params (string Name, object Value)[] attributes)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(attributes);
        var p = new ProtoWriter();
        foreach (var i in inputs) p.String(1, i);
        p.String(2, output);
        p.String(3, Temp(opType));
        p.String(4, opType);
        foreach (var (name, value) in attributes)
        {
            var a = new ProtoWriter();
            a.String(1, name);
            switch (value)
            {
                case float f: a.Float(2, f); a.Varint(20, 1); break;
                case long l: a.Varint(3, unchecked((ulong)l)); a.Varint(20, 2); break;
                case long[] ls: foreach (var l in ls) a.Varint(8, unchecked((ulong)l)); a.Varint(20, 7); break;
                default: throw new InvalidOperationException("attribute type");
            }
            p.Bytes(5, a.ToArray());
        }
        Nodes.Add(p.ToArray());
    }

    /// <summary><paramref name="values"/> as int64s (axes, shapes, perms for ONNX attributes and initializers).</summary>
    public static long[] Longs(IEnumerable<int> values) => [.. values.Select(x => (long)x)];
}
