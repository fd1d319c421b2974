using System.Buffers.Binary;
using System.Xml.Linq;
using Xunit.Abstractions;

namespace LayerGen.Plotting.Tests;

/// <summary>
/// Keras's plot_model: the DOT drawn by Graphviz where <c>dot</c> is installed, a typed error and the .dot file where
/// it is not. One collection: a test here changes LAYERGEN_DOT for the process.
/// </summary>
[Collection("Graphviz")]
public sealed class PlotModelTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lg-plotmodel").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private bool SkipWithoutGraphviz()
    {
        if (Graphviz.IsAvailable) return false;
        output.WriteLine("Skipped rendering: Graphviz's dot is not installed (apt-get install graphviz).");
        return true;
    }

    [Fact]
    public void PlotModelDrawsAPngWithGraphviz()
    {
        if (SkipWithoutGraphviz()) return;
        string path = ModelDotTests.BranchyModel().PlotModel(Path.Combine(_dir, "model.png"), showShapes: true, showLayerNames: true);
        var png = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        int width = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), height = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20));
        output.WriteLine($"model.png: {width} x {height}, {png.Length} bytes");
        // Four rows of boxes at 200 dpi, two columns at least.
        Assert.InRange(width, 500, 20_000);
        Assert.InRange(height, 800, 20_000);
    }

    [Fact]
    public void PlotModelDrawsAnSvgNamingTheLayersAndShapes()
    {
        if (SkipWithoutGraphviz()) return;
        string path = ModelDotTests.BranchyModel().PlotModel(Path.Combine(_dir, "model.svg"), showShapes: true, showLayerNames: true, rankDir: "LR");
        var doc = XDocument.Load(path);
        var texts = doc.Descendants(XName.Get("text", "http://www.w3.org/2000/svg")).Select(t => t.Value).ToList();
        foreach (var name in new[] { "concat", "add", "dense_a", "dense_b", "score", "classes" })
            Assert.Contains(name, texts);
        Assert.Contains("[(None, 16), (None, 16)]", texts);
        Assert.Contains("(None, 32)", texts);
        // plot_model hides the names by default, as Keras does: the classes remain.
        var unnamed = XDocument.Load(ModelDotTests.BranchyModel().PlotModel(Path.Combine(_dir, "classes.svg")));
        var unnamedTexts = unnamed.Descendants(XName.Get("text", "http://www.w3.org/2000/svg")).Select(t => t.Value).ToList();
        Assert.Contains("Concatenate", unnamedTexts);
        Assert.DoesNotContain("concat", unnamedTexts);
    }

    [Fact]
    public void ExpandedNestedModelsRender()
    {
        if (SkipWithoutGraphviz()) return;
        Keras.ClearSession();
        var innerIn = Keras.Input([4], name: "inner_in");
        var inner = new Model(innerIn, new Dense(2).Invoke(innerIn)) { Name = "inner" };
        var x = Keras.Input([4]);
        var model = new Model(x, inner.Invoke(new Dense(4).Invoke(x)));
        var svg = System.Text.Encoding.UTF8.GetString(Graphviz.Render(model.ToDot(expandNested: true, showShapes: true), "svg"));
        Assert.Contains("inner_in", XDocument.Parse(svg).ToString());
    }

    [Fact]
    public void DotExtensionWritesTheTextWithoutGraphviz()
    {
        string path = ModelDotTests.BranchyModel().PlotModel(Path.Combine(_dir, "model.dot"), showShapes: true);
        Assert.StartsWith("digraph \"branchy\" {", File.ReadAllText(path));
    }

    [Fact]
    public void WithoutGraphvizPlotModelWritesTheDotAndSaysWhatToInstall()
    {
        string? saved = Environment.GetEnvironmentVariable(Graphviz.DotVariable);
        Environment.SetEnvironmentVariable(Graphviz.DotVariable, Path.Combine(_dir, "no-such-dot"));
        try
        {
            Assert.False(Graphviz.IsAvailable);
            string target = Path.Combine(_dir, "out", "model.png");
            var e = Assert.Throws<GraphvizNotFoundException>(() => ModelDotTests.BranchyModel().PlotModel(target));
            Assert.Contains("You must install graphviz", e.Message);
            Assert.Contains("apt-get install graphviz", e.Message);
            Assert.Equal(Path.Combine(_dir, "out", "model.dot"), e.DotPath);
            Assert.Contains(e.DotPath!, e.Message);
            Assert.StartsWith("digraph \"branchy\" {", File.ReadAllText(e.DotPath!));
            Assert.False(File.Exists(target));
            Assert.Throws<GraphvizNotFoundException>(() => Graphviz.Render("digraph { a -> b }", "svg"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(Graphviz.DotVariable, saved);
        }
    }

    [Fact]
    public void GraphvizErrorsAreTyped()
    {
        if (SkipWithoutGraphviz()) return;
        var bad = Assert.Throws<GraphvizException>(() => Graphviz.Render("digraph { a -> ", "svg"));
        Assert.Contains("syntax error", bad.Message);
        Assert.Throws<ArgumentException>(() => Graphviz.Render("digraph { }", "png -o /tmp/x"));
        Assert.Equal("png", Graphviz.FormatOf("model"));
        Assert.Equal("svg", Graphviz.FormatOf("a/b/Model.SVG"));
    }

    [Fact]
    public void OpGraphsRenderThroughTheSameRunner()
    {
        if (SkipWithoutGraphviz()) return;
        var x = Tensor.From(new[,] { { 1f, 2f } });
        var f = TensorFunction.Trace((Tensor t) => Ops.Relu(Ops.MatMul(t, Tensor.From(new[,] { { 1f }, { -1f } }))));
        f.Invoke(x);
        string path = Path.Combine(_dir, "graph.svg");
        Graphviz.Save(f.ConcreteFunctions[0].Graph.ToDot(), path);
        Assert.Contains("MatMul", File.ReadAllText(path));
    }
}
