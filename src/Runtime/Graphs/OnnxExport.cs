using System.Globalization;
using Google.Protobuf;
using LayerGen.Onnx;

namespace LayerGen.Graphs;

/// <summary>An op in a graph has no ONNX translation (yet), or not for these shapes.</summary>
public sealed class OnnxExportException : LayerGenFormatException
{
    /// <summary>Creates the exception.</summary>
    public OnnxExportException(string message) : base(message) { }
}

/// <summary>
/// Exports a <see cref="Graph"/> as an ONNX model (opset 17, IR version 8): inputs keep their names and
/// shapes (unknown dimensions become symbolic <c>N0</c>, <c>N1</c>...), captured variables and constants
/// become initializers holding their current values, and each op becomes one or a few ONNX nodes.
/// The <c>ModelProto</c> is built from Google.Protobuf classes generated (internal) from the ONNX schema
/// (<c>src/Runtime/Graphs/Onnx/onnx.proto</c>) at build time, and serialized with them. Ops without a translation throw
/// <see cref="OnnxExportException"/> naming them. Each op's translation is looked up by op name in
/// <see cref="OnnxOpMappings"/> (the built-in ones are in <c>Graphs/Onnx/</c>, one file per op family); this
/// class only walks the graph and builds the model message.
/// </summary>
public static class OnnxExport
{
    /// <summary>The ONNX opset the exporter targets.</summary>
    public const int Opset = 17;

    /// <summary>Writes the ONNX model of <paramref name="graph"/> to <paramref name="path"/>.</summary>
    public static void Save(Graph graph, string path, string name = "graph", Func<Variable, string?>? variablePath = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        AtomicFile.WriteAllBytes(path, ToBytes(graph, name, variablePath), flushToDisk: true);
    }

    /// <summary>Writes the ONNX model of <paramref name="graph"/> into <paramref name="stream"/> (from its position; left open).</summary>
    public static void Save(Graph graph, Stream stream, string name = "graph", Func<Variable, string?>? variablePath = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(ToBytes(graph, name, variablePath));
    }

    /// <summary>The serialized ONNX <c>ModelProto</c> of <paramref name="graph"/>.</summary>
    public static byte[] ToBytes(Graph graph, string name = "graph", Func<Variable, string?>? variablePath = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var e = new Emitter(graph, variablePath);
        e.EmitAll();
        var g = new GraphProto { Name = name };
        g.Node.AddRange(e.Out.Nodes);
        g.Initializer.AddRange(e.Out.Initializers);
        int unknown = 0;
        foreach (var n in graph.Inputs) g.Input.Add(ValueInfo(e.Names[n.Id], n.Spec, ref unknown));
        for (int o = 0; o < graph.OutputIds.Count; o++)
        {
            var n = graph.Nodes[graph.OutputIds[o]];
            g.Output.Add(ValueInfo(e.OutputNames[o], n.Spec, ref unknown));
        }
        var model = new ModelProto { IrVersion = 8, ProducerName = "LayerGen", Graph = g };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return model.ToByteArray();
    }

    /// <summary>A loop body as a subgraph (see <see cref="OnnxNodeEmitter.Subgraph"/>).</summary>
    internal static GraphProto Subgraph(Graph graph, string prefix, int declaredInputs, IReadOnlyList<string> outerNames, IReadOnlyList<int> outputs)
    {
        var e = new Emitter(graph, null, prefix);
        var g = new GraphProto { Name = prefix.TrimEnd('/') };
        int unknown = 0;
        var inputs = graph.InputIds;
        // Names first: captured inputs read the outer values through Identity nodes.
        foreach (var n in graph.Nodes)
            if (n.Kind == GraphNodeKind.Input) e.Names[n.Id] = e.Out.Unique(n.Name);
        for (int i = declaredInputs; i < inputs.Count; i++) e.Out.Node("Identity", [outerNames[i - declaredInputs]], e.Names[inputs[i]]);
        e.EmitOps();
        for (int o = 0; o < outputs.Count; o++)
        {
            string name = e.Out.Unique("out_" + o.ToString(CultureInfo.InvariantCulture));
            e.Out.Node("Identity", [e.Names[outputs[o]]], name);
            g.Output.Add(ValueInfo(name, graph.Nodes[outputs[o]].Spec, ref unknown));
        }
        g.Node.AddRange(e.Out.Nodes);
        g.Initializer.AddRange(e.Out.Initializers);
        for (int i = 0; i < declaredInputs; i++) g.Input.Add(ValueInfo(e.Names[inputs[i]], graph.Nodes[inputs[i]].Spec, ref unknown));
        return g;
    }

    private static ValueInfoProto ValueInfo(string name, TensorSpec spec, ref int unknown)
    {
        var shape = new TensorShapeProto();
        foreach (var d in spec.Shape.ToArray())
        {
            shape.Dim.Add(d == Shape.Unknown
                ? new TensorShapeProto.Types.Dimension { DimParam = "N" + (unknown++).ToString(CultureInfo.InvariantCulture) }
                : new TensorShapeProto.Types.Dimension { DimValue = d });
        }
        var tensor = new TypeProto.Types.Tensor { ElemType = OnnxNodeEmitter.ElemType(spec.DType), Shape = shape };
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }

    private sealed class Emitter(Graph graph, Func<Variable, string?>? variablePath, string prefix = "")
    {
        public OnnxNodeEmitter Out { get; } = new(prefix);
        public string[] Names { get; } = new string[graph.Nodes.Count];
        public string[] OutputNames { get; } = new string[graph.OutputIds.Count];

        /// <summary>The op nodes (input names already set).</summary>
        public void EmitOps()
        {
            foreach (var n in graph.Nodes)
                if (n.Kind == GraphNodeKind.Op) EmitOp(n);
        }

        private void EmitOp(GraphNode n)
        {
            Names[n.Id] = Out.Unique(n.Name);
            var node = new OnnxNodeContext(n.Name, [.. n.Inputs.Select(i => Names[i])],
                [.. n.Inputs.Select(i => graph.Nodes[i].Spec)], Names[n.Id], n.Spec);
            OnnxOpMappings.Emit(n.Op!, Out, node);
        }

        public void EmitAll()
        {
            foreach (var n in graph.Nodes)
            {
                switch (n.Kind)
                {
                    case GraphNodeKind.Input: Names[n.Id] = Out.Unique(n.Name); break;
                    case GraphNodeKind.Variable:
                        Names[n.Id] = Out.Unique(variablePath?.Invoke(n.Variable!) ?? n.Name);
                        Out.AddInitializer(Names[n.Id], n.Variable!);
                        break;
                    case GraphNodeKind.Constant:
                        Names[n.Id] = Out.Unique(n.Name);
                        Out.AddInitializer(Names[n.Id], n.Constant!);
                        break;
                    default:
                        EmitOp(n);
                        break;
                }
            }
            // ONNX outputs must be produced by nodes and be distinct: route each through Identity.
            for (int o = 0; o < graph.OutputIds.Count; o++)
            {
                OutputNames[o] = Out.Unique("output_" + o.ToString(CultureInfo.InvariantCulture));
                Out.Node("Identity", [Names[graph.OutputIds[o]]], OutputNames[o]);
            }
        }
    }
}
