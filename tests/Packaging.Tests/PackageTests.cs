using System.IO.Compression;

namespace LayerGen.Packaging.Tests;

/// <summary>
/// Packs LayerGen, checks the package's layout, and builds and runs a small project that gets
/// LayerGen only from that .nupkg in a local folder feed, as a NuGet user would.
/// </summary>
public sealed class PackageTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("layergen-pack-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public void PackageCarriesLibraryAndRoslynComponents_AndWorksFromALocalFeed()
    {
        var feed = Path.Combine(_work, "feed");
        var pack = DotnetCli.Run(DotnetCli.RepositoryRoot, "pack", "src/Runtime", "-c", DotnetCli.Configuration, "--no-build", "-o", feed);
        Assert.True(pack.ExitCode == 0, pack.ToString());

        var nupkgs = Directory.GetFiles(feed, "*.nupkg");
        Assert.Single(nupkgs);
        using (var zip = ZipFile.OpenRead(nupkgs[0]))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
            Assert.Contains("lib/net10.0/LayerGen.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/LayerGen.Generators.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/LayerGen.Analyzers.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/LayerGen.Analyzers.CodeFixes.dll", entries);
            Assert.Contains("README.md", entries);
            Assert.Contains("buildTransitive/LayerGen.targets", entries);
            // The implicit usings of LayerGen's namespaces (Program.cs below writes only `using LayerGen;`) and the XML docs.
            Assert.Contains("buildTransitive/LayerGen.Usings.targets", entries);
            Assert.Contains("lib/net10.0/LayerGen.xml", entries);
            // Every diagnostic's help link (docs/diagnostics/LGxxxx.md) names a page the package carries.
            var pages = Directory.GetFiles(Path.Combine(DotnetCli.RepositoryRoot, "docs", "diagnostics"), "*.md");
            Assert.NotEmpty(pages);
            foreach (var page in pages) Assert.Contains("docs/diagnostics/" + Path.GetFileName(page), entries);
        }

        var app = Path.Combine(_work, "app");
        Directory.CreateDirectory(app);
        var userPackages = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(_work, "packages")}" />
              </config>
              <fallbackPackageFolders>
                <add key="user" value="{userPackages}" />
              </fallbackPackageFolders>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="local"><package pattern="LayerGen" /></packageSource>
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "App.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="LayerGen" Version="0.1.0" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using LayerGen;

            var m = new Tiny();
            Console.WriteLine($"variables={m.Variables.Count} name={m.Name}");
            Console.WriteLine(m.Call(Tensor.Scalar(2f)).ToScalar<float>());

            [Module]
            public partial class Tiny
            {
                public Variable Scale { get; } = new(3f, name: "scale");
                public Tensor Call(Tensor x) => Scale * x;
            }
            """);
        var run = DotnetCli.Run(app, "run", "-c", "Release");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("variables=1 name=tiny", run.Output);
        Assert.Contains("6", run.Output);

        // The package's buildTransitive targets raise the GC's large-object threshold in the app.
        var runtimeConfig = Directory.GetFiles(Path.Combine(app, "bin"), "App.runtimeconfig.json", SearchOption.AllDirectories);
        Assert.Single(runtimeConfig);
        var config = File.ReadAllText(runtimeConfig[0]);
        Assert.Matches("\"System.GC.LOHThreshold\": \"?8388608\"?", config);
        // ... and let the JIT tier up without a backlog (call counting from the start, no instrumented tier).
        Assert.Matches("\"System.Runtime.TieredCompilation.CallCountingDelayMs\": \"?0\"?", config);
        Assert.Matches("\"System.Runtime.TieredPGO\": \"?false\"?", config);

        // LG0014: NativeAOT without IlcInstructionSet is flagged (an MSBuild warning); choosing the instruction set silences it.
        var baseline = DotnetCli.Run(app, "build", "-c", "Release", "-p:PublishAot=true");
        Assert.True(baseline.ExitCode == 0, baseline.ToString());
        Assert.Contains("warning LG0014", baseline.Output);
        var chosen = DotnetCli.Run(app, "build", "-c", "Release", "-p:PublishAot=true", "-p:IlcInstructionSet=x86-64-v3");
        Assert.True(chosen.ExitCode == 0, chosen.ToString());
        Assert.DoesNotContain("LG0014", chosen.Output);
    }
}
