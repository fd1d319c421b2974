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
        Assert.Equal($"https://github.com/layergen/layergen/blob/main/docs/diagnostics/{id}.md", descriptor.HelpLinkUri);
        Assert.False(string.IsNullOrWhiteSpace(descriptor.Description.ToString()));
        string page = File.ReadAllText(Path.Combine(Root, "docs", "diagnostics", id + ".md"));
        foreach (var section in new[] { "## What", "## Why", "## How to fix", "## Example" })
            Assert.Contains(section, page);
        string unshipped = File.ReadAllText(Path.Combine(Root, "src", "Analyzers", "AnalyzerReleases.Unshipped.md"));
        Assert.Contains($"{id} | {descriptor.Category} | {descriptor.DefaultSeverity} |", unshipped);
    }
}
