using System.Text.Json.Nodes;
using LayerGen.Formats.Keras;

namespace LayerGen.KerasFormat.Tests;

/// <summary>
/// A folder of whole-model fixtures written by real Keras (one <c>.keras</c> file per case and a reference.json whose
/// <c>cases</c> record each case's inputs, with their dtypes, and Keras's outputs), and a directory for the files LayerGen
/// writes back: the one named by <paramref name="exportVariable"/> when it is set (kept for the Scripts/check_*.py that
/// loads them in Keras), else a temporary one deleted afterwards.
/// </summary>
public sealed class ModelFixtureCases(string folder, string exportVariable, string tempPrefix)
{
    private readonly Lazy<JsonObject> reference = new(() => (JsonObject)JsonNode.Parse(File.ReadAllText(ConvFixtureTests.PathOf(folder, "reference.json")))!);

    /// <summary>Every case's name, as xUnit member data.</summary>
    public IEnumerable<object[]> Cases() => ((JsonObject)reference.Value["cases"]!).Select(kv => new object[] { kv.Key });

    /// <summary>One case's record.</summary>
    public JsonObject Case(string name) => (JsonObject)reference.Value["cases"]![name]!;

    /// <summary>The case's model as Keras saved it.</summary>
    public Model Load(string name) => Model.Load(ConvFixtureTests.PathOf(folder, name + ".keras"));

    /// <summary>The case's inputs (float32, int32 or bool, as recorded).</summary>
    public static Tensor[] Inputs(JsonObject c) => [.. ((JsonArray)c["inputs"]!).Select(node =>
    {
        var shape = new Shape([.. ((JsonArray)node!["shape"]!).Select(d => d!.GetValue<int>())]);
        var flat = Fixture.Flat(node["values"]);
        return node["dtype"]!.GetValue<string>() switch
        {
            "int32" => Tensor.From<int>(Array.ConvertAll(flat, v => (int)v), shape),
            "bool" => Tensor.From<bool>([.. flat.Select(v => v != 0)], shape),
            _ => Tensor.From<float>(flat, shape),
        };
    })];

    /// <summary>A tensor as reference.json records an input: dtype (float32, int32 or bool), shape and values.</summary>
    public static JsonObject Record(Tensor t) => new()
    {
        ["dtype"] = t.DType == DType.Bool ? "bool" : t.DType == DType.Int32 ? "int32" : "float32",
        ["shape"] = new JsonArray([.. Enumerable.Range(0, t.Rank).Select(d => (JsonNode)t.Shape[d])]),
        ["values"] = new JsonArray([.. t.ToFloatArray().Select(v => (JsonNode)(double)v)]),
    };

    /// <summary>Asserts that <paramref name="model"/> predicts the case's recorded outputs (shapes and values).</summary>
    public static void PredictsLikeKeras(Model model, JsonObject c)
    {
        var y = model.Predict(Inputs(c), verbose: 0);
        var expected = (JsonArray)c["outputs"]!;
        Assert.Equal(expected.Count, y.Length);
        for (int i = 0; i < y.Length; i++)
        {
            Assert.Equal(new Shape([.. ((JsonArray)expected[i]!["shape"]!).Select(d => d!.GetValue<int>())]), y[i].Shape);
            Fixture.Close(Fixture.Flat(expected[i]!["values"]), y[i].ToFloatArray(), 2e-5f);
        }
    }

    /// <summary>Runs <paramref name="write"/> with the export directory (kept or temporary, see the class).</summary>
    public void InExportDirectory(Action<string> write)
    {
        var kept = Environment.GetEnvironmentVariable(exportVariable);
        var dir = kept ?? Path.Combine(Path.GetTempPath(), tempPrefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            write(dir);
        }
        finally
        {
            if (kept is null) Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The case's model saved by LayerGen (as resaved_<c>name</c>.keras) and loaded again predicts Keras's values.</summary>
    public void SurvivesLayerGensSaveAndLoad(string name)
    {
        var c = Case(name);
        var model = Load(name);
        InExportDirectory(dir =>
        {
            var path = Path.Combine(dir, "resaved_" + name + ".keras");
            model.Save(path);
            PredictsLikeKeras(Model.Load(path), c);
        });
    }
}
