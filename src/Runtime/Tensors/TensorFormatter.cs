using System.Globalization;
using System.Text;

namespace LayerGen.Tensors;

/// <summary>Formats tensor values the way NumPy and TensorFlow print them.</summary>
internal static class TensorFormatter
{
    private const int SummarizeOver = 1000;
    private const int EdgeItems = 3;

    /// <summary>NumPy-style values: <c>[[1. 2.]\n [3. 4.]]</c>; <paramref name="indent"/> is the column the text starts at.</summary>
    public static string FormatValues(Tensor t, int indent)
    {
        if (t.IsSymbolic) return "<symbolic>";
        int n = t.Size;
        var cells = new string[n];
        bool summarize = n > SummarizeOver;
        switch (t.DType)
        {
            case DType.Float32: FormatFloats(t.AsSpan<float>().ToArray().Select(v => (double)v).ToArray(), cells, scalar: t.Rank == 0, single: true); break;
            case DType.Float64: FormatFloats(t.AsSpan<double>().ToArray(), cells, scalar: t.Rank == 0, single: false); break;
            case DType.Int32: { var s = t.AsSpan<int>(); for (int i = 0; i < n; i++) cells[i] = s[i].ToString(CultureInfo.InvariantCulture); break; }
            case DType.Int64: { var s = t.AsSpan<long>(); for (int i = 0; i < n; i++) cells[i] = s[i].ToString(CultureInfo.InvariantCulture); break; }
            case DType.Bool: { var s = t.AsSpan<bool>(); for (int i = 0; i < n; i++) cells[i] = s[i] ? "True" : "False"; break; }
        }
        if (t.Rank == 0) return cells[0];
        if (t.DType.IsFloating()) AlignDecimalPoints(cells);
        int width = 0;
        foreach (var c in cells) width = Math.Max(width, c.Length);
        var sb = new StringBuilder();
        var dims = t.Shape.ToArray();
        var strides = t.Shape.Strides();
        Write(sb, cells, dims, strides, 0, 0, width, indent, summarize);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, string[] cells, int[] dims, int[] strides, int axis, int offset, int width, int indent, bool summarize)
    {
        sb.Append('[');
        int d = dims[axis];
        bool last = axis == dims.Length - 1;
        for (int i = 0; i < d; i++)
        {
            if (summarize && d > 2 * EdgeItems && i == EdgeItems)
            {
                sb.Append(last ? "..." : "...");
                i = d - EdgeItems - 1;
                if (last) sb.Append(' ');
                else sb.Append('\n').Append(' ', indent + axis + 1);
                continue;
            }
            if (last)
            {
                if (i > 0) sb.Append(' ');
                sb.Append(cells[offset + i].PadLeft(width));
            }
            else
            {
                if (i > 0)
                {
                    sb.Append('\n', dims.Length - axis - 1);
                    sb.Append(' ', indent + axis + 1);
                }
                Write(sb, cells, dims, strides, axis + 1, offset + i * strides[axis], width, indent, summarize);
            }
        }
        sb.Append(']');
    }

    /// <summary>NumPy pads fractions on the right so decimal points line up: <c>[-0.6405387  -0.4507786 ]</c>.</summary>
    private static void AlignDecimalPoints(string[] cells)
    {
        int frac = 0;
        foreach (var c in cells)
        {
            int dot = c.IndexOf('.');
            if (dot >= 0 && c.IndexOf('e') < 0) frac = Math.Max(frac, c.Length - dot - 1);
        }
        for (int i = 0; i < cells.Length; i++)
        {
            var c = cells[i];
            int dot = c.IndexOf('.');
            if (dot < 0 || c.IndexOf('e') >= 0) continue;
            cells[i] = c.PadRight(dot + 1 + frac);
        }
    }

    private static void FormatFloats(double[] values, string[] cells, bool scalar, bool single)
    {
        bool allIntegral = true;
        double maxAbs = 0;
        foreach (var v in values)
        {
            if (double.IsFinite(v)) { allIntegral &= v == Math.Floor(v); maxAbs = Math.Max(maxAbs, Math.Abs(v)); }
        }
        bool scientific = maxAbs >= 1e16 || (maxAbs > 0 && maxAbs < 1e-4);
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            string s;
            if (double.IsNaN(v)) s = "nan";
            else if (double.IsPositiveInfinity(v)) s = "inf";
            else if (double.IsNegativeInfinity(v)) s = "-inf";
            else if (scientific) s = v.ToString("0.#######e+00", CultureInfo.InvariantCulture);
            else if (allIntegral) s = scalar ? v.ToString("0.0", CultureInfo.InvariantCulture) : v.ToString("0", CultureInfo.InvariantCulture) + ".";
            else
            {
                // shortest round-trip text of the stored precision, at most 8 decimals, as NumPy prints
                s = single ? ((float)Math.Round(v, 8)).ToString(CultureInfo.InvariantCulture) : Math.Round(v, 8).ToString(CultureInfo.InvariantCulture);
                if (s.Contains('E', StringComparison.Ordinal)) s = Math.Round(v, 8).ToString("0.########", CultureInfo.InvariantCulture);
                if (!s.Contains('.', StringComparison.Ordinal)) s += ".";
            }
            cells[i] = s;
        }
    }
}
