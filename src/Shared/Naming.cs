using System.Text;

namespace LayerGen.SourceGeneration;

/// <summary>The naming rules shared by the generators and the analyzers.</summary>
internal static class Naming
{
    /// <summary>
    /// Keras's <c>to_snake_case</c>: <c>SimpleModule</c> to <c>simple_module</c>, <c>AVariable</c> to
    /// <c>a_variable</c>, <c>HTTPServer</c> to <c>http_server</c>, <c>Conv2DTranspose</c> to <c>conv2d_transpose</c>.
    /// </summary>
    public static string ToSnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (i > 0 && char.IsUpper(c) && name[i - 1] != '_')
            {
                bool nextIsLower = i + 1 < name.Length && char.IsLower(name[i + 1]);
                bool previousIsLower = char.IsLower(name[i - 1]);
                if (nextIsLower || previousIsLower) sb.Append('_');
            }
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    /// <summary>
    /// A member's path segment: its name without a leading <c>_</c> or <c>m_</c>, in snake_case
    /// (<c>_denseLayers</c> to <c>dense_layers</c>, <c>AVariable</c> to <c>a_variable</c>).
    /// </summary>
    public static string MemberPathSegment(string memberName)
    {
        string name = memberName;
        if (name.StartsWith("m_", StringComparison.Ordinal) && name.Length > 2) name = name.Substring(2);
        string trimmed = name.TrimStart('_');
        if (trimmed.Length > 0) name = trimmed;
        return ToSnakeCase(name);
    }

    /// <summary>A C# string literal for <paramref name="value"/>, escaped.</summary>
    public static string StringLiteral(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\0': sb.Append("\\0"); break;
                default:
                    if (char.IsControl(c)) sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
