using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LayerGen.Analyzers.Tests;

/// <summary>The descriptor table: unique ids, a doc page and release line per rule, analyzers covering all.</summary>
public class DescriptorTests
{
    private static readonly string Root = typeof(DescriptorTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    public static TheoryData<string> Ids()
    {
        var data = new TheoryData<string>();
        foreach (var d in All()) data.Add(d.Id);
        return data;
    }

    private static List<DiagnosticDescriptor> All()
        => [.. typeof(Descriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)];

    [Fact]
    public void Ids_are_unique_and_every_rule_is_reported_by_an_analyzer()
    {
        var all = All();
        Assert.Equal(all.Count, all.Select(d => d.Id).Distinct().Count());
        var supported = typeof(Descriptors).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(DiagnosticAnalyzer)) && !t.IsAbstract)
            .SelectMany(t => ((DiagnosticAnalyzer)Activator.CreateInstance(t)!).SupportedDiagnostics)
            .Select(d => d.Id).ToHashSet();
        Assert.Equal(all.Select(d => d.Id).Order(), supported.Order());
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Every_rule_has_a_page_a_help_link_and_a_release_line(string id)
    {
        var descriptor = All().Single(d => d.Id == id);
        // The help link is the page's path relative to the package root and the repository root (issue 21 item 12:
        // it used to be a URL that does not exist); the package carries docs/diagnostics (PackageTests).
        Assert.Equal($"docs/diagnostics/{id}.md", descriptor.HelpLinkUri);
        Assert.True(File.Exists(Path.Combine(Root, descriptor.HelpLinkUri!)), $"{id}'s help link {descriptor.HelpLinkUri} names no file");
        Assert.False(string.IsNullOrWhiteSpace(descriptor.Description.ToString()));
        string page = File.ReadAllText(Path.Combine(Root, "docs", "diagnostics", id + ".md"));
        foreach (var section in new[] { "## What", "## Why", "## How to fix", "## Example" })
            Assert.Contains(section, page);
        string unshipped = File.ReadAllText(Path.Combine(Root, "src", "Analyzers", "AnalyzerReleases.Unshipped.md"));
        Assert.Contains($"{id} | {descriptor.Category} | {descriptor.DefaultSeverity} |", unshipped);
    }

    // Issue 21 item 12: the docs said LG0001-LG0013 when LG0014 existed, and that .keras saving and compile/fit
    // were "Not yet" when both shipped.
    [Fact]
    public void The_readmes_name_every_diagnostic_page_and_the_layer_docs_are_current()
    {
        var ids = Directory.GetFiles(Path.Combine(Root, "docs", "diagnostics"), "LG*.md")
            .Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(ids);
        string index = File.ReadAllText(Path.Combine(Root, "docs", "diagnostics", "README.md"));
        foreach (var id in ids) Assert.Contains($"[{id}]({id}.md)", index);
        string readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var named = System.Text.RegularExpressions.Regex.Matches(readme, @"LG\d{4}").Select(m => m.Value).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(ids[^1], named[^1]);   // the README's range reaches the newest diagnostic

        string layers = File.ReadAllText(Path.Combine(Root, "docs", "layers.md"));
        Assert.DoesNotContain("Not yet", layers);
        foreach (var link in new[] { "formats/keras.md", "checkpoints.md", "training.md" })
        {
            Assert.Contains($"]({link})", layers);
            Assert.True(File.Exists(Path.Combine(Root, "docs", link)), link);
        }
    }
}
