namespace LayerGen.Docs.Tests;

/// <summary>The repository's Markdown files with C# examples (README.md and docs/**/*.md), read and checked once.</summary>
public static class DocsCorpus
{
    private static readonly Lazy<IReadOnlyList<IReadOnlyList<DocBlock>>> LazyPages = new(() =>
    {
        string root = DotnetCli.RepositoryRoot;
        var files = Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories)
            .Prepend(Path.Combine(root, "README.md"))
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .OrderBy(f => f, StringComparer.Ordinal);
        return [.. files.Select(f => (IReadOnlyList<DocBlock>)MarkdownBlocks.Read(f, File.ReadAllText(Path.Combine(root, f))))];
    });

    private static readonly Lazy<DocCheckResult> LazyResult = new(() => DocChecker.Check(Pages));

    /// <summary>Each file's C# blocks, files in ordinal order.</summary>
    public static IReadOnlyList<IReadOnlyList<DocBlock>> Pages => LazyPages.Value;

    /// <summary>Every block.</summary>
    public static IEnumerable<DocBlock> Blocks => Pages.SelectMany(p => p);

    /// <summary>The one check of every block (one compilation for the program and expect blocks).</summary>
    public static DocCheckResult Result => LazyResult.Value;
}
