namespace LayerGen.Docs.Tests;

/// <summary>The checker itself: it fails where it should, with the Markdown line, and reads its markers strictly.</summary>
public class DocCheckerTests
{
    private const string Fence = "```";

    private static (List<DocBlock> Blocks, DocCheckResult Result) Check(string markdown)
    {
        var blocks = MarkdownBlocks.Read("docs/page.md", markdown);
        return (blocks, DocChecker.Check([blocks]));
    }

    [Fact]
    public void A_block_that_does_not_compile_fails_with_its_file_and_line()
    {
        var (blocks, result) = Check($$"""
            # Page

            {{Fence}}csharp
            var layer = new Dense(3);
            var y = layer.Invoke(x);
            layer.Variables;
            {{Fence}}
            """);
        string failure = result.Failure(Assert.Single(blocks))!;
        Assert.NotNull(failure);
        Assert.StartsWith("docs/page.md:3 does not compile as written", failure);
        Assert.Contains("docs/page.md:5:22: error CS0103: The name 'x' does not exist", failure);
        Assert.Contains("docs/page.md:6:1: error CS0201", failure);   // a value alone is not a statement
    }

    [Fact]
    public void Hidden_code_declares_what_the_block_uses_and_keeps_the_lines()
    {
        var (blocks, result) = Check($$"""
            <!-- compile
            var x = Tensor.Ones([2, 3]);
            -->
            {{Fence}}csharp
            var layer = new Dense(3);
            var y = layer.Invoke(x);
            int n = layer.Variables.Count;
            int oops = "text";
            {{Fence}}
            """);
        string failure = result.Failure(Assert.Single(blocks))!;
        Assert.Contains("docs/page.md:8:12: error CS0029", failure);
        Assert.DoesNotContain("CS0103", failure);
    }

    [Fact]
    public void Blocks_see_the_page_s_earlier_types_and_may_declare_them_again()
    {
        var (blocks, result) = Check($$"""
            {{Fence}}csharp
            [Layer]
            public partial class Scale { protected Tensor Call(Tensor x) => x * 2f; }
            {{Fence}}
            {{Fence}}csharp
            var y = new Scale().Invoke(Tensor.Ones([2]));
            {{Fence}}
            {{Fence}}csharp
            [Layer]
            public partial class Scale { protected Tensor Call(Tensor x, Tensor y) => x * y; }
            var z = new Scale().Invoke(Tensor.Ones([2]), Tensor.Ones([2]));
            {{Fence}}
            """);
        Assert.All(blocks, b => Assert.Null(result.Failure(b)));
        Assert.Empty(result.Elsewhere);
    }

    [Fact]
    public void An_expect_block_passes_with_exactly_its_diagnostics()
    {
        var (blocks, result) = Check($$"""
            <!-- compile: expect LG0002 -->
            {{Fence}}csharp
            [Module] public class NotPartial { }
            {{Fence}}
            <!-- compile: expect LG0001 -->
            {{Fence}}csharp
            [Module] public class NotPartialEither { }
            {{Fence}}
            <!-- compile: expect LG0002 -->
            {{Fence}}csharp
            [Module] public class AlsoWrong { }
            int oops = "text";
            {{Fence}}
            <!-- compile: expect LG0002 -->
            {{Fence}}csharp
            [Module] public partial class Fine { }
            {{Fence}}
            """);
        Assert.Null(result.Failure(blocks[0]));
        Assert.Contains("expected exactly LG0001", result.Failure(blocks[1]));
        Assert.Contains("LG0002", result.Failure(blocks[1]));
        Assert.Contains("CS0029", result.Failure(blocks[2]));
        Assert.Contains("nothing", result.Failure(blocks[3]));
    }

    [Fact]
    public void A_generated_block_compiles_without_the_generators_against_the_runtime()
    {
        var (blocks, result) = Check($$"""
            <!-- compile: generated
            {{MarkdownBlocks.BlockPlaceholder}}
            public partial class Holder
            {
                readonly Variable? w = null;
            }
            -->
            {{Fence}}csharp
            namespace MyApp;

            partial class Holder : global::LayerGen.Modules.Module
            {
                protected override void VisitMembers(global::LayerGen.Modules.IModuleVisitor visitor)
                {
                    if (this.w is not null) visitor.Variable("w", this.w);
                }
            }
            {{Fence}}
            <!-- compile: generated
            {{MarkdownBlocks.BlockPlaceholder}}
            public partial class Holder { }
            -->
            {{Fence}}csharp
            namespace MyApp;

            partial class Holder : global::LayerGen.Modules.Module
            {
                protected internal override void VisitMembers(global::LayerGen.Modules.IModuleVisitor visitor) { }
            }
            {{Fence}}
            """);
        Assert.Null(result.Failure(blocks[0]));
        Assert.Contains("docs/page.md:28:38: error CS0507", result.Failure(blocks[1]));   // protected internal across assemblies
    }

    [Fact]
    public void Skipped_and_other_language_blocks_are_not_compiled()
    {
        var (blocks, result) = Check($$"""
            <!-- compile: skip: not C# that compiles, on purpose -->
            {{Fence}}csharp
            this is not C#
            {{Fence}}
            {{Fence}}sh
            dotnet test
            {{Fence}}
            """);
        var block = Assert.Single(blocks);
        Assert.Equal(DocBlockMode.Skip, block.Mode);
        Assert.Equal("not C# that compiles, on purpose", block.SkipReason);
        Assert.Null(result.Failure(block));
    }

    [Theory]
    [InlineData("<!-- compile: maybe -->\n```csharp\nint a = 1;\n```", "unknown compile mode 'maybe'")]
    [InlineData("<!-- compile: skip: -->\n```csharp\nint a = 1;\n```", "needs a reason")]
    [InlineData("<!-- compile: expect -->\n```csharp\nint a = 1;\n```", "takes diagnostic ids")]
    [InlineData("<!-- compile: expect LG0001 -->\n\n```csharp\nint a = 1;\n```", "right before a C# block")]
    [InlineData("<!-- compile: expect LG0001 -->\n```sh\nls\n```", "not C# (sh)")]
    [InlineData("```csharp\nint a = 1;\n", "not closed")]
    [InlineData("<!-- compile\nint a = 1;\n", "not closed with -->")]
    public void Malformed_markers_are_errors(string markdown, string message)
    {
        var e = Assert.Throws<FormatException>(() => MarkdownBlocks.Read("docs/page.md", markdown));
        Assert.Contains(message, e.Message);
    }
}
