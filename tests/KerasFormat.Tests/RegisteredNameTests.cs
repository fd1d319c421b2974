using System.Text;
using System.Text.Json.Nodes;
using LayerGen.Formats.Keras;

namespace LayerGen.KerasFormat.Tests;

/// <summary>An unknown <c>registered_name</c> is refused even when <c>class_name</c> is registered (issue 20, item 8).</summary>
public class RegisteredNameTests
{
    private static string Good => Fixture.PathOf("keras-3.15.1-numpy", "seq_adam_fit1.keras");

    [Fact]
    public void AnArchiveWhoseLayerHasAnUnknownRegisteredNameIsRefusedNamingBoth()
    {
        var path = Archives.Rewrite(Good, (n, b) =>
        {
            if (n != "config.json") return b;
            var config = JsonNode.Parse(b)!;
            var dense = config["config"]!["layers"]!.AsArray().First(l => (string?)l!["class_name"] == "Dense")!;
            dense["registered_name"] = "evil_pkg>Dense";
            return Encoding.UTF8.GetBytes(config.ToJsonString());
        });
        Assert.Contains("evil_pkg", Archives.Config(path));
        var e = Assert.Throws<KerasFormatException>(() => Model.Load(path));
        Assert.Contains("evil_pkg>Dense", e.Message);
        Assert.Contains("'Dense'", e.Message);
    }

    [Fact]
    public void LayerRegistryRefusesAnUnknownRegisteredNameNamingBoth()
    {
        var serialized = LayerRegistry.Serialize(new Dense(3));
        Assert.IsType<Dense>(LayerRegistry.Deserialize(serialized));
        serialized["registered_name"] = "evil_pkg>Dense";
        var e = Assert.Throws<ConfigException>(() => LayerRegistry.Deserialize(serialized));
        Assert.Contains("evil_pkg>Dense", e.Message);
        Assert.Contains("'Dense'", e.Message);
    }

    [Fact]
    public void NestedKerasObjectsRefuseAnUnknownRegisteredNameNamingBoth()
    {
        var serialized = Initializers.Zeros().Serialize();
        Assert.NotNull(KerasRegistry<Initializer>.Deserialize(serialized));
        serialized["registered_name"] = "evil_pkg>Zeros";
        var e = Assert.Throws<ConfigException>(() => KerasRegistry<Initializer>.Deserialize(serialized));
        Assert.Contains("evil_pkg>Zeros", e.Message);
        Assert.Contains("'Zeros'", e.Message);
    }
}
