using LayerGen.Callbacks;
using ScottPlot;
using SkiaSharp;

namespace LayerGen.Plotting;

/// <summary>
/// Draws a <see cref="History"/> (what <c>Fit</c> returns) as training curves: one panel per quantity (<c>loss</c>,
/// each metric, the learning rate when it was logged), the training curve and, when <c>Fit</c> validated, the
/// <c>val_</c> curve, against the epoch (counted from 1). The picture is SVG or PNG, drawn with ScottPlot on
/// SkiaSharp (its native library ships in the SkiaSharp package; text uses the system's fonts). Values that are not
/// finite (a loss that became NaN) are left out of the curve.
/// <code>
/// var history = model.Fit(x, y, epochs: 10, validationSplit: 0.1);
/// TrainingCurves.Save(history, "curves.svg");   // or history.PlotTo("curves.png")
/// </code>
/// </summary>
public static class TrainingCurves
{
    private const string ValidationPrefix = "val_";
    private static readonly string[] s_sansFonts = ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "Segoe UI"];
    private static readonly Lock s_fontLock = new();
    private static string? s_font;
    private static bool s_fontChosen;

    /// <summary>
    /// Writes the curves to <paramref name="path"/>: SVG for <c>.svg</c>, PNG for <c>.png</c> (other extensions are
    /// refused). Creates the folder when missing and returns the full path written.
    /// </summary>
    public static string Save(History history, string path, TrainingCurvesOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string ext = Path.GetExtension(full).ToLowerInvariant();
        if (ext is not (".svg" or ".png"))
            throw new ArgumentException($"Training curves are written as .svg or .png; '{path}' has {(ext.Length == 0 ? "no extension" : $"the extension {ext}")}.", nameof(path));
        if (Path.GetDirectoryName(full) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
        if (ext == ".svg") File.WriteAllText(full, ToSvg(history, options));
        else File.WriteAllBytes(full, ToPng(history, options));
        return full;
    }

    /// <summary>The curves as an SVG document.</summary>
    public static string ToSvg(History history, TrainingCurvesOptions? options = null)
    {
        using var figure = Figure.Create(history, options ?? new TrainingCurvesOptions());
        using var stream = new MemoryStream();
        using (var skStream = new SKManagedWStream(stream))
        using (var canvas = SKSvgCanvas.Create(SKRect.Create(figure.Width, figure.Height), skStream))
        {
            canvas.Clear(SKColors.White);
            figure.Multiplot.Render(canvas, new PixelRect(0, figure.Width, figure.Height, 0));
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The curves as PNG bytes.</summary>
    public static byte[] ToPng(History history, TrainingCurvesOptions? options = null)
    {
        using var figure = Figure.Create(history, options ?? new TrainingCurvesOptions());
        using var image = figure.Multiplot.Render(figure.Width, figure.Height);
        return image.GetImageBytes(ImageFormat.Png, 100);
    }

    /// <summary>One panel: its title and its curves (name, epochs, values).</summary>
    internal sealed record Panel(string Title, IReadOnlyList<(string Name, double[] Epochs, double[] Values)> Curves);

    /// <summary>The panels for <paramref name="history"/>: each training quantity with its <c>val_</c> twin.</summary>
    internal static List<Panel> Panels(History history, IReadOnlyList<string>? metrics)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Epoch.Count == 0 || history.Values.Count == 0)
            throw new ArgumentException("The history has no epochs to plot: it fills as Fit runs (Fit returns it).", nameof(history));
        var bases = new List<string>();
        foreach (var key in history.Values.Keys)
        {
            string b = key.StartsWith(ValidationPrefix, StringComparison.Ordinal) && key.Length > ValidationPrefix.Length ? key[ValidationPrefix.Length..] : key;
            if (!bases.Contains(b)) bases.Add(b);
        }
        if (metrics is not null)
        {
            if (metrics.Count == 0) throw new ArgumentException("Metrics is empty: name at least one quantity, or leave it null for all.", nameof(metrics));
            foreach (var m in metrics)
                if (!bases.Contains(m))
                    throw new ArgumentException($"The history has no '{m}'. It has: {string.Join(", ", history.Values.Keys)}.", nameof(metrics));
            bases = [.. metrics.Distinct(StringComparer.Ordinal)];
        }
        var panels = new List<Panel>();
        foreach (var b in bases)
        {
            var curves = new List<(string, double[], double[])>();
            foreach (var key in new[] { b, ValidationPrefix + b })
            {
                if (!history.Values.TryGetValue(key, out var values)) continue;
                var xs = new List<double>();
                var ys = new List<double>();
                // A key logged from some epoch on (or not every epoch) lines up with the last epochs recorded.
                int offset = history.Epoch.Count - values.Count;
                for (int i = 0; i < values.Count; i++)
                {
                    if (!double.IsFinite(values[i])) continue;
                    int epoch = offset + i >= 0 && offset + i < history.Epoch.Count ? history.Epoch[offset + i] : i;
                    xs.Add(epoch + 1);
                    ys.Add(values[i]);
                }
                curves.Add((key, xs.ToArray(), ys.ToArray()));
            }
            panels.Add(new Panel(b, curves));
        }
        return panels;
    }

    /// <summary>How many plots the figure for <paramref name="history"/> has (one per panel).</summary>
    internal static int PlotCount(History history, TrainingCurvesOptions? options = null)
    {
        using var figure = Figure.Create(history, options ?? new TrainingCurvesOptions());
        return figure.Multiplot.GetPlots().Length;
    }

    private sealed class Figure : IDisposable
    {
        private Figure(Multiplot multiplot, int width, int height) { Multiplot = multiplot; Width = width; Height = height; }

        public Multiplot Multiplot { get; }
        public int Width { get; }
        public int Height { get; }

        public static Figure Create(History history, TrainingCurvesOptions options)
        {
            if (options.Width < 0 || options.Height < 0) throw new ArgumentOutOfRangeException(nameof(options), "Width and Height must be positive (or 0 for the default).");
            if (options.MaxColumns < 1) throw new ArgumentOutOfRangeException(nameof(options), options.MaxColumns, "MaxColumns must be at least 1.");
            var panels = Panels(history, options.Metrics);
            int columns = Math.Min(options.MaxColumns, panels.Count);
            int rows = (panels.Count + columns - 1) / columns;
            int width = options.Width > 0 ? options.Width : 480 * columns;
            int height = options.Height > 0 ? options.Height : 360 * rows;
            var multiplot = new Multiplot();
            // A new Multiplot starts with one empty plot: the panels replace it.
            foreach (var empty in multiplot.GetPlots()) multiplot.RemovePlot(empty);
            multiplot.Layout = rows == 1 ? new ScottPlot.MultiplotLayouts.Columns() : new ScottPlot.MultiplotLayouts.Grid(rows, columns);
            string? font = SansFont();
            foreach (var panel in panels)
            {
                var plot = multiplot.AddPlot();
                if (font is not null) plot.Font.Set(font);
                plot.Title(panel.Title);
                plot.XLabel(options.XLabel);
                plot.YLabel(panel.Title);
                foreach (var (name, xs, ys) in panel.Curves)
                {
                    var curve = plot.Add.Scatter(xs, ys);
                    curve.LegendText = name;
                    curve.LineWidth = 2;
                    curve.MarkerSize = 5;
                }
                // Epochs are whole numbers: no tick between them.
                plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
                // Keep the legend off the curves' ends: low for rising curves (accuracy), high for falling ones (loss).
                var training = panel.Curves[0].Values;
                bool rising = training.Length > 1 && training[^1] > training[0];
                plot.ShowLegend(rising ? Alignment.LowerRight : Alignment.UpperRight);
            }
            return new Figure(multiplot, width, height);
        }

        public void Dispose()
        {
            foreach (var plot in Multiplot.GetPlots()) plot.Dispose();
        }
    }

    // ScottPlot's default family on Linux can fall back to a serif face; prefer a sans-serif family the system has.
    private static string? SansFont()
    {
        lock (s_fontLock)
        {
            if (!s_fontChosen)
            {
                s_font = s_sansFonts.FirstOrDefault(f => string.Equals(Fonts.GetTypeface(f, bold: false, italic: false)?.FamilyName, f, StringComparison.OrdinalIgnoreCase));
                s_fontChosen = true;
            }
            return s_font;
        }
    }
}
