using System.Text.Json.Nodes;

namespace LayerGen.KerasFormat.Tests;

/// <summary>The real Keras fixtures copied into Fixtures/.</summary>
public static class Fixture
{
    /// <summary>The fixture folders (one per Keras version).</summary>
    public static IEnumerable<object[]> Versions() => [["keras-3.11.3-torch"], ["keras-3.15.1-numpy"]];

    /// <summary>A file of a fixture folder.</summary>
    public static string PathOf(string version, string file) => Path.Combine(AppContext.BaseDirectory, "Fixtures", version, file);

    /// <summary>reference.json.</summary>
    public static JsonObject Reference(string version) => (JsonObject)JsonNode.Parse(File.ReadAllText(PathOf(version, "reference.json")))!;

    /// <summary>A nested JSON list of numbers, flattened.</summary>
    public static float[] Flat(JsonNode? node)
    {
        var list = new List<float>();
        void Walk(JsonNode? n)
        {
            if (n is JsonArray a) foreach (var i in a) Walk(i);
            else list.Add((float)n!.GetValue<double>());
        }
        Walk(node);
        return [.. list];
    }

    /// <summary>reference x or y as a tensor.</summary>
    public static Tensor Matrix(JsonObject reference, string key)
    {
        var a = (JsonArray)reference[key]!;
        int rows = a.Count, cols = ((JsonArray)a[0]!).Count;
        return Tensor.From<float>(Flat(a), new Shape(rows, cols));
    }

    /// <summary>Asserts elementwise closeness.</summary>
    public static void Close(float[] expected, float[] actual, float tol = 1e-5f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(MathF.Abs(expected[i] - actual[i]) <= tol * (1 + MathF.Abs(expected[i])), $"index {i}: expected {expected[i]}, got {actual[i]}");
    }
}
