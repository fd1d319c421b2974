using System.Text;
using System.Text.Json.Nodes;
using LayerGen.Formats.Keras;
using LayerGen.Layers;

namespace LayerGen.KerasFormat.Tests;

/// <summary>A Sequential without layers in a file (issue 20, item 6): refused in Keras's words when it must be built.</summary>
public class EmptySequentialTests
{
    private static string ArchiveWith(Func<JsonObject, JsonObject> edit)
    {
        var good = Fixture.PathOf("keras-3.15.1-numpy", "seq_plain.keras");
        return Archives.Rewrite(good, (n, b) =>
        {
            if (n != "config.json") return b;
            var config = (JsonObject)JsonNode.Parse(b)!;
            return Encoding.UTF8.GetBytes(edit(config).ToJsonString());
        });
    }

    [Fact]
    public void AnEmptySequentialWithABuildShapeIsRefusedInKerasWords()
    {
        var path = ArchiveWith(c =>
        {
            c["config"]!["layers"] = new JsonArray();
            return c;
        });
        var e = Assert.Throws<KerasFormatException>(() => Model.Load(path));
        Assert.Contains("cannot be built because it has no layers", e.Message);
        Assert.DoesNotContain("InvalidOperationException", e.Message);
        Assert.IsType<ConfigException>(e.InnerException, exactMatch: false);
    }

    [Fact]
    public void DeserializingAnEmptySequentialWithABuildConfigIsAConfigError()
    {
        var serialized = LayerRegistry.Serialize(new Sequential([new Dense(2)]));
        serialized["config"]!["layers"] = new JsonArray();
        serialized["config"]!["build_input_shape"] = JsonNode.Parse("[null, 3]");
        serialized["build_config"] = new JsonObject { ["input_shape"] = JsonNode.Parse("[null, 3]") };
        var e = Assert.Throws<ConfigException>(() => LayerRegistry.Deserialize(serialized));
        Assert.Contains("cannot be built because it has no layers", e.Message);
    }
}
