using System.Text;

namespace LayerGen.Graphs;

/// <summary>
/// Writes a <see cref="Graph"/> as Graphviz DOT: inputs as green ellipses, captured variables as yellow
/// boxes (name and shape), constants as grey notes, ops as boxes labelled with the op and its attributes,
/// and each edge labelled with the shape and dtype flowing along it; the outputs are marked.
/// Render with <c>dot -Tsvg graph.dot -o graph.svg</c>.
/// </summary>
public static class GraphDot
{
    /// <summary>The DOT text of <paramref name="graph"/>.</summary>
    public static string Write(Graph graph, string name = "graph")
    {
        ArgumentNullException.ThrowIfNull(graph);
        var sb = new StringBuilder();
        sb.Append("digraph ").Append(Quote(name)).AppendLine(" {");
        sb.AppendLine("  rankdir=TB;");
        sb.AppendLine("  node [fontname=\"Helvetica\", fontsize=10];");
        sb.AppendLine("  edge [fontname=\"Helvetica\", fontsize=9];");
        foreach (var n in graph.Nodes)
        {
            string spec = $"{n.Spec.Shape} {n.Spec.DType.Name()}";
            string attrs = n.Kind switch
            {
                GraphNodeKind.Input => $"label={Quote($"{n.Name}\n{spec}")}, shape=ellipse, style=filled, fillcolor=\"#d5f5d5\"",
                GraphNodeKind.Variable => $"label={Quote($"{n.Name}\n{spec}")}, shape=box, style=\"filled,rounded\", fillcolor=\"#fff2b3\"",
                GraphNodeKind.Constant => $"label={Quote($"{n.Name}\n{spec}")}, shape=note, style=filled, fillcolor=\"#eeeeee\"",
                _ => $"label={Quote(n.Op!.ToString())}, shape=box",
            };
            sb.Append("  n").Append(n.Id).Append(" [").Append(attrs).AppendLine("];");
        }
        foreach (var n in graph.Nodes)
            foreach (var i in n.Inputs)
            {
                var from = graph.Nodes[i];
                sb.Append("  n").Append(i).Append(" -> n").Append(n.Id)
                  .Append(" [label=").Append(Quote($"{from.Spec.Shape} {from.Spec.DType.Name()}")).AppendLine("];");
            }
        for (int o = 0; o < graph.OutputIds.Count; o++)
        {
            var from = graph.Nodes[graph.OutputIds[o]];
            sb.Append("  out").Append(o).Append(" [label=").Append(Quote($"output {o}")).AppendLine(", shape=ellipse, style=filled, fillcolor=\"#d5e5f5\"];");
            sb.Append("  n").Append(from.Id).Append(" -> out").Append(o)
              .Append(" [label=").Append(Quote($"{from.Spec.Shape} {from.Spec.DType.Name()}")).AppendLine("];");
        }
        sb.AppendLine("}");
        return sb.ToString();
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"";
}
