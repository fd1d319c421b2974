using System.Text.Json.Nodes;

namespace LayerGen.KerasFormat.Tests;

/// <summary>LayerRegistry.Deserialize refuses bad configs with ConfigException, not a bare .NET exception (issue 20, item 6).</summary>
public class DeserializeErrorTests
{
    private static JsonObject DenseWith(Action<JsonObject> edit)
    {
        var serialized = LayerRegistry.Serialize(new Dense(3));
        serialized["build_config"] = new JsonObject { ["input_shape"] = JsonNode.Parse("[null, 4]") };
        edit(serialized);
        return serialized;
    }

    [Theory]
    [InlineData("units", "0")]
    [InlineData("units", "-3")]
    [InlineData("units", "1000000000")]
    public void BadUnitsAreConfigErrors(string key, string value)
    {
        var serialized = DenseWith(s => s["config"]![key] = JsonNode.Parse(value));
        var e = Assert.Throws<ConfigException>(() => LayerRegistry.Deserialize(serialized));
        Assert.Contains("Dense", e.Message);
    }

    [Theory]
    [InlineData("[[]]")]
    [InlineData("[null, -4]")]
    [InlineData("[]")]
    public void ABadInputShapeIsAConfigError(string shape)
    {
        var serialized = DenseWith(s => s["build_config"]!["input_shape"] = JsonNode.Parse(shape));
        Assert.Throws<ConfigException>(() => LayerRegistry.Deserialize(serialized));
    }

    [Fact]
    public void DuplicateLayerNamesInASequentialAreAConfigError()
    {
        var model = new Sequential([new Dense(3) { Name = "a" }, new Dense(2) { Name = "b" }]);
        var serialized = LayerRegistry.Serialize(model);
        serialized["config"]!["layers"]![1]!["config"]!["name"] = "a";
        Assert.Throws<ConfigException>(() => LayerRegistry.Deserialize(serialized));
    }
}
