using System.Globalization;

namespace LayerGen.Datasets;

/// <summary>
/// Parses the header of a <c>.npy</c> file: the Python dictionary literal NumPy writes,
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (3, 4), }</c>, padded with spaces and a newline.
/// Only that grammar is accepted (string, boolean and tuple-of-integers values; the three keys once each);
/// nothing is evaluated.
/// </summary>
internal static class NpyHeader
{
    /// <summary>The largest number of dimensions accepted.</summary>
    public const int MaximumRank = 32;

    public static (string Descr, bool FortranOrder, int[] Shape) Parse(string text, string path)
    {
        int at = 0;
        string? descr = null;
        bool? fortran = null;
        int[]? shape = null;
        SkipSpace(text, ref at);
        Expect(text, ref at, '{', path);
        while (true)
        {
            SkipSpace(text, ref at);
            if (Peek(text, at) == '}') { at++; break; }
            string key = ReadString(text, ref at, path);
            SkipSpace(text, ref at);
            Expect(text, ref at, ':', path);
            SkipSpace(text, ref at);
            switch (key)
            {
                case "descr" when descr is null: descr = ReadString(text, ref at, path); break;
                case "fortran_order" when fortran is null: fortran = ReadBool(text, ref at, path); break;
                case "shape" when shape is null: shape = ReadShape(text, ref at, path); break;
                default: throw Bad(path, $"unexpected or repeated key '{key}' in the .npy header.");
            }
            SkipSpace(text, ref at);
            char c = Peek(text, at);
            if (c == ',') { at++; continue; }
            if (c == '}') { at++; break; }
            throw Bad(path, $"expected ',' or '}}' at offset {at} of the .npy header.");
        }
        SkipSpace(text, ref at);
        if (at != text.Length) throw Bad(path, $"the .npy header goes on after its dictionary (offset {at}).");
        if (descr is null || fortran is null || shape is null)
            throw Bad(path, "the .npy header lacks one of 'descr', 'fortran_order', 'shape'.");
        return (descr, fortran.Value, shape);
    }

    private static DatasetFormatException Bad(string path, string message) => new(path, message);

    private static char Peek(string text, int at) => at < text.Length ? text[at] : '\0';

    private static void SkipSpace(string text, ref int at)
    {
        while (at < text.Length && text[at] is ' ' or '\n' or '\t' or '\r') at++;
    }

    private static void Expect(string text, ref int at, char c, string path)
    {
        if (Peek(text, at) != c) throw Bad(path, $"expected '{c}' at offset {at} of the .npy header.");
        at++;
    }

    private static string ReadString(string text, ref int at, string path)
    {
        char quote = Peek(text, at);
        if (quote is not ('\'' or '"')) throw Bad(path, $"expected a quoted string at offset {at} of the .npy header.");
        int end = text.IndexOf(quote, at + 1);
        if (end < 0 || end - at > 256) throw Bad(path, $"unterminated or overlong string at offset {at} of the .npy header.");
        string s = text[(at + 1)..end];
        if (s.Contains('\\', StringComparison.Ordinal)) throw Bad(path, $"escapes are not accepted in the .npy header (offset {at}).");
        at = end + 1;
        return s;
    }

    private static bool ReadBool(string text, ref int at, string path)
    {
        if (string.CompareOrdinal(text, at, "True", 0, 4) == 0) { at += 4; return true; }
        if (string.CompareOrdinal(text, at, "False", 0, 5) == 0) { at += 5; return false; }
        throw Bad(path, $"expected True or False at offset {at} of the .npy header.");
    }

    private static int[] ReadShape(string text, ref int at, string path)
    {
        Expect(text, ref at, '(', path);
        var dims = new List<int>();
        while (true)
        {
            SkipSpace(text, ref at);
            if (Peek(text, at) == ')') { at++; break; }
            int start = at;
            while (at < text.Length && char.IsAsciiDigit(text[at])) at++;
            if (at == start) throw Bad(path, $"expected a dimension at offset {start} of the .npy header.");
            if (at - start > 10 || !int.TryParse(text.AsSpan(start, at - start), NumberStyles.None, CultureInfo.InvariantCulture, out int d))
                throw Bad(path, $"dimension {text[start..at]} in the .npy header is larger than {int.MaxValue}.");
            if (dims.Count == MaximumRank) throw Bad(path, $"the .npy shape has more than {MaximumRank} dimensions.");
            dims.Add(d);
            SkipSpace(text, ref at);
            char c = Peek(text, at);
            if (c == ',') { at++; continue; }
            if (c == ')') { at++; break; }
            throw Bad(path, $"expected ',' or ')' at offset {at} of the .npy header.");
        }
        return [.. dims];
    }
}
