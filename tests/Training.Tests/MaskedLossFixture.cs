using System.Text.Json.Nodes;

namespace LayerGen.Training.Tests;

/// <summary>
/// Keras 3.15.1's masked loss and metric numbers (Fixtures/keras-3.15.1-masked-loss.json, written by
/// Scripts/gen_masked_loss_fixture.py on the numpy backend), read by the masked-loss tests.
/// </summary>
internal static class MaskedLossFixture
{
    private static readonly JsonObject R = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "keras-3.15.1-masked-loss.json")))!;

    /// <summary>An int32 matrix stored under <paramref name="key"/>.</summary>
    public static Tensor Ints(string key)
    {
        var rows = (JsonArray)R[key]!;
        int cols = ((JsonArray)rows[0]!).Count;
        return Tensor.From<int>([.. rows.SelectMany(r => ((JsonArray)r!).Select(v => v!.GetValue<int>()))], [rows.Count, cols]);
    }

    /// <summary>A float tensor stored under <paramref name="key"/>.</summary>
    public static Tensor Floats(string key) => KerasFixtureTests.ToTensor(R[key]!);

    /// <summary>A number stored under <paramref name="key"/>.</summary>
    public static double D(string key) => R[key]!.GetValue<double>();

    /// <summary>The node stored under <paramref name="key"/>.</summary>
    public static JsonNode Node(string key) => R[key]!;
}
