using System.Diagnostics;
using Xunit.Abstractions;

namespace LayerGen.Graphs.Tests;

public class DotTests(ITestOutputHelper output)
{
    private static Graph WalkthroughGraph()
    {
        var m = new SequentialModule { Name = "the_model" };
        var call = TensorFunction.Trace(m.Call);
        call.Invoke(Tensor.From(new[,] { { 2f, 2f, 2f } }));
        return call.ConcreteFunctions[0].Graph;
    }

    [Fact]
    public void DotNamesOpsShapesAndVariables()
    {
        var dot = WalkthroughGraph().ToDot("call");
        Assert.StartsWith("digraph \"call\" {", dot);
        Assert.Contains("n0 [label=\"x\\n(1, 3) float32\", shape=ellipse", dot);
        Assert.Contains("label=\"w\\n(3, 3) float32\", shape=box", dot);
        Assert.Contains("label=\"b_1\\n(2,) float32\"", dot);
        Assert.Contains("[label=\"MatMul\", shape=box]", dot);
        Assert.Contains("[label=\"Relu\", shape=box]", dot);
        Assert.Contains("n0 -> n", dot);
        Assert.Contains("[label=\"(1, 3) float32\"]", dot);
        Assert.Contains("-> out0 [label=\"(1, 2) float32\"]", dot);
        Assert.EndsWith("}" + Environment.NewLine, dot);
        Assert.Equal(dot.Count(c => c == '{'), dot.Count(c => c == '}'));
    }

    [Fact]
    public void DotRendersWithGraphviz()
    {
        var dot = WalkthroughGraph().ToDot();
        string? exe = FindDot();
        if (exe is null)
        {
            output.WriteLine("Skipped rendering: Graphviz 'dot' is not on PATH.");
            return;
        }
        var psi = new ProcessStartInfo(exe, "-Tsvg") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        p.StandardInput.Write(dot);
        p.StandardInput.Close();
        var svg = p.StandardOutput.ReadToEnd();
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
        Assert.Contains("<svg", svg);
        Assert.Contains("MatMul", svg);
    }

    private static string? FindDot()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var f = Path.Combine(dir, OperatingSystem.IsWindows() ? "dot.exe" : "dot");
            if (File.Exists(f)) return f;
        }
        return null;
    }
}
