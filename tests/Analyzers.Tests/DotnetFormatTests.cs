namespace LayerGen.Analyzers.Tests;

/// <summary>
/// Issue 23 item 1: a real <c>dotnet format analyzers --diagnostics ...</c> run applies every LayerGen fix in one
/// go (before, some fixes were dropped with "didn't return a Fix All action"), and the result builds cleanly.
/// </summary>
public class DotnetFormatTests
{
    [Fact]
    public void Dotnet_format_applies_all_fixes_in_one_run()
    {
        UserProject.InNewDirectory(withCodeFixes: true, dir =>
        {
            string file = Path.Combine(dir, "Layers.cs");
            File.WriteAllText(file, "namespace User;\n\n" + UserProject.EveryFixSource + "\n");
            var format = DotnetCli.Run(dir, "format", "analyzers", "--diagnostics", "LG0001", "LG0002", "LG0003", "LG0006", "LG0007", "LG0008", "LG0009",
                "LG0012", "LG0013", "--severity", "info", "-v", "diag");
            string text = File.ReadAllText(file);
            Assert.True(format.ExitCode == 0, format + "\n" + text);
            Assert.DoesNotContain("Unable to fix", format.Output);
            Assert.Contains("public partial class Plain", text);
            Assert.Contains("protected void Build(Shape shape) { last = shape[^1]; }", text);
            Assert.Contains("[ConfigConstructor]", text);
            Assert.Contains("public int Units { get; } = units;", text);
            Assert.Contains("x * Units * Rate * w", text);
            Assert.DoesNotContain("Module]", text);

            var build = DotnetCli.Run(dir, "build", "-nologo", "-clp:NoSummary", "-warnaserror");
            Assert.True(build.ExitCode == 0, build + "\n" + text);
        });
    }
}
