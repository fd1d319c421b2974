using System.Globalization;
using System.Text;
using LayerGen.Layers;

namespace LayerGen.Models;

public partial class Model
{
    /// <summary>
    /// Prints Keras 3's summary table (<c>Model: "sequential"</c>, the layers with their output shapes
    /// and parameter counts, then the totals) and returns it. <paramref name="lineLength"/> defaults as in
    /// Keras: 88 (108 with a "Connected to" column), at most the terminal width minus 4 (80 columns when
    /// output is redirected). <paramref name="print"/> defaults to <see cref="Console.Write(string)"/>.
    /// </summary>
    public string Summary(int? lineLength = null, Action<string>? print = null)
    {
        var text = ModelSummary.Render(this, lineLength);
        (print ?? Console.Write)(text);
        return text;
    }
}

/// <summary>Renders <see cref="Model.Summary"/> as Keras's <c>print_summary</c> does with rich.</summary>
internal static class ModelSummary
{
    public static string Render(Model model, int? lineLength)
    {
        IReadOnlyList<Layer> layers;
        bool sequentialLike = true;
        var graph = model.Graph;
        if (graph is not null)
        {
            layers = graph.Operations;
            sequentialLike = graph.IsSequentialLike();
        }
        else layers = model.Layers;

        int defaultLength = sequentialLike ? 88 : 108;
        double[] positions = sequentialLike ? [0.45, 0.80, 1.0] : [0.3, 0.56, 0.74, 1.0];
        string[] header = sequentialLike ? ["Layer (type)", "Output Shape", "Param #"] : ["Layer (type)", "Output Shape", "Param #", "Connected to"];
        bool[] right = sequentialLike ? [false, false, true] : [false, false, true, false];
        int length = lineLength ?? Math.Min(defaultLength, TerminalColumns() - 4);

        var widths = new List<int>();
        int current = 0;
        foreach (var p in positions)
        {
            int w = (int)(p * length) - current;
            if (w < 4) throw new ArgumentException("Insufficient console width to print summary.", nameof(lineLength));
            widths.Add(w);
            current += w;
        }
        var cellWidths = RichColumnWidths(widths, length);

        var rows = new List<string[]>();
        foreach (var layer in layers)
        {
            var fields = new List<string>
            {
                $"{layer.Name} ({TypeName(layer)})",
                OutputShape(layer),
                !layer.IsBuilt ? "0 (unbuilt)" : layer.CountParams().ToString("N0", CultureInfo.InvariantCulture),
            };
            if (!sequentialLike) fields.Add(Connections(layer, graph!));
            rows.Add([.. fields]);
        }

        var sb = new StringBuilder();
        sb.Append("Model: \"").Append(model.Name).Append("\"\n");
        RenderTable(sb, header, rows, cellWidths, right);

        long trainable = 0, nonTrainable = 0;
        double trainableBytes = 0, nonTrainableBytes = 0;
        foreach (var v in model.TrainableVariables) { trainable += v.Shape.Size; trainableBytes += (double)v.Shape.Size * v.DType.SizeInBytes(); }
        foreach (var v in model.NonTrainableVariables) { nonTrainable += v.Shape.Size; nonTrainableBytes += (double)v.Shape.Size * v.DType.SizeInBytes(); }
        sb.Append(" Total params: ").Append(Count(trainable + nonTrainable)).Append(" (").Append(ReadableSize(trainableBytes + nonTrainableBytes)).Append(")\n");
        sb.Append(" Trainable params: ").Append(Count(trainable)).Append(" (").Append(ReadableSize(trainableBytes)).Append(")\n");
        sb.Append(" Non-trainable params: ").Append(Count(nonTrainable)).Append(" (").Append(ReadableSize(nonTrainableBytes)).Append(")\n");
        return sb.ToString();
    }

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string TypeName(Layer layer) => layer is Model { IsFunctional: true } && layer.GetType() == typeof(Model) ? "Functional" : layer.GetType().Name;

    private static int TerminalColumns()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var c) && c > 0) return c;
        try
        {
            if (!Console.IsOutputRedirected && Console.WindowWidth > 0) return Console.WindowWidth;
        }
        catch (IOException) { }
        catch (PlatformNotSupportedException) { }
        return 80;
    }

    /// <summary>Keras's <c>readable_memory_size</c>.</summary>
    internal static string ReadableSize(double bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB", "PB"];
        foreach (var unit in units)
        {
            if (bytes / 1024 < 1) return bytes.ToString("F2", CultureInfo.InvariantCulture) + " " + unit;
            bytes /= 1024;
        }
        return bytes.ToString("F2", CultureInfo.InvariantCulture) + " PB";
    }

    private static string FormatShape(Shape s)
        => "(" + string.Join(", ", s.ToArray().Select(d => d == Shape.Unknown ? "None" : d.ToString(CultureInfo.InvariantCulture))) + ")";

    private static string OutputShape(Layer layer)
    {
        IReadOnlyList<Shape>? shapes = null;
        if (layer.InboundNodes.Count > 0) shapes = layer.InboundNodes[^1].Outputs.Select(o => o.Shape).ToList();
        else if (layer.OutputShapes is { } s) shapes = s;
        if (shapes is null || shapes.Count == 0) return "?";
        if (shapes.Count == 1) return FormatShape(shapes[0]);
        return "[" + string.Join(", ", shapes.Select(FormatShape)) + "]";
    }

    private static string Connections(Layer layer, FunctionalGraph graph)
    {
        var parts = new List<string>();
        foreach (var node in layer.InboundNodes)
        {
            if (!graph.NodeSet.Contains(node)) continue;
            foreach (var t in node.InputTensors)
                foreach (var h in Producers(t))
                    parts.Add($"{h.Layer.Name}[{h.NodeIndex}][{h.TensorIndex}]");
        }
        return parts.Count == 0 ? "-" : string.Join(", ", parts);
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

    // rich.Table: each requested width plus 2 of padding, reduced together (ratio_reduce) to fit the
    // table width minus the borders.
    private static int[] RichColumnWidths(List<int> requested, int tableWidth)
    {
        int n = requested.Count;
        int max = tableWidth - (n + 1);
        var widths = requested.Select(w => w + 2).ToArray();
        int total = widths.Sum();
        if (total > max)
        {
            int excess = total - max;
            int totalRatio = n;
            int remaining = excess;
            for (int i = 0; i < n; i++)
            {
                int distributed = Math.Min(widths[i], (int)Math.Round((double)remaining / totalRatio, MidpointRounding.ToEven));
                widths[i] -= distributed;
                remaining -= distributed;
                totalRatio -= 1;
            }
        }
        return widths;
    }

    private static void RenderTable(StringBuilder sb, string[] header, List<string[]> rows, int[] widths, bool[] right)
    {
        void Rule(char left, char fill, char cross, char end)
        {
            sb.Append(left);
            for (int i = 0; i < widths.Length; i++)
            {
                sb.Append(fill, widths[i]);
                sb.Append(i == widths.Length - 1 ? end : cross);
            }
            sb.Append('\n');
        }

        void Row(string[] cells, char border)
        {
            var wrapped = cells.Select((c, i) => Wrap(c, widths[i] - 2)).ToArray();
            int height = wrapped.Max(w => w.Count);
            for (int line = 0; line < height; line++)
            {
                sb.Append(border);
                for (int i = 0; i < widths.Length; i++)
                {
                    string text = line < wrapped[i].Count ? wrapped[i][line] : "";
                    int pad = widths[i] - 2 - text.Length;
                    sb.Append(' ');
                    if (right[i]) sb.Append(' ', pad).Append(text);
                    else sb.Append(text).Append(' ', pad);
                    sb.Append(' ').Append(border);
                }
                sb.Append('\n');
            }
        }

        Rule('┏', '━', '┳', '┓');
        Row(header, '┃');
        Rule('┡', '━', '╇', '┩');
        for (int r = 0; r < rows.Count; r++)
        {
            Row(rows[r], '│');
            if (r < rows.Count - 1) Rule('├', '─', '┼', '┤');
        }
        Rule('└', '─', '┴', '┘');
    }

    // rich's divide_line without folding, then truncation with an ellipsis (the column overflow).
    internal static List<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        var words = System.Text.RegularExpressions.Regex.Matches(text, @"\s*\S+\s*");
        var line = new StringBuilder();
        foreach (System.Text.RegularExpressions.Match m in words)
        {
            string word = m.Value;
            int wordLength = word.TrimEnd().Length;
            if (width - line.Length >= wordLength) line.Append(word);
            else
            {
                if (line.Length > 0) lines.Add(line.ToString());
                line.Clear().Append(word);
            }
        }
        if (line.Length > 0 || lines.Count == 0) lines.Add(line.ToString());
        for (int i = 0; i < lines.Count; i++)
        {
            var l = lines[i].TrimEnd();
            if (l.Length > width) l = width <= 1 ? "…" : l[..(width - 1)] + "…";
            lines[i] = l;
        }
        return lines;
    }
}
