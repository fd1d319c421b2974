namespace LayerGen.Graphs.Tests;

/// <summary>A damaged SavedModel gives a typed error naming the file and what is wrong.</summary>
public class DamagedSavedModelTests
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

    [Fact]
    public void MissingVariables()
    {
        using var dir = new TempDir();
        var path = SaveOne(dir);
        Directory.Delete(Path.Combine(path, "variables"), recursive: true);
        var e = Assert.Throws<SavedModelFormatException>(() => SavedModel.Load(path));
        Assert.Contains("variables", e.File);
        Assert.Contains("missing", e.Message);
    }

    [Fact]
    public void DamagedVariablesData()
    {
        using var dir = new TempDir();
        var path = SaveOne(dir);
        var data = Directory.GetFiles(Path.Combine(path, "variables"), "*.data-*").Single();
        var bytes = File.ReadAllBytes(data);
        bytes[^3] ^= 0xFF;
        File.WriteAllBytes(data, bytes);
        var e = Assert.Throws<SavedModelFormatException>(() => SavedModel.Load(path));
        Assert.IsType<CheckpointFormatException>(e.InnerException, exactMatch: false);
    }

    [Fact]
    public void TruncatedGraphFile()
    {
        using var dir = new TempDir();
        var path = SaveOne(dir);
        var file = Path.Combine(path, "functions", "call_0.json");
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<SavedModelFormatException>(() => SavedModel.Load(path));
        Assert.EndsWith("call_0.json", e.File);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void MissingGraphFile()
    {
        using var dir = new TempDir();
        var path = SaveOne(dir);
        File.Delete(Path.Combine(path, "functions", "call_0.json"));
        var e = Assert.Throws<SavedModelFormatException>(() => SavedModel.Load(path));
        Assert.EndsWith("call_0.json", e.File);
    }

    [Fact]
    public void UnknownOpName()
    {
        using var dir = new TempDir();
        var path = SaveOne(dir);
        var file = Path.Combine(path, "functions", "call_0.json");
        File.WriteAllText(file, File.ReadAllText(file).Replace("\"op\": \"Relu\"", "\"op\": \"Frobnicate\""));
        var e = Assert.Throws<SavedModelFormatException>(() => SavedModel.Load(path));
        Assert.Contains("unknown op 'Frobnicate'", e.Message);
        Assert.Equal("Frobnicate", Assert.IsType<UnknownOpException>(e.InnerException).OpName);
    }

    [Fact]
    public void WrongAttributeType()
    {
        using var dir = new TempDir();
        var path = SaveOne(dir);
        var file = Path.Combine(path, "functions", "call_0.json");
        File.WriteAllText(file, File.ReadAllText(file).Replace("\"transpose_a\": false", "\"transpose_a\": 3"));
        var e = Assert.Throws<SavedModelFormatException>(() => SavedModel.Load(path));
        Assert.Contains("transpose_a", e.Message);
        Assert.IsType<OpAttributeException>(e.InnerException);
    }

    [Fact]
    public void NotASavedModel()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<SavedModelFormatException>(() => SavedModel.Load(dir.Path));
        Assert.Contains("saved_model.json", e.File);
    }

    [Fact]
    public void NewerVersion()
    {
        using var dir = new TempDir();
        var path = SaveOne(dir);
        var manifest = Path.Combine(path, "saved_model.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"version\": 1", "\"version\": 99"));
        var e = Assert.Throws<SavedModelFormatException>(() => SavedModel.Load(path));
        Assert.Contains("version 99", e.Message);
    }
}
