using System.Globalization;

namespace LayerGen.Datasets;

/// <summary>
/// Reads a CSV file of numbers one line at a time (a pipeline holds one row, not the file): an optional header
/// line of column names, then rows of the same number of fields, each a number in invariant culture (optionally in
/// double quotes; an empty field is refused, not guessed). Blank lines are skipped. A row with the wrong number of
/// fields, a field that is not a number, or a line longer than <see cref="MaximumLineLength"/> characters is a
/// <see cref="DatasetFormatException"/> naming the file, the line and the column.
/// </summary>
internal sealed class CsvRows : IDisposable
{
    /// <summary>The longest line accepted.</summary>
    public const int MaximumLineLength = 1 << 20;

    private readonly StreamReader _reader;
    private readonly string _path;
    private readonly char _delimiter;
    private readonly char[] _line = new char[4096];
    private int _lineNumber;

    private CsvRows(string path, StreamReader reader, char delimiter)
    {
        _path = path; _reader = reader; _delimiter = delimiter;
    }

    /// <summary>The column names from the header line, or null when the file has none.</summary>
    public IReadOnlyList<string>? ColumnNames { get; private set; }

    /// <summary>The number of fields per row (known after the header or the first row).</summary>
    public int Columns { get; private set; } = -1;

    /// <summary>The 1-based number of the line read last.</summary>
    public int LineNumber => _lineNumber;

    /// <summary>Opens <paramref name="path"/>; reads the header line when <paramref name="header"/> is true, else the column count from the first row.</summary>
    public static CsvRows Open(string path, bool header, char delimiter = ',')
    {
        ArgumentNullException.ThrowIfNull(path);
        var reader = new StreamReader(path, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var rows = new CsvRows(path, reader, delimiter);
        try
        {
            if (header)
            {
                var line = rows.NextLine() ?? throw new DatasetFormatException(path, "the CSV file is empty: no header line.");
                var names = line.ToString().Split(delimiter).Select(n => n.Trim().Trim('"')).ToArray();
                rows.ColumnNames = names;
                rows.Columns = names.Length;
            }
            return rows;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>The index of column <paramref name="name"/> (from the header).</summary>
    public int IndexOf(string name)
    {
        var names = ColumnNames ?? throw new ArgumentException($"{_path}: the CSV file has no header, so column \"{name}\" cannot be found; pass a column index.", nameof(name));
        for (int i = 0; i < names.Count; i++) if (names[i] == name) return i;
        throw new ArgumentException($"{_path}: no column \"{name}\" (the columns are {string.Join(", ", names)}).", nameof(name));
    }

    /// <summary>Reads the next row into a new array of <see cref="Columns"/> values; null at the end of the file.</summary>
    public float[]? ReadRow()
    {
        var line = NextLine();
        if (line is null) return null;
        var span = line.Value.Span;
        int fields = 1;
        foreach (char c in span) if (c == _delimiter) fields++;
        if (Columns < 0) Columns = fields;
        if (fields != Columns)
            throw new DatasetFormatException(_path, $"line {_lineNumber} has {fields} fields, expected {Columns}.");
        var values = new float[fields];
        int column = 0;
        while (true)
        {
            int end = span.IndexOf(_delimiter);
            var field = (end < 0 ? span : span[..end]).Trim();
            if (field.Length >= 2 && field[0] == '"' && field[^1] == '"') field = field[1..^1].Trim();
            if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out values[column]))
                throw new DatasetFormatException(_path, $"line {_lineNumber}, column {column + 1}{ColumnName(column)}: \"{Shorten(field)}\" is not a number.");
            if (end < 0) break;
            span = span[(end + 1)..];
            column++;
        }
        return values;
    }

    private string ColumnName(int column) => ColumnNames is { } n && column < n.Count ? $" ({n[column]})" : "";

    private static string Shorten(ReadOnlySpan<char> s) => s.Length <= 40 ? s.ToString() : s[..40].ToString() + "...";

    /// <summary>The next non-blank line, read into a reused buffer of at most <see cref="MaximumLineLength"/> characters.</summary>
    private ReadOnlyMemory<char>? NextLine()
    {
        var buffer = _line;
        while (true)
        {
            int length = 0, c;
            bool any = false;
            while ((c = _reader.Read()) >= 0)
            {
                any = true;
                if (c == '\n') break;
                if (length == MaximumLineLength)
                    throw new DatasetFormatException(_path, $"line {_lineNumber + 1} is longer than {MaximumLineLength} characters.");
                if (length == buffer.Length) Array.Resize(ref buffer, Math.Min(MaximumLineLength, buffer.Length * 2));
                buffer[length++] = (char)c;
            }
            if (!any) return null;
            _lineNumber++;
            if (length > 0 && buffer[length - 1] == '\r') length--;
            if (buffer.AsSpan(0, length).Trim().Length == 0) { if (c < 0) return null; continue; }
            return buffer.AsMemory(0, length);
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _reader.Dispose();
}
