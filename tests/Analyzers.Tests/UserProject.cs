using LayerGen.Analyzers.CodeFixes;
using LayerGen.Generators;

namespace LayerGen.Analyzers.Tests;

/// <summary>
/// A user project on disk for the tests that run the real SDK (<c>dotnet build</c>, <c>dotnet format</c>): it
/// references LayerGen.dll, the generators and the analyzers (and, when asked, the code fixes) as the package does,
/// with the implicit usings the package's buildTransitive targets give.
/// </summary>
internal static class UserProject
{
    /// <summary>
    /// Layers on which every LayerGen code fix has something to do (LG0001-LG0013): the fix-all tests apply them
    /// all in one run, in memory and through a real <c>dotnet format</c>.
    /// </summary>
    public const string EveryFixSource = """
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
        """;

    /// <summary>Writes <c>User.csproj</c> (and empty Directory.Build files, so the repository's do not apply) into <paramref name="dir"/>.</summary>
    public static void Write(string dir, bool withCodeFixes = false)
    {
        File.WriteAllText(Path.Combine(dir, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(dir, "Directory.Build.targets"), "<Project />");
        string codeFixes = withCodeFixes ? $"""<Analyzer Include="{typeof(MakePartialCodeFix).Assembly.Location}" />""" : "";
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
                {codeFixes}
              </ItemGroup>
              <!-- What the package's buildTransitive targets give a project with ImplicitUsings: LayerGen's namespaces. -->
              <Import Project="{Path.Combine(DotnetCli.RepositoryRoot, "src", "Runtime", "buildTransitive", "LayerGen.Usings.targets")}" />
            </Project>
            """);
    }

    /// <summary>
    /// Runs <paramref name="body"/> in a new temporary directory holding the user project (<see cref="Write"/>), and
    /// deletes the directory afterwards.
    /// </summary>
    public static void InNewDirectory(bool withCodeFixes, Action<string> body)
    {
        string dir = Path.Combine(Path.GetTempPath(), "layergen-user-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            Write(dir, withCodeFixes);
            body(dir);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }
}
