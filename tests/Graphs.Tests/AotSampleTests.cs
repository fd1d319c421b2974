using LayerGen.Formats.Keras;
using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace LayerGen.Graphs.Tests;

/// <summary>
/// samples/SavedModelAot, published as NativeAOT, loads a SavedModel it never saw the class of and computes
/// what the saving process computed, and serves it through an ExecutionPlan without allocating; it also saves and loads
/// <c>.keras</c> and <c>.weights.h5</c> files and loads one written by real Keras (issue 20, item 10). It runs in CI
/// (CI=true) or with LAYERGEN_AOT_TESTS=1 and is reported as skipped otherwise. The sample is published once per run.
/// </summary>
public class AotSampleTests(ITestOutputHelper output)
{
    private static readonly Lazy<(string Directory, DotnetCli.Result Publish)> Published = new(() =>
    {
        string dir = Path.Combine(Path.GetTempPath(), "layergen-aot-" + Guid.NewGuid().ToString("N")[..10]);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(dir, recursive: true); } catch (IOException) { } };
        string project = Path.Combine(DotnetCli.RepositoryRoot, "samples", "SavedModelAot", "SavedModelAot.csproj");
        return (dir, DotnetCli.Run(DotnetCli.RepositoryRoot, "publish", project, "-c", "Release", "-p:PublishAot=true", "-o", dir));
    });

    /// <summary>The published sample's path, after checking the publish succeeded without trim or AOT warnings.</summary>
    private static string Sample()
    {
        var (dir, publish) = Published.Value;
        Assert.True(publish.ExitCode == 0, publish.ToString());
        Assert.DoesNotContain("warning IL", publish.Output);
        return Path.Combine(dir, OperatingSystem.IsWindows() ? "SavedModelAot.exe" : "SavedModelAot");
    }

    private (int ExitCode, string Output) RunSample(params string[] args)
    {
        var psi = new ProcessStartInfo(Sample(), args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd() + stderr.Result;
        p.WaitForExit();
        output.WriteLine(stdout);
        return (p.ExitCode, stdout);
    }

    [AotPublishFact]
    public void NativeAotSampleSavesAndLoadsKerasFiles()
    {
        using var dir = new TempDir();
        string keras = Path.Combine(DotnetCli.RepositoryRoot, "tests", "KerasFormat.Tests", "Fixtures", "keras-3.15.1-numpy", "seq_adam_fit1.keras");
        var (code, stdout) = RunSample("keras", dir["scratch"], keras);
        Assert.Equal(0, code);
        Assert.Contains("same predictions: True, same optimizer state (10 variables): True", stdout);
        Assert.Contains("weights file: same predictions: True", stdout);
        Assert.Contains("damaged archive: refused (KerasFormatException)", stdout);
        // What the JIT-compiled runtime predicts for the same real-Keras file.
        var x = Tensor.From<float>([1f, 2f, 3f, -1f, 0.5f, 0.25f], new Shape(2, 3));
        var expected = Model.Load(keras).Predict(x, verbose: 0).ToFloatArray();
        string values = string.Join(" ", expected.Select(f => f.ToString("R", CultureInfo.InvariantCulture)));
        Assert.Contains($"keras file seq_adam_fit1.keras: Sequential of 2 layers, compiled: True, prediction (2, 2): {values}", stdout);
    }

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

        var (code, stdout) = RunSample(saved, "2,2,2");
        Assert.Equal(0, code);
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
