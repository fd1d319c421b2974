namespace LayerGen.Docs.Tests;

/// <summary>How a C# block of the docs is checked (the marker before it; docs/design/writing-docs.md).</summary>
public enum DocBlockMode
{
    /// <summary>No marker or <c>&lt;!-- compile --&gt;</c>: a program (usings, declarations, statements) that compiles without a warning.</summary>
    Program,

    /// <summary><c>&lt;!-- compile: expect LG0001 ... --&gt;</c>: a program that reports exactly these diagnostics and nothing else.</summary>
    Expect,

    /// <summary><c>&lt;!-- compile: generated --&gt;</c>: what a generator writes, compiled as a file of its own with the hidden code and no generator.</summary>
    Generated,

    /// <summary><c>&lt;!-- compile: skip: reason --&gt;</c>: not compiled, for the reason given.</summary>
    Skip,
}

/// <summary>A line of C# with the line of the Markdown file it comes from (1-based).</summary>
public readonly record struct SourceLine(string Text, int MarkdownLine);

/// <summary>A fenced C# block of a Markdown file, with its marker.</summary>
/// <param name="File">The Markdown file, relative to the repository, with '/'.</param>
/// <param name="Line">The line of the opening fence (1-based).</param>
/// <param name="Index">The block's position among the file's C# blocks (0-based).</param>
/// <param name="Mode">How it is checked.</param>
/// <param name="Expected">The diagnostic ids an <see cref="DocBlockMode.Expect"/> block reports.</param>
/// <param name="SkipReason">Why a <see cref="DocBlockMode.Skip"/> block is not compiled.</param>
/// <param name="Lines">The code as compiled: the marker's hidden lines and the block's lines, in order.</param>
/// <param name="HiddenCount">How many of <paramref name="Lines"/> are hidden lines before the block (0 when the hidden code wraps the block with <c>{{block}}</c>).</param>
/// <param name="FirstMarkdownLine">The first line of the marker (or the fence without one), for messages.</param>
/// <param name="LastMarkdownLine">The closing fence's line.</param>
public sealed record DocBlock(
    string File, int Line, int Index, DocBlockMode Mode, IReadOnlyList<string> Expected, string? SkipReason,
    IReadOnlyList<SourceLine> Lines, int HiddenCount, int FirstMarkdownLine, int LastMarkdownLine)
{
    /// <summary><c>file:line</c> of the opening fence.</summary>
    public string Id => $"{File}:{Line}";

    /// <inheritdoc/>
    public override string ToString() => Id;
}
