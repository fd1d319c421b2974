using LayerGen.Analyzers.CodeFixes;
using LayerGen.Generators;

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
        string dir = Path.Combine(Path.GetTempPath(), "layergen-format-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "Directory.Build.props"), "<Project />");
            File.WriteAllText(Path.Combine(dir, "Directory.Build.targets"), "<Project />");
            File.WriteAllText(Path.Combine(dir, "User.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                  </PropertyGroup>
                  <ItemGroup>
                    <Reference Include="{typeof(LayerGen.Modules.Module).Assembly.Location}" />
                    <Analyzer Include="{typeof(LayerGenerator).Assembly.Location}" />
                    <Analyzer Include="{typeof(VariableCreationAnalyzer).Assembly.Location}" />
                    <Analyzer Include="{typeof(MakePartialCodeFix).Assembly.Location}" />
                  </ItemGroup>
                  <Import Project="{Path.Combine(DotnetCli.RepositoryRoot, "src", "Runtime", "buildTransitive", "LayerGen.Usings.targets")}" />
                </Project>
                """);
            string file = Path.Combine(dir, "Layers.cs");
            File.WriteAllText(file, """
                namespace User;

                [Layer]
                public class Plain { protected Tensor Call(Tensor x) => x; }

                [Layer]
                public partial class Multi
                {
                    public int Units { get; }
                    int last;
                    public Multi() : this(1) { }
                    public Multi(int units) => Units = units;
                    protected void Build(int[] shape) { last = shape[^1]; }
                    protected Tensor Call(Tensor x) => x * last;
                }

                [Layer]
                public partial class Keep(int units, float rate)
                {
                    readonly Variable w = new Variable(1f);
                    protected Tensor Call(Tensor x) => x * units * rate * w;
                }

                [Layer, Module]
                public partial class Both { protected Tensor Call(Tensor x) => x; }
                """);
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
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }
}
