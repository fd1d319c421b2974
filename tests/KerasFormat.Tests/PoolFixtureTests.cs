using System.Text.Json.Nodes;

namespace LayerGen.KerasFormat.Tests;

/// <summary>
/// The pooling, reshaping, upsampling and spatial-dropout layers against real Keras: every <c>.keras</c> file in
/// Fixtures/pool was written by Keras 3.15.1 (Scripts/gen_pool_fixtures.py) and predicts, once loaded here, what Keras
/// predicted; each also survives LayerGen's own Save/Load.
/// </summary>
public class PoolFixtureTests
{
    private static readonly Lazy<JsonObject> Reference = new(() =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "pool", "reference.json")))!);

    private static JsonObject Case(string name) => ((JsonArray)Reference.Value["cases"]!).Cast<JsonObject>().Single(c => (string)c["name"]! == name);

    /// <summary>The fixture names.</summary>
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var c in ((JsonArray)Reference.Value["cases"]!).Cast<JsonObject>()) data.Add((string)c["name"]!);
        return data;
    }

    private static Tensor Input(JsonObject c) => Tensor.From<float>(Fixture.Flat(c["x"]), new Shape([.. ((JsonArray)c["x_shape"]!).Select(d => (int)d!)]));

    private static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "pool", name + ".keras");

    [Theory]
    [MemberData(nameof(Names))]
    public void KerasFilePredictsLikeKeras(string name)
    {
        var c = Case(name);
        var model = Model.Load(PathOf(name));
        var y = model.Predict(Input(c), verbose: 0);
        Assert.Equal(new Shape([.. ((JsonArray)c["y_shape"]!).Select(d => (int)d!)]), y.Shape);
        Fixture.Close(Fixture.Flat(c["y"]), y.ToFloatArray());
    }

    /// <summary>
    /// LayerGen's Save then Load gives the same predictions. With LAYERGEN_POOL_REVERSE_DIR set, the saved files and
    /// LayerGen's predictions are also written there for Scripts/check_pool_reverse.py (real Keras loads them).
    /// </summary>
    [Theory]
    [MemberData(nameof(Names))]
    public void LayerGenSaveAndLoadKeepThePredictions(string name)
    {
        var c = Case(name);
        var x = Input(c);
        var model = Model.Load(PathOf(name));
        var dir = Environment.GetEnvironmentVariable("LAYERGEN_POOL_REVERSE_DIR") ?? Path.Combine(Path.GetTempPath(), "layergen-pool-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name + ".keras");
        try
        {
            model.Save(path);
            var loaded = Model.Load(path);
            Assert.Equal(model.GetType(), loaded.GetType());
            Assert.Equal(model.Layers.Select(l => l.GetType()), loaded.Layers.Select(l => l.GetType()));
            foreach (var (a, b) in model.Layers.Zip(loaded.Layers)) Assert.Equal(a.GetConfig().ToJsonString(), b.GetConfig().ToJsonString());
            var y = model.Predict(x, verbose: 0);
            Assert.Equal(y.ToFloatArray(), loaded.Predict(x, verbose: 0).ToFloatArray());
            if (Environment.GetEnvironmentVariable("LAYERGEN_POOL_REVERSE_DIR") is not null)
            {
                var record = new JsonObject
                {
                    ["x_shape"] = new JsonArray([.. x.Shape.ToArray().Select(d => (JsonNode)d)]),
                    ["x"] = new JsonArray([.. x.ToFloatArray().Select(v => (JsonNode)v)]),
                    ["y_shape"] = new JsonArray([.. y.Shape.ToArray().Select(d => (JsonNode)d)]),
                    ["y"] = new JsonArray([.. y.ToFloatArray().Select(v => (JsonNode)v)]),
                };
                File.WriteAllText(Path.Combine(dir, name + ".json"), record.ToJsonString());
            }
        }
        finally
        {
            if (Environment.GetEnvironmentVariable("LAYERGEN_POOL_REVERSE_DIR") is null) Directory.Delete(dir, recursive: true);
        }
    }
}
