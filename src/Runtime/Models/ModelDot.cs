using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using LayerGen.Layers;

namespace LayerGen.Models;

/// <summary>
/// Writes a Keras model as Graphviz DOT, as Keras's <c>keras.utils.model_to_dot</c> does: each layer a box (Keras's
/// HTML table: the name and class on black, then input shape, output shape, dtype and trainability as asked by
/// <see cref="ModelDotOptions"/>), each connection an arrow. A <see cref="Sequential"/> model is its chain of layers
/// (no input box, as in Keras); a functional model is its layer graph with its input layers, branches, merges,
/// shared layers and several inputs or outputs; raw ops applied between layers are looked through; a subclassed model
/// is one box. Nested models are one box each, or dashed clusters of their layers with
/// <see cref="ModelDotOptions.ExpandNested"/>. Node ids are the layer names (made unique with a suffix when nested
/// models repeat a name). <see cref="Model.PlotModel"/> renders the text with Graphviz (<see cref="Graphs.Graphviz"/>).
/// </summary>
public static class ModelDot
{
    private static readonly string[] s_rankDirs = ["TB", "LR", "BT", "RL"];

    /// <summary>The DOT text of <paramref name="model"/>.</summary>
    public static string Write(Model model, ModelDotOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new ModelDotOptions();
        if (!s_rankDirs.Contains(options.RankDir))
            throw new ArgumentException($"rankdir must be one of {string.Join(", ", s_rankDirs)}. Received: '{options.RankDir}'.", nameof(options));
        if (options.Dpi <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.Dpi, "dpi must be positive.");
        if (string.IsNullOrWhiteSpace(options.Splines) || !options.Splines.All(char.IsAsciiLetter))
            throw new ArgumentException($"splines must be a Graphviz splines value (ortho, curved, polyline, spline, line). Received: '{options.Splines}'.", nameof(options));
        if (!model.IsBuilt)
            throw new InvalidOperationException("This model has not yet been built. Build the model first by calling `build()` or by calling the model on a batch of data.");

        var writer = new Writer(options);
        var sb = new StringBuilder();
        sb.Append("digraph ").Append(Quote(model.Name)).AppendLine(" {");
        sb.Append("  rankdir=").Append(options.RankDir).AppendLine(";");
        sb.AppendLine("  concentrate=true;");
        sb.Append("  dpi=").Append(options.Dpi.ToString(CultureInfo.InvariantCulture)).AppendLine(";");
        sb.Append("  splines=").Append(options.Splines).AppendLine(";");
        sb.AppendLine("  node [shape=record];");
        writer.AddModel(model, sb, "  ");
        writer.WriteEdges(sb);
        sb.AppendLine("}");
        return sb.ToString();
    }

    private sealed class Writer(ModelDotOptions options)
    {
        private readonly Dictionary<Layer, string> _ids = new(ReferenceEqualityComparer.Instance);
        private readonly HashSet<string> _usedIds = new(StringComparer.Ordinal);
        private readonly List<(string From, string To)> _edges = [];
        private readonly HashSet<(string, string)> _edgeSet = [];

        public void AddModel(Model model, StringBuilder sb, string indent)
        {
            if (model is Sequential sequential)
            {
                var layers = sequential.Layers;
                Shape? previous = sequential.FirstInputLayer?.BatchShape;
                foreach (var layer in layers)
                {
                    var outputs = layer.OutputShapes;
                    string inputText = previous is { } p ? FormatShape(p) : "?";
                    string outputText = outputs is null ? "?" : FormatShapes(outputs);
                    string dtypeText = outputs is null ? "?" : layer.DType.Name();
                    AddLayer(layer, sb, indent, inputText, outputText, dtypeText);
                    previous = outputs is { Count: 1 } ? outputs[0] : default(Shape?);
                }
                for (int i = 0; i + 1 < layers.Count; i++) AddEdge(Exit(layers[i], 0), Entry(layers[i + 1], 0));
                return;
            }
            if (model.Graph is not { } graph)
            {
                // A subclassed model is one box, as in Keras.
                AddNode(model, sb, indent, "?", model.OutputShapes is { } s ? FormatShapes(s) : "?", model.OutputShapes is null ? "?" : model.DType.Name());
                return;
            }
            foreach (var layer in graph.Operations)
            {
                var node = FirstNode(layer, graph);
                string inputText = node is null ? "?" : FormatShapes(node.Arguments.Tensors.Select(t => t.Shape).ToList());
                string outputText = node is null ? "?" : FormatShapes(node.Outputs.Select(t => t.Shape).ToList());
                string dtypeText = node is null ? "?" : FormatDTypes(node.Outputs.Select(t => t.DType).ToList());
                AddLayer(layer, sb, indent, inputText, outputText, dtypeText);
            }
            foreach (var layer in graph.Operations)
                foreach (var node in layer.InboundNodes)
                {
                    if (!graph.NodeSet.Contains(node)) continue;
                    var inputs = node.Arguments.AllTensors().ToList();
                    for (int j = 0; j < inputs.Count; j++)
                        foreach (var producer in Producers(inputs[j]))
                            AddEdge(Exit(producer.Layer, producer.TensorIndex), Entry(layer, j));
                }
        }

        public void WriteEdges(StringBuilder sb)
        {
            foreach (var (from, to) in _edges)
                sb.Append("  ").Append(Quote(from)).Append(" -> ").Append(Quote(to)).AppendLine(" [penwidth=2];");
        }

        private void AddLayer(Layer layer, StringBuilder sb, string indent, string inputText, string outputText, string dtypeText)
        {
            if (options.ExpandNested && layer is Model nested && (nested is Sequential || nested.IsFunctional))
            {
                sb.Append(indent).Append("subgraph ").Append(Quote("cluster_" + Id(nested))).AppendLine(" {");
                string inner = indent + "  ";
                sb.Append(inner).AppendLine("style=dashed;");
                sb.Append(inner).Append("label=").Append(Quote(nested.Name)).AppendLine(";");
                sb.Append(inner).AppendLine("labeljust=l;");
                AddModel(nested, sb, inner);
                sb.Append(indent).AppendLine("}");
                return;
            }
            AddNode(layer, sb, indent, inputText, outputText, dtypeText);
        }

        private void AddNode(Layer layer, StringBuilder sb, string indent, string inputText, string outputText, string dtypeText)
        {
            sb.Append(indent).Append(Quote(Id(layer))).Append(" [label=<").Append(Label(layer, inputText, outputText, dtypeText))
              .AppendLine(">, fontname=\"Helvetica\", border=\"0\", margin=\"0\"];");
        }

        // Keras's make_layer_label: an HTML table, the title row on black, then one row of cells.
        private string Label(Layer layer, string inputText, string outputText, string dtypeText)
        {
            string className = ClassName(layer);
            int colspanMax = (options.ShowDtype ? 1 : 0) + (options.ShowTrainable ? 1 : 0) + (options.ShowShapes ? 2 : 0);
            int colspan = Math.Max(1, colspanMax);
            var t = new StringBuilder("<table border=\"0\" cellborder=\"1\" bgcolor=\"black\" cellpadding=\"10\">");
            t.Append("<tr><td colspan=\"").Append(colspan).Append("\" bgcolor=\"black\"><font point-size=\"16\" color=\"white\">");
            if (options.ShowLayerNames) t.Append("<b>").Append(Html(layer.Name)).Append("</b> (").Append(Html(className)).Append(')');
            else t.Append("<b>").Append(Html(className)).Append("</b>");
            t.Append("</font></td></tr>");
            if (options.ShowLayerActivations && ActivationName(layer) is { } activation)
                t.Append("<tr><td bgcolor=\"white\" colspan=\"").Append(colspan).Append("\"><font point-size=\"14\">Activation: <b>")
                 .Append(Html(activation)).Append("</b></font></td></tr>");
            var cols = new List<string>();
            if (options.ShowShapes)
            {
                if (layer is not InputLayer) cols.Add(Cell($"Input shape: <b>{Html(inputText)}</b>"));
                cols.Add(Cell($"Output shape: <b>{Html(outputText)}</b>"));
            }
            if (options.ShowDtype) cols.Add(Cell($"Output dtype: <b>{Html(dtypeText)}</b>"));
            if (options.ShowTrainable && layer.Variables.Count > 0)
                cols.Add(layer.Trainable
                    ? "<td bgcolor=\"forestgreen\"><font point-size=\"14\" color=\"white\"><b>Trainable</b></font></td>"
                    : "<td bgcolor=\"firebrick\"><font point-size=\"14\" color=\"white\"><b>Non-trainable</b></font></td>");
            if (cols.Count > 0) t.Append("<tr>").Append(string.Concat(cols)).Append("</tr>");
            t.Append("</table>");
            return t.ToString();
        }

        private static string Cell(string content) => $"<td bgcolor=\"white\"><font point-size=\"14\">{content}</font></td>";

        private string Id(Layer layer)
        {
            if (_ids.TryGetValue(layer, out var id)) return id;
            id = layer.Name;
            for (int k = 2; !_usedIds.Add(id); k++) id = $"{layer.Name}_{k}";
            _ids[layer] = id;
            return id;
        }

        private void AddEdge(Layer from, Layer to)
        {
            var edge = (Id(from), Id(to));
            if (_edgeSet.Add(edge)) _edges.Add(edge);
        }

        // The box an edge leaves: inside an expanded nested model, the layer producing that output.
        private Layer Exit(Layer layer, int outputIndex)
        {
            while (options.ExpandNested && layer is Model m)
            {
                if (m is Sequential s && s.Layers.Count > 0) { layer = s.Layers[^1]; outputIndex = 0; }
                else if (m.IsFunctional && outputIndex < m.Outputs.Count && KerasHistory.Of(m.Outputs[outputIndex]) is { } h)
                { layer = h.Layer; outputIndex = h.TensorIndex; }
                else break;
            }
            return layer;
        }

        // The box an edge enters: inside an expanded nested model, its input layer (functional) or first layer (sequential).
        private Layer Entry(Layer layer, int inputIndex)
        {
            while (options.ExpandNested && layer is Model m)
            {
                if (m is Sequential s && s.Layers.Count > 0) { layer = s.Layers[0]; inputIndex = 0; }
                else if (m.IsFunctional && inputIndex < m.Inputs.Count && KerasHistory.Of(m.Inputs[inputIndex]) is { } h)
                { layer = h.Layer; inputIndex = 0; }
                else break;
            }
            return layer;
        }
    }

    private static KerasNode? FirstNode(Layer layer, FunctionalGraph graph)
    {
        foreach (var node in layer.InboundNodes)
            if (graph.NodeSet.Contains(node)) return node;
        return null;
    }

    /// <summary>The layer outputs a tensor comes from, looking through raw ops applied between layers.</summary>
    private static IEnumerable<KerasHistory> Producers(Tensor tensor)
    {
        var stack = new Stack<Tensor>([tensor]);
        var seen = new HashSet<OpNode>(ReferenceEqualityComparer.Instance);
        while (stack.Count > 0)
        {
            var t = stack.Pop();
            if (KerasHistory.Of(t) is { } h) yield return h;
            else if (t.Node is { } op && seen.Add(op))
                for (int i = op.Inputs.Count - 1; i >= 0; i--) stack.Push(op.Inputs[i]);
        }
    }

    private static string ClassName(Layer layer) => layer switch
    {
        Sequential => "Sequential",
        Model { IsFunctional: true } m when m.GetType() == typeof(Model) => "Functional",
        _ => layer.GetType().Name,
    };

    // Keras shows `layer.activation` for the layers that have one; LayerGen reads it from the config (no reflection).
    private static string? ActivationName(Layer layer)
    {
        JsonObject config;
        try { config = layer.GetConfig(); }
        catch (NotImplementedException) { return null; }
        catch (InvalidOperationException) { return null; }
        catch (NotSupportedException) { return null; }
        return config["activation"] switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonObject o when o["config"]?["name"] is JsonValue n && n.TryGetValue<string>(out var s) => s,
            JsonObject o when o["class_name"] is JsonValue n && n.TryGetValue<string>(out var s) => s,
            _ => null,
        };
    }

    /// <summary>A shape as Python prints Keras's tuples: <c>(None, 28, 28, 1)</c>, <c>(8,)</c>.</summary>
    internal static string FormatShape(Shape shape)
    {
        var dims = shape.ToArray().Select(d => d == Shape.Unknown ? "None" : d.ToString(CultureInfo.InvariantCulture)).ToArray();
        return dims.Length == 1 ? $"({dims[0]},)" : "(" + string.Join(", ", dims) + ")";
    }

    private static string FormatShapes(IReadOnlyList<Shape> shapes) => shapes.Count switch
    {
        0 => "?",
        1 => FormatShape(shapes[0]),
        _ => "[" + string.Join(", ", shapes.Select(FormatShape)) + "]",
    };

    private static string FormatDTypes(IReadOnlyList<DType> dtypes) => dtypes.Count switch
    {
        0 => "?",
        1 => dtypes[0].Name(),
        _ => "[" + string.Join(", ", dtypes.Select(d => "'" + d.Name() + "'")) + "]",
    };

    private static string Html(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"";
}
