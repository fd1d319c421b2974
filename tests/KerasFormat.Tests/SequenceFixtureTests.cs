using System.Text.Json.Nodes;
using LayerGen.Formats.Keras;

namespace LayerGen.KerasFormat.Tests;

/// <summary>
/// The sequence layers against real Keras: Fixtures/sequence holds one <c>.keras</c> per case written by Keras 3.15.1
/// (Scripts/gen_sequence_fixtures.py: Embedding with int32/int64 ids and <c>mask_zero</c> on padded ids, Masking,
/// LSTM, GRU with both <c>reset_after</c>, SimpleRNN, RNN over each cell, <c>return_sequences</c>, <c>go_backwards</c>,
/// <c>zero_output_for_mask</c>) and reference.json with inputs, predictions, configs and weights. Each file loads
/// with <c>Model.Load</c> (int inputs rebuild on int placeholders), predicts Keras's values, has Keras's weights
/// and configs, and survives LayerGen's own save and load.
/// </summary>
public class SequenceFixtureTests
{
    private const string Folder = "sequence";
    private static readonly Lazy<JsonObject> Reference = new(() => (JsonObject)JsonNode.Parse(File.ReadAllText(ConvFixtureTests.PathOf(Folder, "reference.json")))!);

    /// <summary>Every case.</summary>
    public static IEnumerable<object[]> Cases() => ((JsonObject)Reference.Value["cases"]!).Select(kv => new object[] { kv.Key });

    /// <summary>The cases with a <c>.weights.h5</c> file.</summary>
    public static IEnumerable<object[]> WeightsFileCases() =>
        Cases().Where(c => File.Exists(ConvFixtureTests.PathOf(Folder, (string)c[0] + ".weights.h5")));

    private static JsonObject Case(string name) => (JsonObject)Reference.Value["cases"]![name]!;

    private static string PathOf(string name) => ConvFixtureTests.PathOf(Folder, name + ".keras");

    /// <summary>The recorded input <c>x</c> (batch 3) in its recorded dtype.</summary>
    private static Tensor Input(JsonObject c)
    {
        var dims = new List<int> { 3 };
        dims.AddRange(((JsonArray)c["input_shape"]!).Select(d => d!.GetValue<int>()));
        var shape = new Shape([.. dims]);
        var flat = Fixture.Flat(c["x"]);
        return c["input_dtype"]!.GetValue<string>() switch
        {
            "int32" => Tensor.From<int>(Array.ConvertAll(flat, v => (int)v), shape),
            "int64" => Tensor.From<long>(Array.ConvertAll(flat, v => (long)v), shape),
            _ => Tensor.From<float>(flat, shape),
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void LoadsAndPredictsLikeKeras(string name)
    {
        var c = Case(name);
        var model = Model.Load(PathOf(name));
        Assert.Equal(((JsonArray)c["class_names"]!).Select(n => n!.GetValue<string>()), model.Layers.Select(l => l.ClassName));
        var y = model.Predict(Input(c), verbose: 0);
        var expectedShape = new List<int> { 3 };
        expectedShape.AddRange(((JsonArray)c["output_shape"]!).Select(d => d!.GetValue<int>()));
        Assert.Equal(new Shape([.. expectedShape]), y.Shape);
        Fixture.Close(Fixture.Flat(c["y"]), y.ToFloatArray(), 2e-5f);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void HasKerasWeightsConfigsAndParameterCount(string name)
    {
        var c = Case(name);
        var model = Model.Load(PathOf(name));
        var expected = (JsonArray)c["weights"]!;
        var actual = model.Variables;
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var w = (JsonObject)expected[i]!;
            Assert.Equal(w["name"]!.GetValue<string>(), actual[i].Name);
            Assert.Equal(new Shape([.. ((JsonArray)w["shape"]!).Select(d => d!.GetValue<int>())]), actual[i].Shape);
            Fixture.Close(Fixture.Flat(w["values"]), actual[i].Value().ToFloatArray(), 0f);
        }
        Assert.Equal(c["count_params"]!.GetValue<long>(), model.CountParams());
        var configs = (JsonArray)c["configs"]!;
        for (int l = 0; l < configs.Count; l++)
        {
            var want = (JsonObject)configs[l]!;
            var got = model.Layers[l].GetConfig();
            foreach (var (key, value) in want)
            {
                if (key == "activity_regularizer" && value is null && !got.ContainsKey(key)) continue;
                Assert.True(got.ContainsKey(key), $"{name}: config key \"{key}\" is missing; LayerGen wrote {got.ToJsonString()}");
                Assert.True(JsonNode.DeepEquals(WithoutNullActivityRegularizer(value), got[key]), $"{name}: config key \"{key}\": Keras {value?.ToJsonString() ?? "null"}, LayerGen {got[key]?.ToJsonString() ?? "null"}");
            }
            foreach (var (key, _) in got)
                Assert.True(want.ContainsKey(key), $"{name}: LayerGen writes config key \"{key}\" that Keras does not");
        }
    }

    /// <summary>A nested layer config (RNN's cell, Bidirectional's layers) without Keras's <c>activity_regularizer: null</c>, which LayerGen leaves out.</summary>
    private static JsonNode? WithoutNullActivityRegularizer(JsonNode? node)
    {
        if (node is not JsonObject o) return node?.DeepClone();
        var copy = new JsonObject();
        foreach (var (k, v) in o)
            if (!(k == "activity_regularizer" && v is null)) copy[k] = WithoutNullActivityRegularizer(v);
        return copy;
    }

    [Theory]
    [MemberData(nameof(WeightsFileCases))]
    public void LoadsKerasWeightsFile(string name)
    {
        var c = Case(name);
        var model = Model.Load(PathOf(name));
        model.SetWeights([.. model.GetWeights().Select(w => Tensor.Zeros(w.Shape))]);
        model.LoadWeights(ConvFixtureTests.PathOf(Folder, name + ".weights.h5"));
        Fixture.Close(Fixture.Flat(c["y"]), model.Predict(Input(c), verbose: 0).ToFloatArray(), 2e-5f);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SavesAndLoadsBackWithTheSamePredictions(string name)
    {
        var c = Case(name);
        var model = Model.Load(PathOf(name));
        var path = Archives.Temp(".keras");
        try
        {
            model.Save(path);
            var back = Model.Load(path);
            Fixture.Close(Fixture.Flat(c["y"]), back.Predict(Input(c), verbose: 0).ToFloatArray(), 2e-5f);
            Assert.Equal(model.GetConfig().ToJsonString(), back.GetConfig().ToJsonString());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
