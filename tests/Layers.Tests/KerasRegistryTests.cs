using System.Text.Json.Nodes;

namespace LayerGen.Tests.Layers;

/// <summary><see cref="KerasRegistry{T}"/>: names, aliases, both serialized forms, and its errors.</summary>
public class KerasRegistryTests
{
    /// <summary>A kind of its own, so the tests do not depend on what else is registered.</summary>
    private sealed class Widget(string source, JsonObject config)
    {
        public string Source { get; } = source;
        public JsonObject Config { get; } = config;
    }

    static KerasRegistryTests()
    {
        KerasRegistry<Widget>.Register("keras.widgets>Gear", c => new Widget("gear", c), "gear", "cog");
        KerasRegistry<Widget>.Register("my_pkg>Gear", c => new Widget("custom gear", c));
    }

    [Fact]
    public void NamesAndAliasesResolve()
    {
        Assert.Equal("gear", KerasRegistry<Widget>.Get("gear").Source);
        Assert.Equal("gear", KerasRegistry<Widget>.Get("cog").Source);
        Assert.Equal("gear", KerasRegistry<Widget>.Get("Gear").Source);                  // a Keras package is kept under the class name
        Assert.Equal("gear", KerasRegistry<Widget>.Get("keras.widgets>Gear").Source);
        Assert.Equal("custom gear", KerasRegistry<Widget>.Get("my_pkg>Gear").Source);
        Assert.True(KerasRegistry<Widget>.IsRegistered("cog"));
        Assert.Equal(["Gear", "my_pkg>Gear"], KerasRegistry<Widget>.RegisteredNames);
        Assert.Empty(KerasRegistry<Widget>.Get("gear").Config);
    }

    [Fact]
    public void TheNestedFormIsLookedUpByRegisteredNameThenClassName()
    {
        var custom = new JsonObject { ["module"] = "my_pkg", ["class_name"] = "Gear", ["config"] = new JsonObject { ["teeth"] = 12 }, ["registered_name"] = "my_pkg>Gear" };
        var widget = KerasRegistry<Widget>.Deserialize(custom);
        Assert.Equal(("custom gear", 12), (widget.Source, widget.Config["teeth"]!.GetValue<int>()));
        var builtIn = new JsonObject { ["module"] = "keras.widgets", ["class_name"] = "Gear", ["config"] = new JsonObject(), ["registered_name"] = null };
        Assert.Equal("gear", KerasRegistry<Widget>.Deserialize(builtIn).Source);
        Assert.Equal("gear", KerasRegistry<Widget>.Deserialize(new JsonObject { ["class_name"] = "cog" }).Source);
        Assert.Equal("gear", KerasRegistry<Widget>.Deserialize(JsonValue.Create("cog")).Source);
    }

    [Fact]
    public void SerializeWritesKerasLayout()
    {
        Assert.Equal("""{"module":"keras.widgets","class_name":"Gear","config":{},"registered_name":null}""",
            KerasRegistry<Widget>.Serialize("keras.widgets>Gear", "Gear", []).ToJsonString());
        var custom = KerasRegistry<Widget>.Serialize("my_pkg>Gear", "Gear", new JsonObject { ["a"] = 1 });
        Assert.Equal(["module", "class_name", "config", "registered_name"], custom.Select(p => p.Key));
        Assert.Equal(("my_pkg", "my_pkg>Gear", 1), (custom["module"]!.GetValue<string>(), custom["registered_name"]!.GetValue<string>(), custom["config"]!["a"]!.GetValue<int>()));
    }

    [Fact]
    public void ErrorsAreConfigExceptions()
    {
        var unknown = Assert.Throws<ConfigException>(() => KerasRegistry<Widget>.Get("sprocket"));
        Assert.Equal("Unknown widget \"sprocket\". Known: Gear, my_pkg>Gear.", unknown.Message);
        Assert.Contains("needs a \"class_name\"", Assert.Throws<ConfigException>(() => KerasRegistry<Widget>.Deserialize(new JsonObject { ["config"] = new JsonObject() })).Message);
        Assert.Contains("must be a name or", Assert.Throws<ConfigException>(() => KerasRegistry<Widget>.Deserialize(new JsonArray())).Message);
        Assert.Contains("not an object", Assert.Throws<ConfigException>(() => KerasRegistry<Widget>.Deserialize(new JsonObject { ["class_name"] = "Gear", ["config"] = 3 })).Message);
        Assert.Throws<ConfigException>(() => Losses.Loss.Get("nope"));
        Assert.Throws<ConfigException>(() => Optimizers.Optimizer.Get("nope"));
        Assert.Throws<ConfigException>(() => Metrics.Metric.Get("nope"));
    }

    [Fact]
    public void EveryBuiltInKindIsRegisteredWithKerasAliases()
    {
        Assert.IsType<Losses.MeanSquaredError>(KerasRegistry<Losses.Loss>.Get("mse"));
        Assert.IsType<Metrics.AUC>(KerasRegistry<Metrics.Metric>.Get("auc"));
        Assert.IsType<Optimizers.Adam>(Optimizers.Optimizer.Get("ADAM"));
        Assert.IsType<GlorotUniformInitializer>(KerasRegistry<Initializer>.Get("glorot_uniform"));
        Assert.IsType<L1L2Regularizer>(KerasRegistry<Regularizer>.Get("l1_l2"));
        Assert.IsType<NonNegConstraint>(KerasRegistry<Constraint>.Get("non_neg"));
        Assert.Equal("relu", KerasRegistry<ActivationFunction>.Get("relu").Name);
        Assert.Equal(["CosineDecay", "ExponentialDecay", "InverseTimeDecay", "PiecewiseConstantDecay", "PolynomialDecay"],
            KerasRegistry<Optimizers.LearningRateSchedule>.RegisteredNames);
    }
}
