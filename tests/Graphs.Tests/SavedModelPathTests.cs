using System.Text.Json.Nodes;

namespace LayerGen.Graphs.Tests;

/// <summary>Every path a SavedModel manifest names resolves inside the SavedModel directory (issue 20, item 5).</summary>
public class SavedModelPathTests
{
    private static string SaveOne(TempDir dir, string name = "model")
    {
        var m = new SequentialModule { Name = "the_model" };
        var call = TensorFunction.Trace(m.Call);
        call.Invoke(Tensor.From(new[,] { { 2f, 2f, 2f } }));
        string path = dir[name];
        SavedModel.Save(m, path, call);
        return path;
    }

    private static void EditManifest(string path, Action<JsonObject> edit)
    {
        string file = Path.Combine(path, SavedModel.ManifestFile);
        var manifest = (JsonObject)JsonNode.Parse(File.ReadAllText(file))!;
        edit(manifest);
        File.WriteAllText(file, manifest.ToJsonString());
    }

    [Fact]
    public void AnAbsoluteVariablesPrefixIsRefused()
    {
        using var dir = new TempDir();
        var path = SaveOne(dir);
        var other = SaveOne(dir, "other");
        EditManifest(path, m => m["variables_prefix"] = Path.Combine(other, "variables", "variables"));
        var e = Assert.Throws<SavedModelFormatException>(() => SavedModel.Load(path));
        Assert.Contains("variables prefix", e.Message);
    }

    [Theory]
    [InlineData("../other/variables/variables")]
    [InlineData("variables/../../other/variables/variables")]
    public void AVariablesPrefixClimbingOutIsRefused(string prefix)
    {
        using var dir = new TempDir();
        var path = SaveOne(dir);
        SaveOne(dir, "other");
        EditManifest(path, m => m["variables_prefix"] = prefix);
        var e = Assert.Throws<SavedModelFormatException>(() => SavedModel.Load(path));
        Assert.Contains("outside the SavedModel directory", e.Message);
    }

    [Theory]
    [InlineData("../other/functions/call_0.json")]
    [InlineData("../../../../../../../../etc/hostname")]
    [InlineData("ABSOLUTE")]
    public void AGraphPathOutsideTheDirectoryIsRefused(string graph)
    {
        using var dir = new TempDir();
        var path = SaveOne(dir);
        var other = SaveOne(dir, "other");
        if (graph == "ABSOLUTE") graph = Path.Combine(other, "functions", "call_0.json");
        EditManifest(path, m => m["functions"]![0]!["concrete_functions"]![0]!["graph"] = graph);
        var e = Assert.Throws<SavedModelFormatException>(() => SavedModel.Load(path));
        Assert.Contains("graph file", e.Message);
    }

    [Fact]
    public void AGraphFileThatLinksOutsideIsRefused()
    {
        using var dir = new TempDir();
        var path = SaveOne(dir);
        var other = SaveOne(dir, "other");
        string graph = Path.Combine(path, "functions", "call_0.json");
        File.Delete(graph);
        try { File.CreateSymbolicLink(graph, Path.Combine(other, "functions", "call_0.json")); }
        catch (IOException) { return; } // no symbolic links on this file system
        catch (UnauthorizedAccessException) { return; }
        var e = Assert.Throws<SavedModelFormatException>(() => SavedModel.Load(path));
        Assert.Contains("outside the SavedModel directory", e.Message);
    }

    [Fact]
    public void TheUsualLayoutStillLoads()
    {
        using var dir = new TempDir();
        var path = SaveOne(dir);
        Assert.NotNull(SavedModel.Load(path));
    }
}
