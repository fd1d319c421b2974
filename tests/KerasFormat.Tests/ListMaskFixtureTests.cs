using System.Text.Json.Nodes;
using LayerGen.Formats.Keras;

namespace LayerGen.KerasFormat.Tests;

/// <summary>
/// Functional models whose list-call layers get an explicit symbolic mask per input (Keras's
/// <c>Attention()([q, v], mask=[qm, vm])</c>, <c>AdditiveAttention()([q, v, k], mask=[None, vm])</c>), written by Keras
/// 3.15.1 (Scripts/gen_list_mask_fixtures.py, Fixtures/list-masks): the masks are bool model inputs, so they are inputs
/// of the layer's node. Each loads with <c>Model.Load</c>, predicts Keras's values, writes the <c>mask</c> list in its
/// config as Keras did (Keras tensors and nulls), and survives LayerGen's own save and load. With
/// <c>LAYERGEN_LIST_MASK_EXPORT_DIR</c> set, the resaved files (and LayerGen's own model with its inputs and outputs) are
/// kept for Scripts/check_layergen_list_mask_exports.py, which loads them in Keras.
/// </summary>
public class ListMaskFixtureTests
{
    private static readonly ModelFixtureCases Fixtures = new("list-masks", "LAYERGEN_LIST_MASK_EXPORT_DIR", "lg-list-masks-");

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
    public void WritesTheMaskListInItsConfigAsKeras(string name)
    {
        var c = Fixtures.Case(name);
        var model = Fixtures.Load(name);
        var layer = ((JsonArray)model.GetConfig()["layers"]!).Single(l => l!["name"]!.GetValue<string>() == c["merge_layer"]!.GetValue<string>())!;
        var written = (JsonArray)layer["inbound_nodes"]![0]!["kwargs"]!["mask"]!;
        var kerasMasks = (JsonArray)c["merge_node"]!["kwargs"]!["mask"]!;
        Assert.Equal(kerasMasks.Count, written.Count);
        for (int i = 0; i < written.Count; i++)
        {
            if (kerasMasks[i] is null)
            {
                Assert.Null(written[i]);
                continue;
            }
            Assert.Equal("__keras_tensor__", written[i]!["class_name"]!.GetValue<string>());
            Assert.Equal(kerasMasks[i]!["config"]!["keras_history"]!.ToJsonString(), written[i]!["config"]!["keras_history"]!.ToJsonString());
            Assert.Equal(kerasMasks[i]!["config"]!["shape"]!.ToJsonString(), written[i]!["config"]!["shape"]!.ToJsonString());
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SurvivesLayerGensSaveAndLoad(string name) => Fixtures.SurvivesLayerGensSaveAndLoad(name);

    /// <summary>
    /// LayerGen's own symbolic call with explicit masks (<c>Attention.Invoke(q, v, queryMask: qm, valueMask: vm)</c> on bool
    /// inputs): the masks are inputs of the model's graph (the prediction changes with them), the config writes them as a
    /// list, and a save and load predicts the same.
    /// </summary>
    [Fact]
    public void WritesItsOwnExplicitMaskList()
    {
        Keras.ClearSession();
        var q = Keras.Input([2, 3], name: "q");
        var v = Keras.Input([3, 3], name: "v");
        var vm = Keras.Input([3], dtype: DType.Bool, name: "vm");
        var attention = new Attention { Name = "att" };
        var model = new Model([q, v, vm], attention.Invoke(q, v, valueMask: vm)) { Name = "lg_list_mask" };
        var mask = (JsonArray)((JsonArray)model.GetConfig()["layers"]!).Single(l => l!["name"]!.GetValue<string>() == "att")!["inbound_nodes"]![0]!["kwargs"]!["mask"]!;
        Assert.Equal(2, mask.Count);
        Assert.Null(mask[0]);
        Assert.Equal("[\"vm\",0,0]", mask[1]!["config"]!["keras_history"]!.ToJsonString());
        var x = new[]
        {
            Tensor.From<float>([.. Enumerable.Range(0, 6).Select(i => i * 0.3f - 1)], new Shape(1, 2, 3)),
            Tensor.From<float>([.. Enumerable.Range(0, 9).Select(i => (i % 4) * 0.5f - 0.7f)], new Shape(1, 3, 3)),
        };
        var all = Tensor.From<bool>([true, true, true], new Shape(1, 3));
        var some = Tensor.From<bool>([true, false, false], new Shape(1, 3));
        var yAll = model.Predict([x[0], x[1], all], verbose: 0)[0].ToFloatArray();
        var ySome = model.Predict([x[0], x[1], some], verbose: 0)[0].ToFloatArray();
        Assert.True(yAll.Zip(ySome).Any(p => Math.Abs(p.First - p.Second) > 1e-3f), "the value mask changed nothing");
        // Only the first value step is kept: every query attends to it alone.
        Fixture.Close([.. Enumerable.Range(0, 2).SelectMany(_ => x[1].ToFloatArray().Take(3))], ySome, 1e-5f);
        Fixtures.InExportDirectory(dir =>
        {
            var path = Path.Combine(dir, "lg_list_mask.keras");
            model.Save(path);
            var loaded = Model.Load(path);
            Fixture.Close(ySome, loaded.Predict([x[0], x[1], some], verbose: 0)[0].ToFloatArray(), 1e-6f);
            Fixture.Close(yAll, loaded.Predict([x[0], x[1], all], verbose: 0)[0].ToFloatArray(), 1e-6f);
            var record = new JsonObject
            {
                ["inputs"] = new JsonArray(ModelFixtureCases.Record(x[0]), ModelFixtureCases.Record(x[1]), ModelFixtureCases.Record(some)),
                ["outputs"] = new JsonArray(new JsonObject
                {
                    ["shape"] = new JsonArray(1, 2, 3),
                    ["values"] = new JsonArray([.. ySome.Select(v => (JsonNode)(double)v)]),
                }),
            };
            File.WriteAllText(Path.Combine(dir, "lg_list_mask.json"), record.ToJsonString());
        });
    }
}
