using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace LayerGen.Graphs.Tests;

/// <summary>
/// samples/SavedModelAot, published as NativeAOT, loads a SavedModel it never saw the class of and computes
/// what the saving process computed. Publishing takes minutes, so it runs only with LAYERGEN_AOT_TESTS=1.
/// </summary>
public class AotSampleTests(ITestOutputHelper output)
{
    [Fact]
    public void NativeAotSampleLoadsASavedModel()
    {
        if (Environment.GetEnvironmentVariable("LAYERGEN_AOT_TESTS") != "1")
        {
            output.WriteLine("Skipped: set LAYERGEN_AOT_TESTS=1 to publish samples/SavedModelAot with NativeAOT and run it.");
            return;
        }
        using var dir = new TempDir();
        RandomGenerator.SetGlobalSeed(11);
        var m = new SequentialModule { Name = "the_model" };
        var call = TensorFunction.Trace(m.Call);
        var x = Tensor.From(new[,] { { 2f, 2f, 2f } });
        var expected = call.Invoke(x);
        call.Invoke(Tensor.From(new[,,] { { { 2f, 2f, 2f }, { 2f, 2f, 2f } } }));
        string saved = dir["the_saved_model"];
        SavedModel.Save(m, saved, call);

        string project = Path.Combine(DotnetCli.RepositoryRoot, "samples", "SavedModelAot", "SavedModelAot.csproj");
        string publishDir = dir["publish"];
        var publish = DotnetCli.Run(DotnetCli.RepositoryRoot, "publish", project, "-c", "Release", "-p:PublishAot=true", "-o", publishDir);
        Assert.True(publish.ExitCode == 0, publish.ToString());
        Assert.DoesNotContain("warning IL", publish.Output);

        var psi = new ProcessStartInfo(Path.Combine(publishDir, OperatingSystem.IsWindows() ? "SavedModelAot.exe" : "SavedModelAot"), [saved, "2,2,2"])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        output.WriteLine(stdout);
        Assert.Equal(0, p.ExitCode);
        Assert.Contains("signature call(x: (1, 3) float32)", stdout);
        Assert.Contains("variable dense1/w (3, 3) float32", stdout);
        string values = string.Join(" ", expected.ToArray<float>().Select(f => f.ToString("R", CultureInfo.InvariantCulture)));
        Assert.Contains($"result (1, 2): {values}", stdout);
    }
}
