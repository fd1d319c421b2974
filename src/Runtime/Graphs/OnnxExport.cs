using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace LayerGen;

/// <summary>An op in a graph has no ONNX translation (yet), or not for these shapes.</summary>
public sealed class OnnxExportException : LayerGenException
{
    /// <summary>Creates the exception.</summary>
    public OnnxExportException(string message) : base(message) { }
}

/// <summary>
/// Exports a <see cref="Graph"/> as an ONNX model (opset 17, IR version 8): inputs keep their names and
/// shapes (unknown dimensions become symbolic <c>N0</c>, <c>N1</c>...), captured variables and constants
/// become initializers holding their current values, and each op becomes one or a few ONNX nodes.
/// The protobuf is written by hand (no dependency). Ops without a translation throw
/// <see cref="OnnxExportException"/> naming them.
/// </summary>
public static class OnnxExport
{
    /// <summary>The ONNX opset the exporter targets.</summary>
    public const int Opset = 17;

    /// <summary>Writes the ONNX model of <paramref name="graph"/> to <paramref name="path"/>.</summary>
    public static void Save(Graph graph, string path, string name = "graph", Func<Variable, string?>? variablePath = null)
        => File.WriteAllBytes(path, ToBytes(graph, name, variablePath));

    /// <summary>The serialized ONNX <c>ModelProto</c> of <paramref name="graph"/>.</summary>
    public static byte[] ToBytes(Graph graph, string name = "graph", Func<Variable, string?>? variablePath = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var e = new Emitter(graph, variablePath);
        e.EmitAll();
        var g = new Proto();
        foreach (var n in e.Nodes) g.Bytes(1, n);
        g.String(2, name);
        foreach (var t in e.Initializers) g.Bytes(5, t);
        int unknown = 0;
        foreach (var n in graph.Inputs) g.Bytes(11, ValueInfo(e.Names[n.Id], n.Spec, ref unknown));
        for (int o = 0; o < graph.OutputIds.Count; o++)
        {
            var n = graph.Nodes[graph.OutputIds[o]];
            g.Bytes(12, ValueInfo(e.OutputNames[o], n.Spec, ref unknown));
        }
        var model = new Proto();
        model.Varint(1, 8);                       // ir_version
        model.String(2, "LayerGen");              // producer_name
        model.Bytes(7, g.ToArray());
        var opset = new Proto();
        opset.String(1, "");
        opset.Varint(2, Opset);
        model.Bytes(8, opset.ToArray());
        return model.ToArray();
    }

    private static int ElemType(DType d) => d switch
    {
        DType.Float32 => 1, DType.Int32 => 6, DType.Int64 => 7, DType.Bool => 9, _ => 11,
    };

    private static byte[] ValueInfo(string name, TensorSpec spec, ref int unknown)
    {
        var shape = new Proto();
        foreach (var d in spec.Shape.ToArray())
        {
            var dim = new Proto();
            if (d == Shape.Unknown) dim.String(2, "N" + (unknown++).ToString(CultureInfo.InvariantCulture));
            else dim.Varint(1, (ulong)d);
            shape.Bytes(1, dim.ToArray());
        }
        var tensor = new Proto();
        tensor.Varint(1, (ulong)ElemType(spec.DType));
        tensor.Bytes(2, shape.ToArray());
        var type = new Proto();
        type.Bytes(1, tensor.ToArray());
        var vi = new Proto();
        vi.String(1, name);
        vi.Bytes(2, type.ToArray());
        return vi.ToArray();
    }

    private sealed class Emitter(Graph graph, Func<Variable, string?>? variablePath)
    {
        public List<byte[]> Nodes { get; } = [];
        public List<byte[]> Initializers { get; } = [];
        public string[] Names { get; } = new string[graph.Nodes.Count];
        public string[] OutputNames { get; } = new string[graph.OutputIds.Count];
        private readonly HashSet<string> _used = new(StringComparer.Ordinal);
        private int _temp;

        private string Unique(string name)
        {
            string u = name;
            for (int i = 1; !_used.Add(u); i++) u = $"{name}_{i}";
            return u;
        }

        private string Temp(string hint) => Unique($"{hint}__{_temp++}");

        public void EmitAll()
        {
            foreach (var n in graph.Nodes)
            {
                switch (n.Kind)
                {
                    case GraphNodeKind.Input: Names[n.Id] = Unique(n.Name); break;
                    case GraphNodeKind.Variable:
                        Names[n.Id] = Unique(variablePath?.Invoke(n.Variable!) ?? n.Name);
                        Initializers.Add(TensorProto(Names[n.Id], n.Variable!));
                        break;
                    case GraphNodeKind.Constant:
                        Names[n.Id] = Unique(n.Name);
                        Initializers.Add(TensorProto(Names[n.Id], n.Constant!));
                        break;
                    default:
                        Names[n.Id] = Unique(n.Name);
                        EmitOp(n, Names[n.Id]);
                        break;
                }
            }
            // ONNX outputs must be produced by nodes and be distinct: route each through Identity.
            for (int o = 0; o < graph.OutputIds.Count; o++)
            {
                OutputNames[o] = Unique("output_" + o.ToString(CultureInfo.InvariantCulture));
                Node("Identity", [Names[graph.OutputIds[o]]], OutputNames[o]);
            }
        }

        private static byte[] TensorProto(string name, Tensor t)
        {
            var p = new Proto();
            foreach (var d in t.Shape.ToArray()) p.Varint(1, (ulong)d);
            p.Varint(2, (ulong)ElemType(t.DType));
            p.String(8, name);
            p.Bytes(9, t.AsBytes().ToArray());
            return p.ToArray();
        }

        private string Const(string hint, long[] values, bool scalar = false)
        {
            string name = Temp(hint);
            var p = new Proto();
            if (!scalar) p.Varint(1, (ulong)values.Length);
            p.Varint(2, 7);
            p.String(8, name);
            var bytes = new byte[values.Length * 8];
            for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), values[i]);
            p.Bytes(9, bytes);
            Initializers.Add(p.ToArray());
            return name;
        }

        private string ScalarConst(string hint, double value, DType dtype)
        {
            string name = Temp(hint);
            Initializers.Add(TensorProto(name, Ops.Cast(Tensor.Scalar(value), dtype)));
            return name;
        }

        private void Node(string opType, string[] inputs, string output, params (string Name, object Value)[] attributes)
        {
            var p = new Proto();
            foreach (var i in inputs) p.String(1, i);
            p.String(2, output);
            p.String(3, Temp(opType));
            p.String(4, opType);
            foreach (var (name, value) in attributes)
            {
                var a = new Proto();
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

        private static long[] L(IEnumerable<int> xs) => [.. xs.Select(x => (long)x)];

        private void EmitOp(GraphNode n, string output)
        {
            var op = n.Op!;
            var ins = n.Inputs.Select(i => Names[i]).ToArray();
            TensorSpec In(int i) => graph.Nodes[n.Inputs[i]].Spec;
            switch (op)
            {
                case AddOp: Node("Add", ins, output); break;
                case SubOp: Node("Sub", ins, output); break;
                case MulOp: Node("Mul", ins, output); break;
                case DivOp: Node("Div", ins, output); break;
                case PowOp: Node("Pow", ins, output); break;
                case MaximumOp: Node("Max", ins, output); break;
                case MinimumOp: Node("Min", ins, output); break;
                case NegOp: Node("Neg", ins, output); break;
                case AbsOp: Node("Abs", ins, output); break;
                case ExpOp: Node("Exp", ins, output); break;
                case LogOp: Node("Log", ins, output); break;
                case SqrtOp: Node("Sqrt", ins, output); break;
                case SignOp: Node("Sign", ins, output); break;
                case ErfOp: Node("Erf", ins, output); break;
                case ReluOp: Node("Relu", ins, output); break;
                case SigmoidOp: Node("Sigmoid", ins, output); break;
                case TanhOp: Node("Tanh", ins, output); break;
                case SoftplusOp: Node("Softplus", ins, output); break;
                case SquareOp: Node("Mul", [ins[0], ins[0]], output); break;
                case StopGradientOp: Node("Identity", ins, output); break;
                case EluOp e: Node("Elu", ins, output, ("alpha", (float)e.Alpha)); break;
                case LeakyReluOp l: Node("LeakyRelu", ins, output, ("alpha", (float)l.Alpha)); break;
                case SoftmaxOp s: Node("Softmax", ins, output, ("axis", (long)s.Axis)); break;
                case LogSoftmaxOp s: Node("LogSoftmax", ins, output, ("axis", (long)s.Axis)); break;
                case CastOp c: Node("Cast", ins, output, ("to", (long)ElemType(c.DType))); break;
                case WhereOp: Node("Where", ins, output); break;
                case ConcatOp c: Node("Concat", ins, output, ("axis", (long)c.Axis)); break;
                case GatherOp g: Node("Gather", ins, output, ("axis", (long)g.Axis)); break;
                case CompareOp c:
                    switch (c.Comparison)
                    {
                        case Comparison.Equal: Node("Equal", ins, output); break;
                        case Comparison.Less: Node("Less", ins, output); break;
                        case Comparison.LessEqual: Node("LessOrEqual", ins, output); break;
                        case Comparison.Greater: Node("Greater", ins, output); break;
                        case Comparison.GreaterEqual: Node("GreaterOrEqual", ins, output); break;
                        default:
                            var eq = Temp("eq");
                            Node("Equal", ins, eq);
                            Node("Not", [eq], output);
                            break;
                    }
                    break;
                case MatMulOp m:
                {
                    string a = ins[0], b = ins[1];
                    if (m.TransposeA) { var t = Temp("a_t"); Node("Transpose", [a], t, ("perm", SwapLast(In(0).Shape.Rank))); a = t; }
                    if (m.TransposeB) { var t = Temp("b_t"); Node("Transpose", [b], t, ("perm", SwapLast(In(1).Shape.Rank))); b = t; }
                    Node("MatMul", [a, b], output);
                    break;
                }
                case SumOp s:
                    Node("ReduceSum", s.Axes is null ? [ins[0]] : [ins[0], Const("axes", L(s.Axes))], output, ("keepdims", s.KeepDims ? 1L : 0L));
                    break;
                case MeanOp or MaxOp or MinOp or ProdOp:
                {
                    var r = (ReductionOp)op;
                    string type = op switch { MeanOp => "ReduceMean", MaxOp => "ReduceMax", MinOp => "ReduceMin", _ => "ReduceProd" };
                    if (r.Axes is null) Node(type, ins, output, ("keepdims", r.KeepDims ? 1L : 0L));
                    else Node(type, ins, output, ("axes", L(r.Axes)), ("keepdims", r.KeepDims ? 1L : 0L));
                    break;
                }
                case ArgMaxOp a:
                {
                    string type = a.Smallest ? "ArgMin" : "ArgMax";
                    if (a.Axis is int axis) Node(type, ins, output, ("axis", (long)axis), ("keepdims", a.KeepDims ? 1L : 0L));
                    else
                    {
                        var flat = Temp("flat");
                        Node("Reshape", [ins[0], Const("shape", [-1])], flat);
                        var idx = Temp("idx");
                        Node(type, [flat], idx, ("axis", 0L), ("keepdims", 0L));
                        Node("Reshape", [idx, Const("shape", L(n.Spec.Shape.ToArray()))], output);
                    }
                    break;
                }
                case ReshapeOp r: Node("Reshape", [ins[0], Const("shape", L(r.Shape.ToArray()))], output); break;
                case ReshapeLikeOp:
                {
                    var shape = Temp("shape");
                    Node("Shape", [ins[1]], shape);
                    Node("Reshape", [ins[0], shape], output);
                    break;
                }
                case ExpandDimsOp x:
                {
                    int axis = x.Axis < 0 ? x.Axis + n.Spec.Shape.Rank : x.Axis;
                    Node("Unsqueeze", [ins[0], Const("axes", [axis])], output);
                    break;
                }
                case SqueezeOp s: Node("Squeeze", s.Axes is null ? [ins[0]] : [ins[0], Const("axes", L(s.Axes))], output); break;
                case TransposeOp t:
                    if (t.Perm is null) Node("Transpose", ins, output);
                    else Node("Transpose", ins, output, ("perm", L(t.Perm)));
                    break;
                case BroadcastToOp b: Node("Expand", [ins[0], Const("shape", L(b.Shape.ToArray()))], output); break;
                case BroadcastToLikeOp:
                {
                    var shape = Temp("shape");
                    Node("Shape", [ins[1]], shape);
                    Node("Expand", [ins[0], shape], output);
                    break;
                }
                case TileOp t: Node("Tile", [ins[0], Const("repeats", L(t.Multiples))], output); break;
                case SliceOp s:
                {
                    var ends = new long[s.Begin.Length];
                    for (int i = 0; i < ends.Length; i++) ends[i] = s.Size[i] == -1 ? long.MaxValue : s.Begin[i] + s.Size[i];
                    Node("Slice", [ins[0], Const("starts", L(s.Begin)), Const("ends", ends), Const("axes", L(Enumerable.Range(0, ends.Length)))], output);
                    break;
                }
                case PadOp p:
                    Node("Pad", [ins[0], Const("pads", [.. L(p.Before), .. L(p.After)]), ScalarConst("value", p.Value, n.Spec.DType)], output);
                    break;
                case ClipOp c:
                {
                    string min = double.IsNegativeInfinity(c.Min) ? "" : ScalarConst("min", c.Min, n.Spec.DType);
                    string max = double.IsPositiveInfinity(c.Max) ? "" : ScalarConst("max", c.Max, n.Spec.DType);
                    Node("Clip", [ins[0], min, max], output);
                    break;
                }
                case GeluOp gelu:
                {
                    var dt = n.Spec.DType;
                    string inner;
                    if (gelu.Approximate)
                    {
                        // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
                        string x2 = Temp("x2"), x3 = Temp("x3"), cx3 = Temp("cx3"), sum = Temp("sum");
                        Node("Mul", [ins[0], ins[0]], x2);
                        Node("Mul", [x2, ins[0]], x3);
                        Node("Mul", [x3, ScalarConst("c", 0.044715, dt)], cx3);
                        Node("Add", [ins[0], cx3], sum);
                        string scaled = Temp("scaled");
                        Node("Mul", [sum, ScalarConst("k", Math.Sqrt(2 / Math.PI), dt)], scaled);
                        inner = Temp("tanh");
                        Node("Tanh", [scaled], inner);
                    }
                    else
                    {
                        // 0.5 x (1 + erf(x / sqrt(2)))
                        string scaled = Temp("scaled");
                        Node("Mul", [ins[0], ScalarConst("k", Math.Sqrt(0.5), dt)], scaled);
                        inner = Temp("erf");
                        Node("Erf", [scaled], inner);
                    }
                    string onePlus = Temp("one_plus"), xTimes = Temp("x_times");
                    Node("Add", [inner, ScalarConst("one", 1, dt)], onePlus);
                    Node("Mul", [ins[0], onePlus], xTimes);
                    Node("Mul", [xTimes, ScalarConst("half", 0.5, dt)], output);
                    break;
                }
                case OneHotOp h:
                {
                    // ONNX wraps negative indices; LayerGen gives all-off rows for them: map negatives past the end first.
                    // ONNX Runtime implements int64 indices and depth with float values: cast around that.
                    string idx = Temp("idx64");
                    Node("Cast", [ins[0]], idx, ("to", 7L));
                    string negative = Temp("negative"), safe = Temp("safe");
                    Node("Less", [idx, Const("zero", [0], scalar: true)], negative);
                    Node("Where", [negative, Const("past_end", [h.Depth], scalar: true), idx], safe);
                    string values = Temp("values");
                    Initializers.Add(TensorProto(values, Tensor.From(new[] { (float)h.Off, (float)h.On })));
                    string hot = h.DType == DType.Float32 ? output : Temp("onehot");
                    Node("OneHot", [safe, Const("depth", [h.Depth], scalar: true), values], hot, ("axis", -1L));
                    if (h.DType != DType.Float32) Node("Cast", [hot], output, ("to", (long)ElemType(h.DType)));
                    break;
                }
                case ReduceToLikeOp:
                {
                    Shape x = In(0).Shape, like = In(1).Shape;
                    if (!x.IsFullyDefined || !like.IsFullyDefined)
                        throw new OnnxExportException($"ONNX export: ReduceToLike needs known shapes, got {x} to {like}.");
                    var axes = new List<long>();
                    int shift = x.Rank - like.Rank;
                    for (int i = 0; i < x.Rank; i++)
                        if (i < shift || (like[i - shift] == 1 && x[i] != 1)) axes.Add(i);
                    var summed = Temp("summed");
                    Node("ReduceSum", axes.Count == 0 ? [ins[0]] : [ins[0], Const("axes", [.. axes])], summed, ("keepdims", 1L));
                    Node("Reshape", [summed, Const("shape", L(like.ToArray()))], output);
                    break;
                }
                default:
                    throw new OnnxExportException($"ONNX export: op '{op}' (node '{n.Name}') has no ONNX translation yet.");
            }
        }

        private static long[] SwapLast(int rank)
        {
            var perm = new long[rank];
            for (int i = 0; i < rank; i++) perm[i] = i;
            (perm[^1], perm[^2]) = (perm[^2], perm[^1]);
            return perm;
        }
    }

    /// <summary>A minimal protobuf writer.</summary>
    private sealed class Proto
    {
        private readonly MemoryStream _buffer = new();
        private void Raw(ulong value)
        {
            while (value >= 0x80) { _buffer.WriteByte((byte)(value | 0x80)); value >>= 7; }
            _buffer.WriteByte((byte)value);
        }
        private void Tag(int field, int wire) => Raw((ulong)((field << 3) | wire));
        public void Varint(int field, ulong value) { Tag(field, 0); Raw(value); }
        public void Float(int field, float value)
        {
            Tag(field, 5);
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteSingleLittleEndian(b, value);
            _buffer.Write(b);
        }
        public void Bytes(int field, byte[] value) { Tag(field, 2); Raw((ulong)value.Length); _buffer.Write(value); }
        public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));
        public byte[] ToArray() => _buffer.ToArray();
    }
}
