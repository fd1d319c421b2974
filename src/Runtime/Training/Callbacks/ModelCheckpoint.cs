using System.Globalization;

namespace LayerGen.Callbacks;

/// <summary>
/// Saves a LayerGen checkpoint of the model and its optimizer (<c>{"model", "optimizer"}</c>) after each epoch
/// (Keras's <c>ModelCheckpoint</c>). <c>filepath</c> may hold <c>{epoch}</c>, <c>{epoch:02d}</c> (1-based) and
/// log keys such as <c>{val_loss:.2f}</c>. With <c>saveBestOnly</c> it saves only when <c>monitor</c> improves.
/// </summary>
public sealed class ModelCheckpoint(string filepath, string monitor = "val_loss", int verbose = 0, bool saveBestOnly = false, string mode = "auto",
    double? initialValueThreshold = null) : Callback
{
    private readonly bool _max = IsMaxMode(mode, monitor);
    private double _best = initialValueThreshold ?? (IsMaxMode(mode, monitor) ? double.NegativeInfinity : double.PositiveInfinity);

    /// <summary>The paths written, in order.</summary>
    public List<string> Saved { get; } = [];

    /// <summary>The best monitored value so far.</summary>
    public double Best => _best;

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        var path = FormatPath(filepath, epoch + 1, logs);
        if (saveBestOnly)
        {
            if (!logs.TryGetValue(monitor, out var current))
            {
                Console.WriteLine($"Can save best model only with {monitor} available, skipping.");
                return;
            }
            bool better = _max ? current > _best : current < _best;
            if (!better)
            {
                if (verbose > 0) Console.WriteLine($"\nEpoch {epoch + 1}: {monitor} did not improve from {Format(_best)}");
                return;
            }
            if (verbose > 0) Console.WriteLine($"\nEpoch {epoch + 1}: {monitor} improved from {Format(_best)} to {Format(current)}, saving model to {path}");
            _best = current;
        }
        else if (verbose > 0) Console.WriteLine($"\nEpoch {epoch + 1}: saving model to {path}");
        var model = RequireModel();
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        var checkpoint = new Checkpoint { ["model"] = model };
        if (model.Optimizer is { } opt) checkpoint["optimizer"] = opt;
        checkpoint.Write(path);
        Saved.Add(path);
    }

    internal static string FormatPath(string template, int epoch, IDictionary<string, double> logs)
    {
        var sb = new System.Text.StringBuilder();
        int i = 0;
        while (i < template.Length)
        {
            int open = template.IndexOf('{', i);
            if (open < 0) { sb.Append(template, i, template.Length - i); break; }
            int close = template.IndexOf('}', open);
            if (close < 0) { sb.Append(template, i, template.Length - i); break; }
            sb.Append(template, i, open - i);
            var spec = template[(open + 1)..close];
            int colon = spec.IndexOf(':');
            string key = colon < 0 ? spec : spec[..colon], fmt = colon < 0 ? "" : spec[(colon + 1)..];
            double value = key == "epoch" ? epoch : logs.TryGetValue(key, out var v) ? v : double.NaN;
            sb.Append(FormatPython(value, fmt));
            i = close + 1;
        }
        return sb.ToString();
    }

    private static string FormatPython(double value, string fmt)
    {
        var c = CultureInfo.InvariantCulture;
        if (fmt.Length == 0) return value == Math.Floor(value) && Math.Abs(value) < 1e15 ? ((long)value).ToString(c) : value.ToString("R", c);
        if (fmt.EndsWith('d')) return ((long)value).ToString("D" + (fmt.Length > 1 ? int.Parse(fmt[..^1].TrimStart('0').PadLeft(1, '0'), c) : 0), c);
        if (fmt.EndsWith('f')) return value.ToString("F" + (fmt.StartsWith('.') ? fmt[1..^1] : "6"), c);
        if (fmt.EndsWith('e')) return value.ToString((fmt.StartsWith('.') ? "0." + new string('0', int.Parse(fmt[1..^1], c)) : "0.000000") + "e+00", c);
        return value.ToString(c);
    }
}
