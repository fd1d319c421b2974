using System.Text.Json.Nodes;

namespace LayerGen.KerasFormat.Tests;

/// <summary>
/// Layer arguments checked against Keras 3.15.1 (Fixtures/multiio/layer_configs.json, written by
/// Scripts/gen_multiio_layer_configs.py): Rescaling's per-channel lists, Normalization's nested-list mean/variance,
/// MultiHeadAttention's build_config <c>key_shape</c>, and EinsumDense's kernel initializer fans over the kernel's input
/// and output axes.
/// </summary>
public class MultiIOLayerConfigTests
{
    private static readonly Lazy<JsonObject> Cases = new(() => (JsonObject)JsonNode.Parse(File.ReadAllText(
        Path.Combine(AppContext.BaseDirectory, "Fixtures", "multiio", "layer_configs.json")))!["cases"]!);

    private static JsonObject Case(string name) => (JsonObject)Cases.Value[name]!;

    private static Layer FromKeras(string className, JsonObject config)
        => LayerRegistry.Deserialize(new JsonObject { ["module"] = "keras.layers", ["class_name"] = className, ["config"] = config.DeepClone(), ["registered_name"] = null });

    private static void SameOutput(JsonObject c, Layer layer)
    {
        var x = MultiIOFixtureTests.ToTensor(c["x"]);
        var y = layer switch
        {
            Rescaling r => r.Invoke(x),
            Normalization n => n.Invoke(x),
            _ => throw new ArgumentException(layer.GetType().Name),
        };
        var expected = MultiIOFixtureTests.ToTensor(c["y"]);
        Assert.Equal(expected.Shape, y.Shape);
        Fixture.Close(expected.ToArray<float>(), y.ToArray<float>(), 1e-6f);
    }

    [Fact]
    public void RescalingTakesPerChannelListsAsKeras()
    {
        var c = Case("rescaling_lists");
        var layer = (Rescaling)FromKeras("Rescaling", (JsonObject)c["config"]!);
        Assert.Equal([0.5, 0.25, 2.0], layer.Scales);
        SameOutput(c, layer);
        Assert.True(JsonNode.DeepEquals(c["config"], layer.GetConfig()), layer.GetConfig().ToJsonString());

        var built = new Rescaling([0.5, 0.25, 2.0], [1.0, 0.0, -1.0]) { Name = "rescaling" };
        Assert.True(JsonNode.DeepEquals(c["config"], built.GetConfig()), built.GetConfig().ToJsonString());
        SameOutput(c, built);

        // A numpy array in Keras's config is a "__tensor__" object: read as the list it holds.
        var a = Case("rescaling_array");
        var fromArray = (Rescaling)FromKeras("Rescaling", (JsonObject)a["config"]!);
        Assert.Equal([0.5, 0.25, 2.0], fromArray.Scales);
        Assert.Equal(0.5, fromArray.Offset);
        SameOutput(a, fromArray);
        Assert.Equal(0.5, new Rescaling(0.5).Scale);
        Assert.True(JsonNode.DeepEquals(JsonValue.Create(0.5), new Rescaling(0.5).GetConfig()["scale"]));

        var bad = (JsonObject)c["config"]!.DeepClone();
        bad["scale"] = new JsonArray(new JsonArray(1.0));
        Assert.Throws<ConfigException>(() => FromKeras("Rescaling", bad));
    }

    [Fact]
    public void NormalizationReadsAndWritesNestedMeanAndVariance()
    {
        var c = Case("normalization_nested");
        var layer = (Normalization)FromKeras("Normalization", (JsonObject)c["config"]!);
        SameOutput(c, layer);
        Assert.True(JsonNode.DeepEquals(c["config"], layer.GetConfig()), layer.GetConfig().ToJsonString());

        var built = new Normalization([1, 2], new double[,] { { 1, 2, 3 }, { 0, 1, 2 } }, new double[,] { { 1, 4, 9 }, { 1, 1, 4 } }) { Name = "normalization" };
        Assert.True(JsonNode.DeepEquals(c["config"], built.GetConfig()), built.GetConfig().ToJsonString());
        SameOutput(c, built);

        var flat = Case("normalization_flat_two_axes");
        SameOutput(flat, FromKeras("Normalization", (JsonObject)flat["config"]!));

        // Keras's errors: more dimensions than kept axes, shapes that differ.
        var e = Assert.Throws<ArgumentException>(() => new Normalization([-1], new double[,] { { 1, 2, 3 } }, new double[,] { { 1, 1, 1 } }));
        Assert.Equal("The rank of `mean` must be less than or equal to the number of axes (1). Received: mean shape (1, 3) for axis (-1,)", e.Message);
        var shapes = Assert.Throws<ArgumentException>(() => new Normalization([1, 2], new double[,] { { 1, 2, 3 } }, new double[,] { { 1 }, { 2 }, { 3 } }));
        Assert.Equal("When setting values directly, `mean` and `variance` must have the same shape. Received: mean shape (1, 3) and variance shape (3, 1)", shapes.Message);
        var ragged = (JsonObject)c["config"]!.DeepClone();
        ragged["mean"] = JsonNode.Parse("[[1, 2, 3], [1, 2]]");
        Assert.Throws<ConfigException>(() => FromKeras("Normalization", ragged));
    }

    [Fact]
    public void MultiHeadAttentionRecordsKeyShapeInItsBuildConfig()
    {
        Keras.ClearSession();
        var q = Keras.Input([4, 5], name: "q");
        var v = Keras.Input([6, 7], name: "v");
        var k = Keras.Input([6, 8], name: "k");
        var withKey = new MultiHeadAttention(numHeads: 2, keyDim: 3) { Name = "mha_key" };
        withKey.Invoke(q, v, k);
        var c = Case("mha_key");
        Assert.True(JsonNode.DeepEquals(c["build_config"], withKey.BuildConfig), withKey.BuildConfig!.ToJsonString());
        Assert.Equal([8, 2, 3], withKey.KeyDense!.Kernel!.Shape.ToArray());

        // Built from Keras's build_config (key_shape included): the key projection is built for it, and written back.
        var fromConfig = FromKeras("MultiHeadAttention", (JsonObject)c["config"]!);
        fromConfig.BuildFromConfig((JsonObject)c["build_config"]!);
        Assert.Equal([8, 2, 3], ((MultiHeadAttention)fromConfig).KeyDense!.Kernel!.Shape.ToArray());
        Assert.True(JsonNode.DeepEquals(c["build_config"], fromConfig.BuildConfig), fromConfig.BuildConfig!.ToJsonString());

        var noKey = new MultiHeadAttention(numHeads: 2, keyDim: 3) { Name = "mha_no_key" };
        noKey.Invoke(q, v);
        Assert.True(JsonNode.DeepEquals(Case("mha_no_key")["build_config"], noKey.BuildConfig), noKey.BuildConfig!.ToJsonString());
    }

    [Fact]
    public void EinsumDenseCountsTheInitializerFansOverTheKernelAxes()
    {
        var c = Case("einsum_dense_fans");
        var layer = (EinsumDense)FromKeras("EinsumDense", (JsonObject)c["config"]!);
        layer.Invoke(Tensor.Zeros([1, 64]));
        Assert.Equal([64, 4, 5], layer.Kernel!.Shape.ToArray());
        double limit = c["limit"]!.GetValue<double>(); // sqrt(3 / fan_in), fan_in = 64 (Keras's fans [64, 20])
        var w = layer.Kernel.Value().ToArray<float>();
        double max = w.Max(v => Math.Abs(v));
        Assert.True(max <= limit + 1e-6, $"max |w| {max} > Keras's limit {limit}");
        Assert.True(max > 0.9 * limit, $"max |w| {max}: the fans were not taken over the kernel's axes (Keras's limit {limit}, the default fans give {Math.Sqrt(3.0 / 256)})");
        // The initializer in the config stays as given (no axes), as Keras's.
        Assert.True(JsonNode.DeepEquals(((JsonObject)c["config"]!)["kernel_initializer"], layer.GetConfig()["kernel_initializer"]), layer.GetConfig()["kernel_initializer"]!.ToJsonString());
    }
}
