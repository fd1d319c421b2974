using System.Text.Json.Nodes;

namespace LayerGen.KerasFormat.Tests;

/// <summary>
/// The normalization, activation, noise and regularization layers of issue 18 against real Keras: every
/// <c>.keras</c> file in Fixtures/morelayers was written by Keras 3.15.1 (Scripts/gen_morelayers_fixtures.py) and
/// predicts (inference), once loaded here, what Keras predicted; each also survives LayerGen's own Save/Load. The
/// adapted Normalization files carry Keras's learned mean/variance, and LayerGen's Adapt on the same data learns
/// the same numbers.
/// </summary>
public class MoreLayersFixtureTests
{
    private static readonly Lazy<JsonObject> Reference = new(() =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "morelayers", "reference.json")))!);

    private static JsonObject Case(string name) => ((JsonArray)Reference.Value["cases"]!).Cast<JsonObject>().Single(c => (string)c["name"]! == name);

    /// <summary>The fixture names.</summary>
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var c in ((JsonArray)Reference.Value["cases"]!).Cast<JsonObject>()) data.Add((string)c["name"]!);
        return data;
    }

    private static Shape ShapeOf(JsonNode? node) => new([.. ((JsonArray)node!).Select(d => (int)d!)]);

    private static Tensor Input(JsonObject c) => Tensor.From<float>(Fixture.Flat(c["x"]), ShapeOf(c["x_shape"]));

    private static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "morelayers", name + ".keras");

    [Theory]
    [MemberData(nameof(Names))]
    public void KerasFilePredictsLikeKeras(string name)
    {
        var c = Case(name);
        var model = Model.Load(PathOf(name));
        var y = model.Predict(Input(c), verbose: 0);
        Assert.Equal(ShapeOf(c["y_shape"]), y.Shape);
        Fixture.Close(Fixture.Flat(c["y"]), y.ToFloatArray(), 2e-5f);
    }

    [Fact]
    public void EveryCaseWasCheckedAgainstTorchToo()
    {
        Assert.Equal("3.11.3", (string)Reference.Value["torch_keras_version"]!);
        foreach (var c in ((JsonArray)Reference.Value["cases"]!).Cast<JsonObject>())
            Assert.True((double)c["torch_max_abs_diff"]! < 1e-5, (string)c["name"]!);
    }

    private static Tensor AdaptData()
        => Tensor.From<float>(Fixture.Flat(Reference.Value["adapt_data"]), ShapeOf(Reference.Value["adapt_shape"]));

    [Theory]
    [InlineData("norm_adapt")]
    [InlineData("norm_adapt_axis_none")]
    [InlineData("norm_adapt_axes")]
    [InlineData("norm_adapt_invert")]
    [InlineData("norm_adapt_batches")]
    public void AdaptedStatisticsLoadAndAdaptLearnsKerasNumbers(string name)
    {
        var c = Case(name);
        var model = Model.Load(PathOf(name));
        var loaded = Assert.IsType<Normalization>(model.Layers[^1]);
        Fixture.Close(Fixture.Flat(c["adapt_mean"]), loaded.AdaptMean!.ToFloatArray());
        Fixture.Close(Fixture.Flat(c["adapt_variance"]), loaded.AdaptVariance!.ToFloatArray());
        Assert.Equal(DType.Int32, loaded.Count!.DType);

        var fresh = (Normalization)LayerRegistry.Deserialize(LayerRegistry.Serialize(new Normalization(loaded.Axes.ToArray(), invert: loaded.Invert)));
        var data = AdaptData();
        if (name == "norm_adapt_batches")
        {
            var cuts = ((JsonArray)Reference.Value["adapt_batches"]!).Select(n => (int)n!).ToArray();
            fresh.Adapt([Ops.Slice(data, [0, 0, 0], [cuts[0], 3, 4]), Ops.Slice(data, [cuts[0], 0, 0], [cuts[1] - cuts[0], 3, 4]),
                Ops.Slice(data, [cuts[1], 0, 0], [20 - cuts[1], 3, 4])]);
        }
        else
        {
            fresh.Adapt(data);
        }
        Fixture.Close(Fixture.Flat(c["adapt_mean"]), fresh.AdaptMean!.ToFloatArray(), 1e-5f);
        Fixture.Close(Fixture.Flat(c["adapt_variance"]), fresh.AdaptVariance!.ToFloatArray(), 1e-4f);
        var firstBatch = name == "norm_adapt_batches" ? "[7,3,4]" : "[20,3,4]";
        Assert.Equal("{\"input_shape\":" + firstBatch + "}", fresh.BuildConfig!.ToJsonString()); // Keras records the adapted data's shape
        Fixture.Close(Fixture.Flat(c["y"]), fresh.Invoke(Input(c)).ToFloatArray(), 1e-4f);
    }

    [Fact]
    public void MaskedSoftmaxMatchesKeras()
    {
        var r = (JsonObject)Reference.Value["masked_softmax"]!;
        var shape = ShapeOf(r["shape"]);
        var x = Tensor.From<float>(Fixture.Flat(r["x"]), shape);
        var mask = Tensor.From<float>(Fixture.Flat(r["mask"]), shape);
        var layer = new Softmax();
        Fixture.Close(Fixture.Flat(r["y"]), layer.Invoke(x, mask).ToFloatArray());
        Fixture.Close(Fixture.Flat(r["y"]), layer.Invoke(x, Ops.Greater(mask, Tensor.Scalar(0f))).ToFloatArray());
    }

    /// <summary>
    /// LayerGen's Save then Load gives the same predictions. With LAYERGEN_MORELAYERS_REVERSE_DIR set, the saved files
    /// and LayerGen's predictions are also written there for Scripts/check_morelayers_reverse.py (real Keras loads them).
    /// </summary>
    [Theory]
    [MemberData(nameof(Names))]
    public void LayerGenSaveAndLoadKeepThePredictions(string name)
    {
        var c = Case(name);
        var x = Input(c);
        var model = Model.Load(PathOf(name));
        var reverse = Environment.GetEnvironmentVariable("LAYERGEN_MORELAYERS_REVERSE_DIR");
        var dir = reverse ?? Path.Combine(Path.GetTempPath(), "layergen-morelayers-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name + ".keras");
        try
        {
            model.Save(path);
            var loaded = Model.Load(path);
            Assert.Equal(model.Layers.Select(l => l.GetType()), loaded.Layers.Select(l => l.GetType()));
            foreach (var (a, b) in model.Layers.Zip(loaded.Layers)) Assert.Equal(a.GetConfig().ToJsonString(), b.GetConfig().ToJsonString());
            var y = model.Predict(x, verbose: 0);
            Assert.Equal(y.ToFloatArray(), loaded.Predict(x, verbose: 0).ToFloatArray());
            if (reverse is not null)
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
            if (reverse is null) Directory.Delete(dir, recursive: true);
        }
    }
}
