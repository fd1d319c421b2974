using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace LayerGen.Docs.Tests;

/// <summary>
/// Turns a docs block into the C# file that is compiled, with <c>#line</c> directives so that every diagnostic
/// points at the Markdown file and line it comes from.
/// </summary>
/// <remarks>
/// A program block is read the way a reader reads it, as the Program.cs of a small app: its usings stay on top, its
/// type declarations go into a namespace of the block's own, and its statements into a method of that namespace,
/// so blocks can use the same names without clashing. The namespace of block k of a page is nested in those of the
/// page's earlier blocks (<c>__Docs.P3.B0.B1...Bk</c>): a block sees the types declared earlier on its page, and its
/// own declarations hide theirs. A block's own <c>namespace N;</c> becomes a namespace inside the block's.
/// </remarks>
public sealed class DocSource
{
    private readonly StringBuilder text = new();
    private readonly string file;
    private int lastMapped = -1;

    private DocSource(string file) => this.file = file;

    /// <summary>The C# file of <paramref name="block"/>, the <paramref name="page"/>-th page's block.</summary>
    public static string Build(DocBlock block, int page)
        => block.Mode == DocBlockMode.Generated ? Verbatim(block) : Program(block, page);

    /// <summary>The block's lines as they stand (a whole file: what a generator writes).</summary>
    private static string Verbatim(DocBlock block)
    {
        var source = new DocSource(block.File);
        foreach (var line in block.Lines) source.Mapped(line.Text, line.MarkdownLine);
        return source.text.ToString();
    }

    private static string Program(DocBlock block, int page)
    {
        // Hidden lines before the block and the block are parsed apart, so both may start with usings.
        var parts = new[] { block.Lines.Take(block.HiddenCount).ToList(), block.Lines.Skip(block.HiddenCount).ToList() }
            .Where(p => p.Count > 0)
            .Select(lines =>
            {
                var parsed = SourceText.From(string.Join("\n", lines.Select(l => l.Text)));
                return (Text: parsed, Lines: (IReadOnlyList<SourceLine>)lines,
                        Root: (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(parsed, DocChecker.ParseOptions).GetRoot());
            })
            .ToList();
        var source = new DocSource(block.File);

        foreach (var (parsed, lines, root) in parts)
        {
            foreach (var node in root.Externs) source.Node(parsed, lines, node.FullSpan);
            foreach (var node in root.Usings) source.Node(parsed, lines, node.FullSpan);
            foreach (var node in root.AttributeLists) source.Node(parsed, lines, node.FullSpan);
        }

        string ns = $"__Docs.P{page}" + string.Concat(Enumerable.Range(0, block.Index + 1).Select(i => $".B{i}"));
        source.Scaffold($"namespace {ns}");
        source.Scaffold("{");
        var statements = new List<(SourceText Text, IReadOnlyList<SourceLine> Lines, GlobalStatementSyntax Statement)>();
        foreach (var (parsed, lines, member) in parts.SelectMany(p => p.Root.Members.Select(m => (p.Text, p.Lines, m))))
        {
            switch (member)
            {
                case GlobalStatementSyntax statement:
                    statements.Add((parsed, lines, statement));
                    break;
                case FileScopedNamespaceDeclarationSyntax scoped:
                    source.Scaffold($"namespace {scoped.Name}");
                    source.Scaffold("{");
                    foreach (var node in scoped.Externs) source.Node(parsed, lines, node.FullSpan);
                    foreach (var node in scoped.Usings) source.Node(parsed, lines, node.FullSpan);
                    foreach (var node in scoped.Members) source.Node(parsed, lines, node.FullSpan);
                    source.Scaffold("}");
                    break;
                default:
                    source.Node(parsed, lines, member.FullSpan);
                    break;
            }
        }
        if (statements.Count > 0)
        {
            bool async = statements.Any(s => s.Statement.DescendantTokens().Any(t => t.IsKind(SyntaxKind.AwaitKeyword)));
            source.Scaffold("internal static class __DocExample");
            source.Scaffold("{");
            source.Scaffold(async ? "internal static async global::System.Threading.Tasks.Task Run()" : "internal static void Run()");
            source.Scaffold("{");
            foreach (var (parsed, lines, statement) in statements) source.Node(parsed, lines, statement.FullSpan);
            source.Scaffold("}");
            source.Scaffold("}");
        }
        source.Scaffold("}");
        return source.text.ToString();
    }

    /// <summary>Writes the lines of <paramref name="span"/>, its first line padded to its column.</summary>
    private void Node(SourceText parsed, IReadOnlyList<SourceLine> lines, TextSpan span)
    {
        if (span.IsEmpty) return;
        var position = parsed.Lines.GetLinePositionSpan(span);
        for (int l = position.Start.Line; l <= position.End.Line && l < lines.Count; l++)
        {
            string line = lines[l].Text;
            int end = l == position.End.Line ? Math.Min(position.End.Character, line.Length) : line.Length;
            int start = l == position.Start.Line ? Math.Min(position.Start.Character, end) : 0;
            if (l == position.End.Line && end == 0 && l != position.Start.Line) break;   // the span ends with the previous line's newline
            Mapped(new string(' ', start) + line[start..end], lines[l].MarkdownLine);
        }
    }

    private void Mapped(string line, int markdownLine)
    {
        if (markdownLine != lastMapped + 1) text.Append("#line ").Append(markdownLine).Append(" \"").Append(file).Append("\"\n");
        text.Append(line).Append('\n');
        lastMapped = markdownLine;
    }

    private void Scaffold(string line)
    {
        if (lastMapped >= 0) text.Append("#line default\n");
        lastMapped = -1;
        text.Append(line).Append('\n');
    }
}
