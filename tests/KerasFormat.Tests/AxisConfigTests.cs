using System.Text.Json.Nodes;

namespace LayerGen.KerasFormat.Tests;

/// <summary>Axis-like arguments in every form Keras writes them (issue 20, item 1).</summary>
public class AxisConfigTests
{
    private static JsonObject KerasConfig()
        => (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "keras-3.15.1-layer-normalization-config.json")))!;

    [Fact]
    public void AKerasConfigWithALayerNormalizationAxisListLoads()
    {
        var config = KerasConfig();
        var model = Assert.IsType<Sequential>(LayerRegistry.Deserialize(config));
        var ln = model.Layers.OfType<LayerNormalization>().Single();
        Assert.Equal([-1], ln.Axes);
        var y = model.Predict(Tensor.From<float>([1, 2, 3, 4, 5, 6], new Shape(2, 3)), verbose: 0);
        Assert.Equal(2, y.Shape[0]);
    }

    [Fact]
    public void LayerNormalizationWritesTheAxisAsAListAsKerasDoes()
    {
        var config = new LayerNormalization().GetConfig();
        Assert.Equal("[-1]", config["axis"]!.ToJsonString());
    }

    [Theory]
    [InlineData("-1", new[] { -1 })]
    [InlineData("[-1]", new[] { -1 })]
    [InlineData("[1, 2]", new[] { 1, 2 })]
    public void LayerNormalizationReadsAnIntegerOrAList(string axisJson, int[] expected)
    {
        var config = new LayerNormalization().GetConfig();
        config["axis"] = JsonNode.Parse(axisJson);
        var layer = LayerNormalization.FromConfig(config);
        Assert.Equal(expected, layer.Axes);
        Assert.Equal(JsonNode.Parse(axisJson) is JsonArray ? axisJson.Replace(" ", "") : $"[{axisJson}]", layer.GetConfig()["axis"]!.ToJsonString());
    }

    [Fact]
    public void LayerNormalizationOverSeveralAxesSpansThemAll()
    {
        var ln = new LayerNormalization(axis: [1, 2], center: false, scale: false);
        var x = Tensor.From<float>([.. Enumerable.Range(0, 12).Select(i => (float)i)], new Shape(2, 2, 3));
        var y = ln.Invoke(x).ToFloatArray();
        for (int b = 0; b < 2; b++)
        {
            var sample = y.Skip(b * 6).Take(6).ToArray();
            Assert.Equal(0.0, sample.Average(), 4);
        }
        var built = new LayerNormalization(axis: [1, 2]);
        built.Invoke(x);
        Assert.Equal(new Shape(2, 3), built.Gamma!.Shape);
    }

    [Fact]
    public void AnAxisThatIsNeitherAnIntegerNorAListIsAConfigError()
    {
        var config = new LayerNormalization().GetConfig();
        config["axis"] = "last";
        Assert.Throws<ConfigException>(() => LayerNormalization.FromConfig(config));
        config["axis"] = new JsonArray();
        Assert.Throws<ConfigException>(() => LayerNormalization.FromConfig(config));
    }
}
