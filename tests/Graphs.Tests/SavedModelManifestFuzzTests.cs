using System.Text;
using System.Text.Json.Nodes;

namespace LayerGen.Graphs.Tests;

/// <summary>Damaged SavedModel manifests and graphs give SavedModelFormatException or load (issue 20, item 6).</summary>
public class SavedModelManifestFuzzTests
{
    private static string SaveOne(TempDir dir)
    {
        var m = new SequentialModule { Name = "the_model" };
        var call = TensorFunction.Trace(m.Call);
        call.Invoke(Tensor.From(new[,] { { 2f, 2f, 2f } }));
        string path = dir["model"];
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

    [Theory]
    [InlineData("[-1, 3]")]
    [InlineData("[2000000000, 2000000000]")]
    [InlineData("[3.5]")]
    [InlineData("\"3\"")]
    public void ABadVariableShapeIsAFormatError(string shape)
    {
        using var dir = new TempDir();
        var path = SaveOne(dir);
        EditManifest(path, m => m["variables"]![0]!["shape"] = JsonNode.Parse(shape));
        var e = Assert.Throws<SavedModelFormatException>(() => SavedModel.Load(path));
        Assert.Contains("variable", e.Message);
    }

    [Theory]
    [InlineData("[4000, 4000]", "float32")]
    [InlineData("[2000, 3000]", "float64")]
    public void AVariableLargerThanTheCheckpointIsRefusedBeforeItIsAllocated(string shape, string dtype)
    {
        // Issue 20, item 7: a manifest of a few hundred bytes declaring a huge variable must not allocate it (the
        // variables were zero-filled before the checkpoint was checked against them).
        using var dir = new TempDir();
        var path = SaveOne(dir);
        EditManifest(path, m =>
        {
            m["variables"]![0]!["shape"] = JsonNode.Parse(shape);
            m["variables"]![0]!["dtype"] = dtype;
        });
        long filesBytes = Directory.GetFiles(path, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<SavedModelFormatException>(() => SavedModel.Load(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1_000_000 + 50 * filesBytes, $"the refused load allocated {allocated} bytes for {filesBytes} bytes of files");
        Assert.Contains("does not fit the manifest", e.Message);
        Assert.Contains(dtype, e.Message);
    }

    [Fact]
    public void AWronglyTypedValueIsNamedByWhereItIs()
    {
        // Issue 20, item 6: the message says what was being read, in our words, not only .NET's JSON text.
        using var dir = new TempDir();
        var path = SaveOne(dir);
        EditManifest(path, m => m["variables"]![1]!["name"] = 5);
        var e = Assert.Throws<SavedModelFormatException>(() => SavedModel.Load(path));
        Assert.Contains("variable 1 ('", e.Message);
        Assert.Contains("wrong JSON type", e.Message);
        Assert.IsType<InvalidOperationException>(e.InnerException);

        using var dir2 = new TempDir();
        var path2 = SaveOne(dir2);
        string graph = Path.Combine(path2, "functions", "call_0.json");
        var g = (JsonObject)JsonNode.Parse(File.ReadAllText(graph))!;
        g["outputs"] = JsonNode.Parse("[\"x\"]");
        File.WriteAllText(graph, g.ToJsonString());
        var e2 = Assert.Throws<SavedModelFormatException>(() => SavedModel.Load(path2));
        Assert.Contains("the graph's inputs and outputs", e2.Message);
    }

    [Fact]
    public void AGraphWithoutOutputsOrAFunctionWithoutConcreteFunctionsIsAFormatError()
    {
        using var dir = new TempDir();
        var path = SaveOne(dir);
        string graph = Path.Combine(path, "functions", "call_0.json");
        var g = (JsonObject)JsonNode.Parse(File.ReadAllText(graph))!;
        g["outputs"] = new JsonArray();
        File.WriteAllText(graph, g.ToJsonString());
        Assert.Contains("no outputs", Assert.Throws<SavedModelFormatException>(() => SavedModel.Load(path)).Message);

        var path2 = SaveOne(new TempDir());
        EditManifest(path2, m => m["functions"]![0]!["concrete_functions"] = new JsonArray());
        Assert.Contains("no concrete functions", Assert.Throws<SavedModelFormatException>(() => SavedModel.Load(path2)).Message);
    }

    [Fact]
    public void RandomDamageToTheManifestGivesFormatErrorsOrALoadedModule()
    {
        using var dir = new TempDir();
        var path = SaveOne(dir);
        string file = Path.Combine(path, SavedModel.ManifestFile);
        var good = File.ReadAllBytes(file);
        byte[] interesting = [.. "\"[]{}:,-0123456789e.tfn "u8, 0xFF];
        var random = new Random(623);
        for (int trial = 0; trial < 400; trial++)
        {
            var bad = (byte[])good.Clone();
            bad[random.Next(bad.Length)] = interesting[random.Next(interesting.Length)];
            File.WriteAllBytes(file, bad);
            try { SavedModel.Load(path); }
            catch (SavedModelFormatException) { }
            catch (Exception e) { Assert.Fail($"trial {trial}: {e.GetType().Name}: {e.Message}\n{Encoding.UTF8.GetString(bad)}"); }
        }
    }
}
