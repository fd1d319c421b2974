using System.Text.Json.Nodes;
using LayerGen.Formats.Keras;

namespace LayerGen.KerasFormat.Tests;

/// <summary>
/// The convolution layers against real Keras: Fixtures/conv holds one <c>.keras</c> per case written by Keras 3.15.1
/// (Scripts/gen_conv_fixtures.py) and reference.json with its inputs, predictions, configs, weights and parameter
/// counts; Fixtures/conv-keras-3.11.3-torch a subset written by Keras 3.11.3 on torch (its own config forms). Each file
/// loads with <c>Model.Load</c>, predicts Keras's values, has Keras's weights (names, shapes, values), parameter count
/// and (3.15.1) config, and survives LayerGen's own save and load; Keras's <c>.weights.h5</c> files load too.
/// </summary>
public class ConvFixtureTests
{
    /// <summary>The Keras 3.15.1 (numpy backend) folder.</summary>
    public const string Keras315 = "conv";

    /// <summary>The Keras 3.11.3 (torch backend) folder.</summary>
    public const string Keras311Torch = "conv-keras-3.11.3-torch";

    private static readonly Dictionary<string, JsonObject> References = [];

    private static JsonObject Reference(string folder)
    {
        lock (References)
        {
            if (!References.TryGetValue(folder, out var r))
                References[folder] = r = (JsonObject)JsonNode.Parse(File.ReadAllText(PathOf(folder, "reference.json")))!;
            return r;
        }
    }

    /// <summary>A file of a fixture folder.</summary>
    public static string PathOf(string folder, string file) => Path.Combine(AppContext.BaseDirectory, "Fixtures", folder, file);

    /// <summary>The case names of one folder's reference.json.</summary>
    public static IEnumerable<string> Names(string folder) => ((JsonObject)Reference(folder)["cases"]!).Select(kv => kv.Key);

    /// <summary>(folder, case) for every case of both folders.</summary>
    public static IEnumerable<object[]> Cases() =>
        Names(Keras315).Select(n => new object[] { Keras315, n }).Concat(Names(Keras311Torch).Select(n => new object[] { Keras311Torch, n }));

    /// <summary>The Keras 3.15.1 cases.</summary>
    public static IEnumerable<object[]> Keras315Cases() => Names(Keras315).Select(n => new object[] { n });

    /// <summary>The cases with a <c>.weights.h5</c> file.</summary>
    public static IEnumerable<object[]> WeightsFileCases() =>
        Names(Keras315).Where(n => File.Exists(PathOf(Keras315, n + ".weights.h5"))).Select(n => new object[] { n });

    /// <summary>One case of a folder's reference.json.</summary>
    public static JsonObject Case(string folder, string name) => (JsonObject)Reference(folder)["cases"]![name]!;

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
    public void LoadsAndPredictsLikeKeras(string folder, string name)
    {
        var c = Case(folder, name);
        var model = Model.Load(PathOf(folder, name + ".keras"));
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
    public void HasKerasWeightsAndParameterCount(string folder, string name)
    {
        var c = Case(folder, name);
        var model = Model.Load(PathOf(folder, name + ".keras"));
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
    public void SummaryShowsKerasOutputShapeAndParameterCount(string folder, string name)
    {
        var c = Case(folder, name);
        var model = Model.Load(PathOf(folder, name + ".keras"));
        var text = model.Summary(lineLength: 100, print: _ => { });
        var shape = "(None, " + string.Join(", ", ((JsonArray)c["output_shape"]!).Select(d => d!.GetValue<int>())) + ")";
        long count = c["count_params"]!.GetValue<long>();
        var row = text.Split('\n').Single(l => l.Contains($"({c["class_name"]!.GetValue<string>()})", StringComparison.Ordinal));
        Assert.Contains("│ " + shape + " ", row);
        Assert.EndsWith(" " + count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " │", row);
        Assert.Contains($" Total params: {count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} (", text);
    }

    [Theory]
    [MemberData(nameof(Keras315Cases))]
    public void WritesKerasConfig(string name)
    {
        var c = Case(Keras315, name);
        var layer = OnlyLayer(Model.Load(PathOf(Keras315, name + ".keras")));
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
    [MemberData(nameof(WeightsFileCases))]
    public void LoadsKerasWeightsFile(string name)
    {
        var c = Case(Keras315, name);
        var model = Model.Load(PathOf(Keras315, name + ".keras"));
        model.SetWeights([.. model.GetWeights().Select(w => Tensor.Zeros(w.Shape))]);
        Assert.NotEqual(Fixture.Flat(c["y"]), model.Predict(Input(c), verbose: 0).ToFloatArray());
        model.LoadWeights(PathOf(Keras315, name + ".weights.h5"));
        Fixture.Close(Fixture.Flat(c["y"]), model.Predict(Input(c), verbose: 0).ToFloatArray(), 2e-5f);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SavesAndLoadsBackWithTheSamePredictions(string folder, string name)
    {
        var c = Case(folder, name);
        var x = Input(c);
        var model = Model.Load(PathOf(folder, name + ".keras"));
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
