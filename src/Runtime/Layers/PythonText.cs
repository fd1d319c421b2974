using System.Globalization;

namespace LayerGen.Layers;

/// <summary>How Python prints a value, for error messages written in Keras's words (<c>Received: rate=1.5</c>).</summary>
internal static class PythonText
{
    /// <summary>A float as Python's <c>repr</c>: <c>1.0</c>, <c>0.25</c>, <c>-3.0</c>, <c>nan</c>, <c>inf</c>.</summary>
    public static string Number(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0";
    }

    /// <summary>A list of integers as Python prints a tuple: <c>(1, 2)</c>, <c>(1,)</c>.</summary>
    public static string Tuple(IReadOnlyList<int> values)
        => values.Count == 1 ? $"({values[0]},)" : "(" + string.Join(", ", values) + ")";
}
