using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace LayerGen.Graphs.Tests;

/// <summary>
/// samples/SavedModelAot, published as NativeAOT, loads a SavedModel it never saw the class of and computes
/// what the saving process computed, and serves it through an ExecutionPlan without allocating. It runs in CI
/// (CI=true) or with LAYERGEN_AOT_TESTS=1 and is reported as skipped otherwise.
/// </summary>
public class AotSampleTests(ITestOutputHelper output)
{
    [AotPublishFact]
    public void NativeAotSampleLoadsASavedModel()
    {
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
        // The ExecutionPlan serving loop: same values, nothing allocated per prediction, under NativeAOT too.
        Assert.Contains("same result: True", stdout);
        Assert.Contains(" 0 bytes allocated per prediction", stdout);
    }
}

/// <summary>
/// A test that publishes with NativeAOT (a minute or two): runs in CI (<c>CI=true</c>, as <c>.ci/run</c> sets) or
/// with <c>LAYERGEN_AOT_TESTS=1</c>, and is reported as skipped, with how to run it, otherwise.
/// </summary>
public sealed class AotPublishFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> unless CI or LAYERGEN_AOT_TESTS asks for the AOT tests.</summary>
    public AotPublishFactAttribute()
    {
        bool ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (!ci && Environment.GetEnvironmentVariable("LAYERGEN_AOT_TESTS") != "1")
            Skip = "publishes samples/SavedModelAot with NativeAOT: set LAYERGEN_AOT_TESTS=1 (CI=true does) to run it";
    }
}
