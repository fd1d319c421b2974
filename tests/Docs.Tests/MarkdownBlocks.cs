using System.Text.RegularExpressions;

namespace LayerGen.Docs.Tests;

/// <summary>
/// Reads the fenced C# blocks of a Markdown file and the <c>&lt;!-- compile ... --&gt;</c> marker that may end on
/// the line right before a block's fence (docs/design/writing-docs.md).
/// </summary>
public static partial class MarkdownBlocks
{
    /// <summary>The info strings of a C# fence.</summary>
    private static readonly HashSet<string> CSharp = new(StringComparer.OrdinalIgnoreCase) { "csharp", "cs", "c#" };

    /// <summary>The line a hidden block of the marker is replaced by (else the hidden lines come first).</summary>
    public const string BlockPlaceholder = "{{block}}";

    /// <summary>The C# blocks of <paramref name="text"/>, the content of <paramref name="file"/>.</summary>
    /// <exception cref="FormatException">A marker is malformed, not followed by a C# block, or a fence is not closed.</exception>
    public static List<DocBlock> Read(string file, string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var blocks = new List<DocBlock>();
        Marker? pending = null;
        for (int i = 0; i < lines.Length; i++)
        {
            string trimmed = lines[i].TrimStart();
            if (trimmed.StartsWith("<!-- compile", StringComparison.Ordinal))
            {
                if (pending is not null) throw new FormatException($"{file}:{pending.Line}: a compile marker not followed by a C# block");
                pending = ReadMarker(file, lines, ref i);
                if (lines.Length <= i + 1 || !lines[i + 1].TrimStart().StartsWith("```", StringComparison.Ordinal))
                    throw new FormatException($"{file}:{pending.Line}: a compile marker must end on the line right before a C# block's fence");
                continue;
            }
            if (!trimmed.StartsWith("```", StringComparison.Ordinal)) continue;

            int indent = lines[i].Length - trimmed.Length;
            string info = trimmed.TrimStart('`').Trim();
            string language = info.Split(' ', 2)[0];
            int open = i;
            var code = new List<SourceLine>();
            for (i++; ; i++)
            {
                if (i >= lines.Length) throw new FormatException($"{file}:{open + 1}: a code fence is not closed");
                if (lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal)) break;
                string line = lines[i];
                int strip = Math.Min(indent, line.Length - line.TrimStart().Length);
                code.Add(new SourceLine(line[strip..], i + 1));
            }
            if (!CSharp.Contains(language))
            {
                if (pending is not null) throw new FormatException($"{file}:{pending.Line}: a compile marker before a block that is not C# ({language})");
                continue;
            }
            var marker = pending ?? new Marker(open + 1, DocBlockMode.Program, [], null, []);
            pending = null;
            blocks.Add(new DocBlock(file, open + 1, blocks.Count, marker.Mode, marker.Expected, marker.SkipReason,
                Assemble(file, marker, code), marker.Hidden.Any(l => l.Text.Trim() == BlockPlaceholder) ? 0 : marker.Hidden.Count,
                marker.Line, i + 1));
        }
        if (pending is not null) throw new FormatException($"{file}:{pending.Line}: a compile marker not followed by a C# block");
        return blocks;
    }

    private sealed record Marker(int Line, DocBlockMode Mode, string[] Expected, string? SkipReason, List<SourceLine> Hidden);

    private static Marker ReadMarker(string file, string[] lines, ref int i)
    {
        int start = i;
        string first = lines[i].TrimStart()["<!-- compile".Length..];
        var hidden = new List<SourceLine>();
        bool closed = first.TrimEnd().EndsWith("-->", StringComparison.Ordinal);
        if (closed) first = first.TrimEnd()[..^3];
        while (!closed)
        {
            if (++i >= lines.Length) throw new FormatException($"{file}:{start + 1}: a compile marker is not closed with -->");
            string line = lines[i];
            if (line.TrimEnd().EndsWith("-->", StringComparison.Ordinal))
            {
                closed = true;
                line = line.TrimEnd()[..^3];
                if (line.Trim().Length == 0) break;
            }
            hidden.Add(new SourceLine(line, i + 1));
        }

        string head = first.Trim();
        if (head.Length == 0) return new Marker(start + 1, DocBlockMode.Program, [], null, hidden);
        if (!head.StartsWith(':')) throw new FormatException($"{file}:{start + 1}: expected '<!-- compile: mode', found '<!-- compile{first}'");
        head = head[1..].Trim();
        var words = head.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        switch (words.Length == 0 ? "" : words[0])
        {
            case "":
                return new Marker(start + 1, DocBlockMode.Program, [], null, hidden);
            case "expect":
                if (words.Length < 2 || words.Skip(1).Any(w => !DiagnosticId().IsMatch(w)))
                    throw new FormatException($"{file}:{start + 1}: 'expect' takes diagnostic ids (LG0001 CS0103 ...): '{head}'");
                return new Marker(start + 1, DocBlockMode.Expect, [.. words.Skip(1)], null, hidden);
            case "generated":
                if (words.Length > 1) throw new FormatException($"{file}:{start + 1}: 'generated' takes no argument: '{head}'");
                return new Marker(start + 1, DocBlockMode.Generated, [], null, hidden);
            case "skip:":
                string reason = head["skip:".Length..].Trim();
                if (reason.Length == 0) throw new FormatException($"{file}:{start + 1}: 'skip:' needs a reason");
                if (hidden.Count > 0) throw new FormatException($"{file}:{start + 1}: a skipped block has no hidden code");
                return new Marker(start + 1, DocBlockMode.Skip, [], reason, hidden);
            default:
                throw new FormatException($"{file}:{start + 1}: unknown compile mode '{words[0]}' (expect, generated, skip: reason)");
        }
    }

    /// <summary>The hidden lines, then the block; or the hidden lines with the block in place of <see cref="BlockPlaceholder"/>.</summary>
    private static List<SourceLine> Assemble(string file, Marker marker, List<SourceLine> code)
    {
        int at = marker.Hidden.FindIndex(l => l.Text.Trim() == BlockPlaceholder);
        if (at < 0) return [.. marker.Hidden, .. code];
        if (marker.Hidden.FindLastIndex(l => l.Text.Trim() == BlockPlaceholder) != at)
            throw new FormatException($"{file}:{marker.Line}: {BlockPlaceholder} appears more than once");
        return [.. marker.Hidden.Take(at), .. code, .. marker.Hidden.Skip(at + 1)];
    }

    [GeneratedRegex("^[A-Z]{2,}[0-9]{4}$")]
    private static partial Regex DiagnosticId();
}
