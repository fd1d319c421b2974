namespace LayerGen.Docs.Tests;

/// <summary>Every C# example in README.md and docs/ compiles as written (docs/design/writing-docs.md).</summary>
public class DocExampleTests
{
    /// <summary>The blocks by <c>file:line</c>, one test case each.</summary>
    public static TheoryData<string> BlockIds() => [.. DocsCorpus.Blocks.Select(b => b.Id)];

    [Theory]
    [MemberData(nameof(BlockIds))]
    public void Block_compiles_as_written(string id)
    {
        var block = DocsCorpus.Blocks.Single(b => b.Id == id);
        Assert.True(DocsCorpus.Result.Failure(block) is null, DocsCorpus.Result.Failure(block));
    }

    [Fact]
    public void Nothing_outside_the_blocks_fails()
    {
        // generated code of the docs' classes, or the compilation as a whole
        Assert.True(DocsCorpus.Result.Elsewhere.Count == 0,
            string.Join("\n", DocsCorpus.Result.Elsewhere.Select(DocChecker.Format)));
    }

    [Fact]
    public void The_docs_have_their_examples_and_few_skips()
    {
        var blocks = DocsCorpus.Blocks.ToList();
        // README's example and the pages that teach with code: a reader that lost them would check nothing.
        Assert.Contains(blocks, b => b.File == "README.md");
        Assert.Contains(blocks, b => b.File == "docs/diagnostics/LG0001.md" && b.Mode == DocBlockMode.Expect && b.Expected.SequenceEqual(["LG0001"]));
        Assert.True(blocks.Count >= 60, $"{blocks.Count} C# blocks");
        var skipped = blocks.Where(b => b.Mode == DocBlockMode.Skip).ToList();
        Assert.True(skipped.Count <= 3, "skipped: " + string.Join(", ", skipped.Select(b => $"{b.Id} ({b.SkipReason})")));
    }
}
