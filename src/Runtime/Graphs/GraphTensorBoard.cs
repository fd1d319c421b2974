using System.Buffers.Binary;
using System.Text;
using LayerGen.Formats;

namespace LayerGen.Graphs;

/// <summary>
/// Writes a <see cref="Graph"/> where TensorBoard's Graphs tab finds it (the guide's
/// <c>tf.summary.trace_export</c>): an event file in a log directory whose event carries a <c>GraphDef</c>
/// protocol buffer. Inputs become <c>Placeholder</c> nodes, variables <c>VarHandleOp</c> nodes (named by their
/// module path when given, so TensorBoard groups them by submodule), constants <c>Const</c>, ops keep their
/// LayerGen names; every node carries <c>_output_shapes</c> (so edges show shapes) and its attributes.
/// </summary>
public static class GraphTensorBoard
{
    /// <summary>
    /// Writes <paramref name="graph"/> to a new event file in <paramref name="logDir"/> and returns its path.
    /// <paramref name="variablePath"/> names captured variables (default: their own names).
    /// </summary>
    public static string Write(Graph graph, string logDir, long step = 0, Func<Variable, string?>? variablePath = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        using var writer = new EventFileWriter(logDir);
        writer.AddGraphDef(ToGraphDef(graph, variablePath), step);
        writer.Flush();
        return writer.FilePath!;
    }

    /// <summary>
    /// Writes <paramref name="graph"/> as an event file (the file-version record, then the graph event) into
    /// <paramref name="stream"/>, from its position; the stream is left open.
    /// </summary>
    public static void Write(Graph graph, Stream stream, long step = 0, Func<Variable, string?>? variablePath = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        using var writer = new EventFileWriter(stream, leaveOpen: true);
        writer.AddGraphDef(ToGraphDef(graph, variablePath), step);
    }

    /// <summary>The <c>GraphDef</c> bytes of <paramref name="graph"/> (tensorflow/core/framework/graph.proto).</summary>
    public static byte[] ToGraphDef(Graph graph, Func<Variable, string?>? variablePath = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var names = new string[graph.Nodes.Count];
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in graph.Nodes)
        {
            string name = n.Kind == GraphNodeKind.Variable ? variablePath?.Invoke(n.Variable!) ?? n.Name : n.Name;
            string unique = name;
            for (int i = 1; !used.Add(unique); i++) unique = $"{name}_{i}";
            names[n.Id] = unique;
        }
        var def = new ProtoWriter();
        foreach (var n in graph.Nodes)
        {
            var node = new ProtoWriter();
            node.String(1, names[n.Id]);
            node.String(2, n.Kind switch
            {
                GraphNodeKind.Input => "Placeholder",
                GraphNodeKind.Variable => "VarHandleOp",
                GraphNodeKind.Constant => "Const",
                _ => n.Op!.Name,
            });
            foreach (var i in n.Inputs) node.String(3, names[i]);
            node.Bytes(5, AttrEntry("dtype", DTypeAttr(n.Spec.DType)));
            var shapes = new ProtoWriter();
            shapes.Bytes(7, ShapeProto(n.Spec.Shape));
            var list = new ProtoWriter();
            list.Bytes(1, shapes.ToArray());
            node.Bytes(5, AttrEntry("_output_shapes", list.ToArray()));
            if (n.Op is not null)
            {
                var a = new OpAttributes(n.Op.Name);
                n.Op.WriteAttributes(a);
                foreach (var (k, v) in a.Items)
                    if (AttrValue(v) is byte[] value) node.Bytes(5, AttrEntry(k, value));
            }
            def.Bytes(1, node.ToArray());
        }
        var versions = new ProtoWriter();
        versions.Varint(1, 1);   // producer
        def.Bytes(4, versions.ToArray());
        return def.ToArray();
    }

    private static byte[] AttrEntry(string key, byte[] attrValue)
    {
        var e = new ProtoWriter();
        e.String(1, key);
        e.Bytes(2, attrValue);
        return e.ToArray();
    }

    // DataType enum values of TensorFlow's types.proto.
    private static byte[] DTypeAttr(DType dtype)
    {
        var v = new ProtoWriter();
        v.Varint(6, dtype switch { DType.Float32 => 1, DType.Float64 => 2, DType.Int32 => 3, DType.Int64 => 9, _ => 10 });
        return v.ToArray();
    }

    private static byte[] ShapeProto(Shape shape)
    {
        var s = new ProtoWriter();
        foreach (var d in shape.ToArray())
        {
            var dim = new ProtoWriter();
            dim.Varint(1, unchecked((ulong)(long)d));
            s.Bytes(2, dim.ToArray());
        }
        return s.ToArray();
    }

    private static byte[]? AttrValue(OpAttributeValue v)
    {
        var p = new ProtoWriter();
        switch (v.Kind)
        {
            case OpAttributeKind.Bool: p.Varint(5, (ulong)v.Int); break;
            case OpAttributeKind.Int: p.Varint(3, unchecked((ulong)v.Int)); break;
            case OpAttributeKind.Float: p.Float(4, (float)v.Float); break;
            case OpAttributeKind.String: p.String(2, v.String ?? ""); break;
            case OpAttributeKind.Ints:
                var list = new ProtoWriter();
                foreach (var i in v.Ints!) list.Varint(3, unchecked((ulong)(long)i));
                p.Bytes(1, list.ToArray());
                break;
            default: return null;
        }
        return p.ToArray();
    }
}
