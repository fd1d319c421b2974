using System.Text.Json.Nodes;
using LayerGen.Training;

namespace LayerGen.Layers.Tests;

/// <summary>
/// GroupNormalization, UnitNormalization, Rescaling and Normalization: values computed by hand, unknown batches,
/// Adapt (tensors, batches, Dataset), configs and Keras's errors. Values against real Keras are in
/// KerasFormat.Tests/MoreLayersFixtureTests.
/// </summary>
public class NormalizationLayerTests
{
    private static Tensor T(float[] values, params int[] shape) => Tensor.From<float>(values, new Shape(shape));

    [Fact]
    public void GroupNormalizationNormalizesEachGroupOfEachSample()
    {
        // groups of 2 channels over 2 steps: each group of 4 numbers gets mean 0 and variance 1 (up to epsilon).
        var x = T([1, 2, 10, 20, 3, 4, 30, 40, -1, 0, 5, 5, 1, 2, 6, 7], 2, 2, 4);
        var layer = new GroupNormalization(groups: 2, epsilon: 0);
        var y = layer.Invoke(x).ToFloatArray();
        Assert.Equal(new Shape(4), layer.Gamma!.Shape);
        for (int b = 0; b < 2; b++)
            for (int g = 0; g < 2; g++)
            {
                var group = new[] { y[b * 8 + g * 2], y[b * 8 + g * 2 + 1], y[b * 8 + 4 + g * 2], y[b * 8 + 4 + g * 2 + 1] };
                Assert.Equal(0, group.Average(), 5);
                Assert.Equal(1, group.Select(v => (double)v * v).Average(), 4);
            }
    }

    [Fact]
    public void GroupNormalizationInstanceModeWritesTheChannelCountAndChecksTheGroups()
    {
        var layer = new GroupNormalization(groups: -1);
        layer.Invoke(Tensor.Ones([2, 3, 6]));
        Assert.Equal(6, (int)layer.GetConfig()["groups"]!);
        var e = Assert.Throws<ArgumentException>(() => new GroupNormalization(groups: 4).Invoke(Tensor.Ones([1, 6])));
        Assert.Equal("Number of groups (4) must be a multiple of the number of channels (6).", e.Message);
        e = Assert.Throws<ArgumentException>(() => new GroupNormalization(groups: 8).Invoke(Tensor.Ones([1, 6])));
        Assert.Equal("Number of groups (8) cannot be more than the number of channels (6).", e.Message);
        var bad = Assert.Throws<ArgumentOutOfRangeException>(() => new GroupNormalization(groups: 0));
        Assert.StartsWith("Received an invalid value for argument `groups`, expected a positive integer (or `-1` for instance normalization). Received: groups=0", bad.Message);
    }

    [Fact]
    public void GroupNormalizationWorksInAFunctionalModelWithAnUnknownBatch()
    {
        var inputs = Keras.Input([5, 4]);
        var outputs = new GroupNormalization(groups: 2, axis: 1, center: false).Invoke(Ops.Reshape(inputs, new Shape(-1, 4, 5)));
        var model = new Model(inputs, outputs);
        var y = model.Predict(Tensor.Ones([3, 5, 4]), verbose: 0);
        Assert.Equal(new Shape(3, 4, 5), y.Shape);
        Assert.All(y.ToFloatArray(), v => Assert.Equal(0f, v, 5));
    }

    [Fact]
    public void UnitNormalizationGivesUnitNormsAndLeavesZerosAlone()
    {
        var y = new UnitNormalization().Invoke(T([3, 4, 0, 0], 2, 2)).ToFloatArray();
        Assert.Equal([0.6f, 0.8f, 0f, 0f], y);
        var both = new UnitNormalization([1, 2]);
        var z = both.Invoke(T([1, 1, 1, 1, 2, 0, 0, 0], 2, 2, 2)).ToFloatArray();
        Assert.Equal([0.5f, 0.5f, 0.5f, 0.5f, 1f, 0f, 0f, 0f], z);
        Assert.Equal("[1,2]", both.GetConfig()["axis"]!.ToJsonString());
        Assert.Equal("-1", new UnitNormalization().GetConfig()["axis"]!.ToJsonString());
    }

    [Fact]
    public void RescalingCastsIntegersAndScales()
    {
        var y = new Rescaling(1.0 / 127.5, offset: -1).Invoke(Tensor.From<int>([0, 255, 51], new Shape(1, 3)));
        Assert.Equal(DType.Float32, y.DType);
        Assert.Equal([-1f, 1f, -0.6f], y.ToFloatArray().Select(v => MathF.Round(v, 5)).ToArray());
    }

    [Fact]
    public void NormalizationWithGivenValuesBroadcastsThemAndInverts()
    {
        var x = T([1, 2, 3, 3, 6, 2], 2, 3);
        Assert.Equal([0f, 0f, 0f, 2f, 2f, -2f], new Normalization(mean: [1.0, 2.0, 3.0], variance: [1.0, 4.0, 0.25]).Invoke(x).ToFloatArray());
        var scalar = new Normalization(3.0, 4.0);
        Assert.Equal([-1f, -0.5f, 0f, 0f, 1.5f, -0.5f], scalar.Invoke(x).ToFloatArray());
        Assert.Equal("3", scalar.GetConfig()["mean"]!.ToJsonString().TrimEnd('0').TrimEnd('.'));
        var inverse = new Normalization(3.0, 4.0, invert: true);
        Assert.Equal(x.ToFloatArray(), inverse.Invoke(scalar.Invoke(x)).ToFloatArray());
        Assert.Empty(scalar.Variables);
    }

    [Fact]
    public void NormalizationAdaptLearnsMeanAndVarianceAsWeights()
    {
        var layer = new Normalization();
        layer.Adapt(T([0, 7, 4, 2, 9, 6, 0, 7, 4, 2, 9, 6], 4, 3));
        Assert.Equal([1f, 8f, 5f], layer.AdaptMean!.ToFloatArray());
        Assert.Equal([1f, 1f, 1f], layer.AdaptVariance!.ToFloatArray());
        Assert.Equal(["mean", "variance", "count"], layer.Variables.Select(w => w.Name));
        Assert.All(layer.Variables, w => Assert.False(w.Trainable));
        Assert.Equal([-1f, -1f, -1f], layer.Invoke(T([0, 7, 4], 1, 3)).ToFloatArray());
        var inverse = new Normalization(invert: true);
        inverse.Adapt(T([0, 7, 4, 2, 9, 6, 0, 7, 4, 2, 9, 6], 4, 3));
        Assert.Equal([2f, 10f, 8f], inverse.Invoke(T([1, 2, 3], 1, 3)).ToFloatArray());

        var global = new Normalization(axis: []);
        global.Adapt(T([1, 2, 3, 4, 5], 5));
        Assert.Equal([-1.4142135f, -0.70710677f, 0f], global.Invoke(T([1, 2, 3], 3)).ToFloatArray().Select(v => MathF.Round(v, 6)).ToArray(),
            new FloatTolerance(1e-6f));
        Assert.Equal("[]", global.GetConfig()["axis"]!.ToJsonString());
    }

    [Fact]
    public void NormalizationAdaptOverBatchesAndADatasetEqualsAdaptOverTheWhole()
    {
        var rng = new RandomGenerator(5);
        var data = rng.Normal(new Shape(10, 2, 3), 2, 3);
        var whole = new Normalization(axis: [1, 2]);
        whole.Adapt(data);
        var batches = new Normalization(axis: [1, 2]);
        batches.Adapt([Ops.Slice(data, [0, 0, 0], [3, 2, 3]), Ops.Slice(data, [3, 0, 0], [7, 2, 3])]);
        var dataset = new Normalization(axis: [1, 2]);
        dataset.Adapt(Dataset.FromTensors(data).Batch(4));
        foreach (var other in new[] { batches, dataset })
        {
            Assert.Equal(whole.AdaptMean!.ToFloatArray(), other.AdaptMean!.ToFloatArray(), new FloatTolerance(1e-5f));
            Assert.Equal(whole.AdaptVariance!.ToFloatArray(), other.AdaptVariance!.ToFloatArray(), new FloatTolerance(1e-4f));
        }
    }

    [Fact]
    public void NormalizationErrorsAreKeras()
    {
        var e = Assert.Throws<ArgumentException>(() => new Normalization(mean: [1.0], variance: null));
        Assert.Equal("When setting values directly, both `mean` and `variance` must be set. Received: mean=[1.0] and variance=None", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Normalization(mean: [1.0, 2.0], variance: [1.0]));
        Assert.Equal("When setting values directly, `mean` and `variance` must have the same shape. Received: mean shape (2,) and variance shape (1,)", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Normalization(axis: 2).Invoke(Tensor.Ones([2, 2])));
        Assert.Equal("All `axis` values must be in the range [-ndim, ndim). Received inputs with ndim=2, while axis=(2,)", e.Message);
        var layer = new Normalization();
        layer.Adapt(Tensor.Ones([4, 3]));
        e = Assert.Throws<ArgumentException>(() => layer.Adapt(Tensor.Ones([4, 2])));
        Assert.Equal("The layer was built with input_shape=(4, 3), but adapt() is being called with data with an incompatible shape, data.shape=(4, 2)", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Normalization().Adapt(Array.Empty<Tensor>()));
        Assert.StartsWith("adapt() received an empty iterable (no batches).", e.Message);
    }

    [Fact]
    public void NormalizationConfigRoundTripsAdaptedWeightsThroughASavedModel()
    {
        var layer = new Normalization(axis: [1]);
        layer.Adapt(Tensor.From<float>([1, 2, 3, 4, 5, 6, 7, 8], new Shape(2, 4)));
        var config = LayerRegistry.Serialize(layer);
        Assert.Equal("[1]", config["config"]!["axis"]!.ToJsonString());
        Assert.Null(config["config"]!["mean"]);
        var copy = (Normalization)LayerRegistry.Deserialize(config);
        Assert.Equal(layer.GetConfig().ToJsonString(), copy.GetConfig().ToJsonString());
        var fromKeras = (Normalization)LayerRegistry.Deserialize((JsonObject)JsonNode.Parse(
            """{"module": "keras.layers", "class_name": "Normalization", "config": {"name": "n", "axis": -1, "invert": false, "mean": 2.0, "variance": 4.0}, "registered_name": null}""")!);
        Assert.Equal([0f, 0.5f], fromKeras.Invoke(Tensor.From<float>([2, 3], new Shape(1, 2))).ToFloatArray());
        // Nested lists (one dimension per kept axis, as Keras writes them) are read and written back as given.
        var nested = (Normalization)LayerRegistry.Deserialize((JsonObject)JsonNode.Parse(
            """{"module": "keras.layers", "class_name": "Normalization", "config": {"name": "n", "axis": [1, 2], "mean": [[1.0]], "variance": [[1.0]]}, "registered_name": null}""")!);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("[[1.0]]"), nested.GetConfig()["mean"]), nested.GetConfig()["mean"]!.ToJsonString());
        Assert.Throws<ConfigException>(() => LayerRegistry.Deserialize((JsonObject)JsonNode.Parse(
            """{"module": "keras.layers", "class_name": "Normalization", "config": {"name": "n", "axis": [1, 2], "mean": [[1.0], 2.0], "variance": [[1.0], [1.0]]}, "registered_name": null}""")!));
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(float obj) => 0;
    }
}
