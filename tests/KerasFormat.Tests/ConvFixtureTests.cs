using System.Text.Json.Nodes;
using LayerGen.Formats.Keras;

namespace LayerGen.KerasFormat.Tests;

/// <summary>
/// The convolution layers against real Keras: Fixtures/conv holds one <c>.keras</c> per case written by Keras 3.15.1
/// (Scripts/gen_conv_fixtures.py) and reference.json with its inputs, predictions, configs, weights and parameter
/// counts. Each file loads with <c>Model.Load</c>, predicts Keras's values, has Keras's weights (names, shapes, values)
/// and config, and survives LayerGen's own save and load.
/// </summary>
public class ConvFixtureTests
{
    private static readonly Lazy<JsonObject> Reference = new(() =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(PathOf("reference.json")))!);

    /// <summary>A file of Fixtures/conv.</summary>
    public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "conv", file);

    /// <summary>The case names of reference.json.</summary>
    public static IEnumerable<object[]> Cases() => ((JsonObject)Reference.Value["cases"]!).Select(kv => new object[] { kv.Key });

    /// <summary>One case of reference.json.</summary>
    public static JsonObject Case(string name) => (JsonObject)Reference.Value["cases"]![name]!;

    /// <summary>The recorded input <c>x</c> as a tensor (batch 2).</summary>
    public static Tensor Input(JsonObject c)
    {
        var dims = new List<int> { 2 };
        dims.AddRange(((JsonArray)c["input_shape"]!).Select(d => d!.GetValue<int>()));
        return Tensor.From<float>(Fixture.Flat(c["x"]), new Shape([.. dims]));
    }

    private static Layer OnlyLayer(Model model)
    {
        var layers = model.Layers;
        Assert.Single(layers);
        return layers[0];
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void LoadsAndPredictsLikeKeras(string name)
    {
        var c = Case(name);
        var model = Model.Load(PathOf(name + ".keras"));
        var layer = OnlyLayer(model);
        Assert.Equal(c["class_name"]!.GetValue<string>(), layer.ClassName);
        var y = model.Predict(Input(c), verbose: 0);
        var expectedShape = new List<int> { 2 };
        expectedShape.AddRange(((JsonArray)c["output_shape"]!).Select(d => d!.GetValue<int>()));
        Assert.Equal(new Shape([.. expectedShape]), y.Shape);
        Fixture.Close(Fixture.Flat(c["y"]), y.ToFloatArray(), 2e-5f);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void HasKerasWeightsAndParameterCount(string name)
    {
        var c = Case(name);
        var model = Model.Load(PathOf(name + ".keras"));
        var layer = OnlyLayer(model);
        var expected = (JsonArray)c["weights"]!;
        var actual = layer.Variables;
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var w = (JsonObject)expected[i]!;
            Assert.Equal(w["name"]!.GetValue<string>(), actual[i].Name);
            Assert.Equal(new Shape([.. ((JsonArray)w["shape"]!).Select(d => d!.GetValue<int>())]), actual[i].Shape);
            Fixture.Close(Fixture.Flat(w["values"]), actual[i].Value().ToFloatArray(), 0f);
        }
        Assert.Equal(c["count_params"]!.GetValue<long>(), model.CountParams());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void WritesKerasConfig(string name)
    {
        var c = Case(name);
        var layer = OnlyLayer(Model.Load(PathOf(name + ".keras")));
        var expected = (JsonObject)c["config"]!;
        var actual = layer.GetConfig();
        foreach (var (key, value) in expected)
        {
            // LayerGen leaves out activity_regularizer when none is set (as for Dense); Keras writes null.
            if (key == "activity_regularizer" && value is null && !actual.ContainsKey(key))
                continue;
            Assert.True(actual.ContainsKey(key), $"{name}: config key \"{key}\" is missing; LayerGen wrote {actual.ToJsonString()}");
            Assert.True(JsonNode.DeepEquals(value, actual[key]), $"{name}: config key \"{key}\": Keras {value?.ToJsonString() ?? "null"}, LayerGen {actual[key]?.ToJsonString() ?? "null"}");
        }
        foreach (var (key, _) in actual)
            Assert.True(expected.ContainsKey(key), $"{name}: LayerGen writes config key \"{key}\" that Keras does not");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SavesAndLoadsBackWithTheSamePredictions(string name)
    {
        var c = Case(name);
        var x = Input(c);
        var model = Model.Load(PathOf(name + ".keras"));
        var path = Archives.Temp(".keras");
        try
        {
            model.Save(path);
            var back = Model.Load(path);
            Fixture.Close(Fixture.Flat(c["y"]), back.Predict(x, verbose: 0).ToFloatArray(), 2e-5f);
            Assert.Equal(OnlyLayer(model).GetConfig().ToJsonString(), OnlyLayer(back).GetConfig().ToJsonString());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
