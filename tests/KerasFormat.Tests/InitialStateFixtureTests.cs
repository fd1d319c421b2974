using System.Text.Json.Nodes;
using LayerGen.Formats.Keras;

namespace LayerGen.KerasFormat.Tests;

/// <summary>
/// Functional models whose recurrent layers start from states passed in the call (Keras's
/// <c>layer(x, initial_state=[h, c])</c>), written by Keras 3.15.1 (Scripts/gen_initial_state_fixtures.py,
/// Fixtures/initial-state): the LSTM encoder-decoder, a GRU encoder-decoder over masked ids with two outputs, a GRU
/// starting from a model input, a Bidirectional LSTM starting from four model inputs. Each loads with
/// <c>Model.Load</c>, predicts Keras's values, writes the call's <c>initial_state</c> in its config as Keras did, and
/// survives LayerGen's own save and load. With <c>LAYERGEN_INITIAL_STATE_EXPORT_DIR</c> set, the resaved files and
/// their inputs are kept for Scripts/check_layergen_initial_state_exports.py, which loads them in Keras.
/// </summary>
public class InitialStateFixtureTests
{
    private static readonly ModelFixtureCases Fixtures = new("initial-state", "LAYERGEN_INITIAL_STATE_EXPORT_DIR", "lg-initial-state-");

    /// <summary>Every case.</summary>
    public static IEnumerable<object[]> Cases() => Fixtures.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void LoadsAndPredictsLikeKeras(string name)
    {
        var c = Fixtures.Case(name);
        var model = Fixtures.Load(name);
        Assert.Equal(c["count_params"]!.GetValue<long>(), model.CountParams());
        ModelFixtureCases.PredictsLikeKeras(model, c);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void WritesTheInitialStateInItsConfigAsKeras(string name)
    {
        var c = Fixtures.Case(name);
        var model = Fixtures.Load(name);
        var layer = ((JsonArray)model.GetConfig()["layers"]!).Single(l => l!["name"]!.GetValue<string>() == c["state_layer"]!.GetValue<string>())!;
        var written = (JsonArray)layer["inbound_nodes"]![0]!["kwargs"]!["initial_state"]!;
        var kerasStates = (JsonArray)c["state_node"]!["kwargs"]!["initial_state"]!;
        Assert.Equal(kerasStates.Count, written.Count);
        for (int i = 0; i < written.Count; i++)
        {
            Assert.Equal("__keras_tensor__", written[i]!["class_name"]!.GetValue<string>());
            Assert.Equal(kerasStates[i]!["config"]!["keras_history"]!.ToJsonString(), written[i]!["config"]!["keras_history"]!.ToJsonString());
            Assert.Equal(kerasStates[i]!["config"]!["shape"]!.ToJsonString(), written[i]!["config"]!["shape"]!.ToJsonString());
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SurvivesLayerGensSaveAndLoad(string name) => Fixtures.SurvivesLayerGensSaveAndLoad(name);

    /// <summary>A seq2seq model built from LayerGen's constructors (LSTM encoder, Bidirectional GRU decoder from the encoder's state twice).</summary>
    [Fact]
    public void WritesItsOwnEncoderDecoderForKeras()
    {
        Keras.ClearSession();
        var source = Keras.Input([5, 3], name: "source");
        var target = Keras.Input([4, 2], name: "target");
        var encoded = new GRU(3, returnState: true) { Name = "encoder" }.Invoke(source);
        var decoder = new Bidirectional(new GRU(3, returnSequences: true), mergeMode: "sum") { Name = "decoder" };
        var decoded = decoder.InvokeWithInitialState(target, [encoded[1], encoded[1]]);
        var model = new Model([source, target], new Dense(2) { Name = "head" }.Invoke(decoded[0])) { Name = "lg_seq2seq" };
        var rng = new Random(17);
        Tensor Random(params int[] shape) => Tensor.From<float>([.. Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(_ => (float)(rng.NextDouble() * 2 - 1))], new Shape(shape));
        var x = new[] { Random(3, 5, 3), Random(3, 4, 2) };
        var y = model.Predict(x, verbose: 0)[0];
        Fixtures.InExportDirectory(dir =>
        {
            var path = Path.Combine(dir, "lg_seq2seq.keras");
            model.Save(path);
            Fixture.Close(y.ToFloatArray(), Model.Load(path).Predict(x, verbose: 0)[0].ToFloatArray(), 1e-6f);
            var record = new JsonObject
            {
                ["inputs"] = new JsonArray([.. x.Select(t => (JsonNode)ModelFixtureCases.Record(t))]),
                ["outputs"] = new JsonArray(new JsonObject
                {
                    ["shape"] = new JsonArray([.. Enumerable.Range(0, y.Rank).Select(d => (JsonNode)y.Shape[d])]),
                    ["values"] = new JsonArray([.. y.ToFloatArray().Select(v => (JsonNode)(double)v)]),
                }),
            };
            File.WriteAllText(Path.Combine(dir, "lg_seq2seq.json"), record.ToJsonString());
        });
    }
}
