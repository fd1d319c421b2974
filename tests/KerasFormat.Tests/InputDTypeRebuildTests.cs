using System.Text.Json.Nodes;
using LayerGen.Layers;
using LayerGen.Optimizers;

namespace LayerGen.KerasFormat.Tests;

/// <summary>
/// Models whose input is int32 ids (a custom Gather layer first) rebuild on load with the recorded input
/// dtype, not on float32 placeholders (issue 20, item 2).
/// </summary>
public class InputDTypeRebuildTests
{
    private static readonly Tensor Ids = Tensor.From<int>([0, 3, 1, 2, 4, 0], new Shape(2, 3));
    private static readonly Tensor Y = Tensor.From<float>([1f, 0f, 0f, 1f], new Shape(2, 2));

    private static Model Sequential()
    {
        Keras.ClearSession();
        return new Sequential([new InputLayer(shape: [3], dtype: DType.Int32), new TableLookup(5, 4), new Dense(2)]);
    }

    private static Model Functional()
    {
        Keras.ClearSession();
        var input = Keras.Input([3], dtype: DType.Int32, name: "ids");
        var h = new TableLookup(5, 4).Invoke(input);
        var o = new Dense(2).Invoke(h);
        return new Model(input, o);
    }

    [Theory]
    [InlineData("sequential")]
    [InlineData("functional")]
    public void IntInputModelTrainsSavesAndLoadsWithSamePredictions(string kind)
    {
        var model = kind == "sequential" ? Sequential() : Functional();
        model.Compile(new Adam(learningRate: 0.01), "mse");
        model.TrainOnBatch(Ids, Y);
        var path = Archives.Temp(".keras");
        try
        {
            model.Save(path);
            var config = JsonNode.Parse(Archives.Config(path))!.AsObject();
            var inputLayer = config["config"]!["layers"]!.AsArray().Select(l => l!.AsObject())
                .Single(l => l["class_name"]!.GetValue<string>() == "InputLayer");
            Assert.Equal("int32", inputLayer["config"]!["dtype"]!.GetValue<string>());

            var loaded = Model.Load(path);
            Assert.Equal(model.Predict(Ids, verbose: 0).ToFloatArray(), loaded.Predict(Ids, verbose: 0).ToFloatArray());
            model.TrainOnBatch(Ids, Y);
            loaded.TrainOnBatch(Ids, Y);
            Assert.Equal(model.Predict(Ids, verbose: 0).ToFloatArray(), loaded.Predict(Ids, verbose: 0).ToFloatArray());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void DeserializeBuildsAnIntInputSequentialFromItsSerializedForm()
    {
        var model = Sequential();
        var serialized = LayerRegistry.Serialize(model);
        var rebuilt = LayerRegistry.Deserialize(JsonNode.Parse(serialized.ToJsonString())!.AsObject());
        Assert.True(rebuilt.IsBuilt);
        Assert.Equal(serialized.ToJsonString(), LayerRegistry.Serialize(rebuilt).ToJsonString());
    }

    private static JsonObject SerializedBuiltLookup()
    {
        Keras.ClearSession();
        var layer = new TableLookup(5, 4);
        layer.Invoke(Ids);
        var serialized = LayerRegistry.Serialize(layer);
        Assert.NotNull(serialized["build_config"]);
        return JsonNode.Parse(serialized.ToJsonString())!.AsObject();
    }

    [Fact]
    public void DeserializeWithInputDTypesBuildsOnThoseDTypes()
    {
        var layer = LayerRegistry.Deserialize(SerializedBuiltLookup(), [DType.Int32]);
        Assert.True(layer.IsBuilt);
        Assert.Equal(new Shape(5, 4), Assert.Single(layer.Variables).Shape);
        Assert.Equal(new Shape(2, 4), Assert.IsType<TableLookup>(layer).Invoke(Ids).Shape);
    }

    [Fact]
    public void DeserializeWithoutInputDTypesStillBuildsAsKerasBuildFromConfig()
    {
        // Keras's build_from_config only calls build(input_shape); a call that refuses the float32
        // placeholders after Build ran leaves the layer built, not a failed load.
        var layer = LayerRegistry.Deserialize(SerializedBuiltLookup());
        Assert.True(layer.IsBuilt);
        Assert.Equal(new Shape(5, 4), Assert.Single(layer.Variables).Shape);
    }
}
