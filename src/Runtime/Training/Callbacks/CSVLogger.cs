using System.Globalization;

namespace LayerGen.Callbacks;

/// <summary>Streams epoch results to a CSV file: a header <c>epoch,&lt;keys sorted&gt;</c>, then one row per epoch (Keras's <c>CSVLogger</c>).</summary>
public sealed class CSVLogger(string filename, string separator = ",", bool append = false) : Callback
{
    private StreamWriter? _writer;
    private List<string>? _keys;

    /// <summary>The file written.</summary>
    public string Filename { get; } = filename;

    /// <inheritdoc/>
    public override void OnTrainBegin(IDictionary<string, double> logs)
    {
        bool hasHeader = append && File.Exists(Filename) && new FileInfo(Filename).Length > 0;
        _writer = new StreamWriter(Filename, append) { NewLine = "\n" };
        if (hasHeader) _keys = null;
        _appendingToExisting = hasHeader;
    }

    private bool _appendingToExisting;

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (_writer is null) return;
        if (_keys is null)
        {
            _keys = logs.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
            if (!_appendingToExisting) _writer.WriteLine(string.Join(separator, new[] { "epoch" }.Concat(_keys)));
        }
        var row = new List<string> { epoch.ToString(CultureInfo.InvariantCulture) };
        foreach (var k in _keys) row.Add(logs.TryGetValue(k, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : "NA");
        _writer.WriteLine(string.Join(separator, row));
        _writer.Flush();
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(IDictionary<string, double> logs)
    {
        _writer?.Dispose();
        _writer = null;
        _keys = null;
    }
}
