using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace LayerGen.Callbacks;

/// <summary>
/// Keras 3's progress bar. On a terminal (verbose 1) one line redrawn in place:
/// <c>12/32 ━━━━━━━━━━━━━━━━━━━━ 0s 3ms/step - accuracy: 0.9100 - loss: 0.2300</c>; when the output is
/// redirected (<see cref="Console.IsOutputRedirected"/>, CI logs) and with verbose 2, only the final line.
/// Values print with 4 decimals (<c>e</c> notation below 1e-3), keys in alphabetical order.
/// </summary>
public sealed class Progbar
{
    private const int Width = 20;
    private readonly int? _target;
    private readonly int _verbose;
    private readonly bool _dynamic;
    private readonly TextWriter _out;
    private readonly string _unit;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _prevWidth;
    private double _lastUpdate = double.NegativeInfinity;

    /// <summary>Creates a bar for <paramref name="target"/> steps (null: unknown).</summary>
    public Progbar(int? target, int verbose = 1, TextWriter? output = null, bool? dynamicDisplay = null, string unitName = "step")
    {
        _target = target;
        _verbose = verbose;
        _out = output ?? Console.Out;
        _dynamic = dynamicDisplay ?? (output is null && !Console.IsOutputRedirected);
        _unit = unitName;
    }

    /// <summary>Shows progress at step <paramref name="current"/>; <paramref name="finalize"/> ends the line.</summary>
    public void Update(int current, IEnumerable<KeyValuePair<string, double>> values, bool finalize = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        double now = _clock.Elapsed.TotalSeconds;
        double timePerUnit = current > 0 ? now / current : 0;
        var metrics = new StringBuilder();
        foreach (var (k, v) in values.OrderBy(p => p.Key, StringComparer.Ordinal))
            metrics.Append(" - ").Append(k).Append(": ").Append(FormatValue(v));
        if (_verbose == 1)
        {
            if (!finalize && (!_dynamic || now - _lastUpdate < 0.05)) return;
            _lastUpdate = now;
            var bar = new StringBuilder();
            var plain = new StringBuilder();
            string count = _target is { } t ? Count(current, t) : current.ToString(CultureInfo.InvariantCulture).PadLeft(7) + "/Unknown";
            bar.Append(Bold(count)).Append(' ');
            plain.Append(count).Append(' ');
            if (_target is { } target)
            {
                int progWidth = (int)(Width * (double)current / target);
                progWidth = Math.Clamp(progWidth, 0, Width);
                if (progWidth > 0) bar.Append(Color("32", new string('━', progWidth)));
                bar.Append(Color("37", new string('━', Width - progWidth)));
                plain.Append(new string('━', Width));
            }
            string time;
            if (_target is { } tg && !finalize)
            {
                double eta = timePerUnit * (tg - current);
                time = eta > 3600 ? $"{(int)eta / 3600}:{(int)eta % 3600 / 60:00}:{(int)eta % 60:00}"
                    : eta > 60 ? $"{(int)eta / 60}:{(int)eta % 60:00}" : $"{(int)eta}s";
            }
            else time = $"{Math.Round(now).ToString("0", CultureInfo.InvariantCulture)}s";
            var info = " " + Bold(time) + FormatTime(timePerUnit, _unit) + metrics;
            var plainInfo = " " + time + FormatTime(timePerUnit, _unit) + metrics;
            int width = plain.Length + plainInfo.Length;
            var line = new StringBuilder();
            if (_dynamic) line.Append('\r');
            line.Append(bar).Append(info);
            if (_dynamic && _prevWidth > width) line.Append(' ', _prevWidth - width);
            _prevWidth = width;
            if (finalize) line.Append('\n');
            _out.Write(_dynamic ? line.ToString() : Strip(line.ToString()));
            _out.Flush();
        }
        else if (_verbose == 2 && finalize)
        {
            string count = _target is { } t ? Count(current, t) : current.ToString(CultureInfo.InvariantCulture);
            _out.Write($"{count} - {Math.Round(now).ToString("0", CultureInfo.InvariantCulture)}s -{FormatTime(timePerUnit, _unit)}{metrics}\n");
            _out.Flush();
        }
    }

    private string Bold(string s) => _dynamic ? $"\u001b[1m{s}\u001b[0m" : s;
    private string Color(string code, string s) => _dynamic ? $"\u001b[{code}m{s}\u001b[0m" : s;

    private static string Strip(string s)
    {
        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\u001b') { while (i < s.Length && s[i] != 'm') i++; continue; }
            sb.Append(s[i]);
        }
        return sb.ToString();
    }

    private static string Count(int current, int target)
    {
        int digits = (int)Math.Floor(Math.Log10(Math.Max(1, target))) + 1;
        return current.ToString(CultureInfo.InvariantCulture).PadLeft(digits) + "/" + target.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Keras's value format: 4 decimals, or <c>e</c> notation for magnitudes at most 1e-3.</summary>
    public static string FormatValue(double v)
        => Math.Abs(v) > 1e-3 || double.IsNaN(v) ? v.ToString("F4", CultureInfo.InvariantCulture)
            : v.ToString("0.0000e+00", CultureInfo.InvariantCulture);

    private static string FormatTime(double timePerUnit, string unit)
    {
        var c = CultureInfo.InvariantCulture;
        if (timePerUnit >= 1 || timePerUnit == 0) return $" {Math.Round(timePerUnit).ToString("0", c)}s/{unit}";
        if (timePerUnit >= 1e-3) return $" {Math.Round(timePerUnit * 1e3).ToString("0", c)}ms/{unit}";
        return $" {Math.Round(timePerUnit * 1e6).ToString("0", c)}us/{unit}";
    }
}

/// <summary>Prints <c>Epoch i/N</c> and a <see cref="Progbar"/> per epoch (added by <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c> when <c>verbose</c> is not 0).</summary>
public sealed class ProgbarLogger : Callback
{
    private Progbar? _bar;
    private bool _inFit;
    private int _seen;
    private readonly TextWriter? _output;

    /// <summary>Creates the logger (writing to <paramref name="output"/>, default the console).</summary>
    public ProgbarLogger(TextWriter? output = null) => _output = output;

    private int Verbose => Params.TryGetValue("verbose", out var v) ? v : 1;
    private int? Steps => Params.TryGetValue("steps", out var s) && s > 0 ? s : null;

    /// <inheritdoc/>
    public override void OnTrainBegin(IDictionary<string, double> logs) => _inFit = true;
    /// <inheritdoc/>
    public override void OnTrainEnd(IDictionary<string, double> logs) => _inFit = false;

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch, IDictionary<string, double> logs)
    {
        int epochs = Params.TryGetValue("epochs", out var e) ? e : 1;
        (_output ?? Console.Out).WriteLine($"Epoch {epoch + 1}/{epochs}");
        _bar = new Progbar(Steps, Verbose, _output);
        _seen = 0;
    }

    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, IDictionary<string, double> logs)
    {
        _seen = batch + 1;
        _bar?.Update(_seen, logs);
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        _bar?.Update(Steps ?? _seen, logs, finalize: true);
        _bar = null;
    }

    /// <inheritdoc/>
    public override void OnTestBegin(IDictionary<string, double> logs)
    {
        if (_inFit) return;
        _bar = new Progbar(Steps, Verbose, _output);
        _seen = 0;
    }

    /// <inheritdoc/>
    public override void OnTestBatchEnd(int batch, IDictionary<string, double> logs)
    {
        if (_inFit) return;
        _seen = batch + 1;
        _bar?.Update(_seen, logs);
    }

    /// <inheritdoc/>
    public override void OnTestEnd(IDictionary<string, double> logs)
    {
        if (_inFit) return;
        _bar?.Update(Steps ?? _seen, logs, finalize: true);
        _bar = null;
    }

    /// <inheritdoc/>
    public override void OnPredictBegin(IDictionary<string, double> logs)
    {
        _bar = new Progbar(Steps, Verbose, _output);
        _seen = 0;
    }

    /// <inheritdoc/>
    public override void OnPredictBatchEnd(int batch, IDictionary<string, double> logs)
    {
        _seen = batch + 1;
        _bar?.Update(_seen, logs);
    }

    /// <inheritdoc/>
    public override void OnPredictEnd(IDictionary<string, double> logs)
    {
        _bar?.Update(Steps ?? _seen, logs, finalize: true);
        _bar = null;
    }
}
