using System.Text.RegularExpressions;
using LayerGen.Generators;

namespace LayerGen.Analyzers.Tests;

/// <summary>
/// A user's project with a deliberate mistake, built with <c>dotnet build</c>: the diagnostic shows up in
/// the build output with its file and line, as a user sees it.
/// </summary>
public class DotnetBuildTests
{
    [Fact]
    public void Dotnet_build_reports_LG0001_and_LG0002_with_file_and_line()
    {
        UserProject.InNewDirectory(withCodeFixes: false, dir =>
        {
            File.WriteAllText(Path.Combine(dir, "MyDense.cs"), """
                using LayerGen;

                namespace User;

                [Layer]
                public partial class MyDense
                {
                    readonly int inFeatures, outFeatures;
                    readonly Variable w, b;
                    public MyDense(int inFeatures, int outFeatures)
                    {
                        this.inFeatures = inFeatures;
                        this.outFeatures = outFeatures;
                        w = new(Tensor.RandomNormal([inFeatures, outFeatures]), name: "w");
                        b = new(Tensor.Zeros([outFeatures]), name: "b");
                    }
                    protected Tensor Call(Tensor x) => Ops.Relu(Ops.MatMul(x, w) + b);
                }
                """);
            var warning = DotnetCli.Run(dir, "build", "-nologo", "-clp:NoSummary");
            Assert.True(warning.ExitCode == 0, warning.ToString());
            Assert.Matches(new Regex(@"MyDense\.cs\(14,13\): warning LG0001: Layer 'MyDense' creates a variable in its constructor"), warning.Output);
            Assert.Matches(new Regex(@"MyDense\.cs\(15,13\): warning LG0001:"), warning.Output);

            File.WriteAllText(Path.Combine(dir, "Broken.cs"), """
                namespace User;

                [LayerGen.Modules.Module]
                public class Broken { }
                """);
            var error = DotnetCli.Run(dir, "build", "-nologo", "-clp:NoSummary");
            Assert.True(error.ExitCode != 0, error.ToString());
            Assert.Matches(new Regex(@"Broken\.cs\(4,14\): error LG0002: 'Broken' must be partial"), error.Output);
        });
    }


    /// <summary>
    /// Issue 21: a layer without Call and the guide's MyDense as written (arguments not kept). Before, CS0534 in the
    /// generated part stopped the build before the analyzers ran, so no LG diagnostic was shown.
    /// </summary>
    [Fact]
    public void Dotnet_build_reports_LG0005_for_a_layer_without_Call_and_nothing_from_generated_code()
    {
        UserProject.InNewDirectory(withCodeFixes: false, dir =>
        {
            File.WriteAllText(Path.Combine(dir, "MyDense.cs"), """
                using LayerGen;

                namespace User;

                [Layer]
                public partial class MyDense
                {
                    readonly Variable w, b;
                    public MyDense(int inFeatures, int outFeatures)
                    {
                        w = new(Tensor.RandomNormal([inFeatures, outFeatures]), name: "w");
                        b = new(Tensor.Zeros([outFeatures]), name: "b");
                    }
                    protected Tensor Call(Tensor x) => Ops.Relu(Ops.MatMul(x, w) + b);
                }
                """);
            var guide = DotnetCli.Run(dir, "build", "-nologo", "-clp:NoSummary");
            Assert.True(guide.ExitCode == 0, guide.ToString());
            Assert.Matches(new Regex(@"MyDense\.cs\(11,13\): warning LG0001:"), guide.Output);
            Assert.Matches(new Regex(@"MyDense\.cs\(9,24\): warning LG0003: Constructor parameter 'inFeatures'"), guide.Output);

            File.WriteAllText(Path.Combine(dir, "Unfinished.cs"), """
                using LayerGen;

                namespace User;

                [Layer]
                public partial class Unfinished { }
                """);
            var error = DotnetCli.Run(dir, "build", "-nologo", "-clp:NoSummary");
            Assert.True(error.ExitCode != 0, error.ToString());
            Assert.Matches(new Regex(@"Unfinished\.cs\(6,22\): error LG0005: "), error.Output);
            Assert.Matches(new Regex(@"MyDense\.cs\(11,13\): warning LG0001:"), error.Output);
            Assert.DoesNotMatch(new Regex(@"error CS\d+"), error.Output);
        });
    }
}
