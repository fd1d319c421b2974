using System.Text.Json.Nodes;
using LayerGen.Formats.Keras;
using LayerGen.Optimizers;

namespace LayerGen.KerasFormat.Tests;

/// <summary>
/// One training step of sequence models continued on both sides: Fixtures/sequence-train-torch holds models saved by
/// Keras 3.11.3 on torch before a <c>train_on_batch</c> with SGD(0.1) and MSE, and the weights after it
/// (Scripts/gen_sequence_training_fixture.py). LayerGen loads each model, trains on the same batch and reaches the same
/// weights (Embedding with mask_zero into an LSTM, GRU into SimpleRNN, Bidirectional GRU with reset_after=False).
/// </summary>
public class SequenceTrainingStepTests
{
    private const string Folder = "sequence-train-torch";
    private static readonly Lazy<JsonObject> Reference = new(() => (JsonObject)JsonNode.Parse(File.ReadAllText(ConvFixtureTests.PathOf(Folder, "reference.json")))!);

    /// <summary>Every case.</summary>
    public static IEnumerable<object[]> Cases() => ((JsonObject)Reference.Value["cases"]!).Select(kv => new object[] { kv.Key });

    private static Tensor Batch(JsonObject c, string key, string dtype, JsonArray shape)
    {
        var dims = new List<int> { 4 };
        dims.AddRange(shape.Select(d => d!.GetValue<int>()));
        var flat = Fixture.Flat(c[key]);
        return dtype == "int32" ? Tensor.From<int>(Array.ConvertAll(flat, v => (int)v), new Shape([.. dims])) : Tensor.From<float>(flat, new Shape([.. dims]));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void OneSgdStepGivesKerasWeights(string name)
    {
        var c = (JsonObject)Reference.Value["cases"]![name]!;
        var model = Model.Load(ConvFixtureTests.PathOf(Folder, name + ".keras"));
        model.Compile(new SGD(0.1), "mse");
        var x = Batch(c, "x", c["input_dtype"]!.GetValue<string>(), (JsonArray)c["input_shape"]!);
        var y = Batch(c, "y", "float32", (JsonArray)c["output_shape"]!);
        var logs = model.TrainOnBatch(x, y);
        Assert.Equal(c["loss"]!.GetValue<double>(), logs["loss"], 4);
        var after = (JsonArray)c["weights_after"]!;
        var variables = model.Variables;
        Assert.Equal(after.Count, variables.Count);
        for (int i = 0; i < after.Count; i++)
            Fixture.Close(Fixture.Flat(after[i]!["values"]), variables[i].Value().ToFloatArray(), 2e-5f);
    }
}
