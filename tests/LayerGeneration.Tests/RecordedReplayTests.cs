using System.Text.Json.Nodes;

namespace LayerGen.LayerGeneration.Tests;

/// <summary>
/// The runtime's <c>Layer.InvokeRecorded</c> (issue 23: no generated <c>InvokeRecorded</c> where the registration
/// gives the <c>Call</c> signature) replays a recorded call exactly as the generated <c>Invoke</c> would.
/// </summary>
public class RecordedReplayTests
{
    private static Tensor Row(params float[] values) => Tensor.From(new[,] { { values[0], values[1] } });

    [Fact]
    public void AReplayWithoutTrainingUsesTheSignatureDefault()
    {
        var layer = new TrainingByDefault();
        Assert.Equal([2f, 3f], layer.Invoke(new CallArguments([Row(1f, 2f)]))[0].ToFloatArray());
        Assert.Equal([1f, 2f], layer.Invoke(new CallArguments([Row(1f, 2f)], training: false))[0].ToFloatArray());
        // the same as the typed Invoke
        Assert.Equal(layer.Invoke(Row(1f, 2f)).ToFloatArray(), layer.Invoke(new CallArguments([Row(1f, 2f)]))[0].ToFloatArray());
    }

    [Fact]
    public void AListLayerBuildsFromItsRecordedListConfigAsAList()
    {
        var direct = new SumList();
        var sum = direct.Invoke([Row(1f, 2f), Row(3f, 4f), Row(5f, 6f)]);
        Assert.Equal([9f, 12f], sum.ToFloatArray());
        var recorded = direct.BuildConfig!;
        Assert.Equal("""{"input_shape":[[1,2],[1,2],[1,2]]}""", recorded.ToJsonString());

        // BuildFromConfig replays new CallArguments(tensors), which is not marked as a list: the replay makes it one
        var rebuilt = new SumList();
        rebuilt.BuildFromConfig(recorded);
        Assert.True(rebuilt.IsBuilt);
        Assert.Equal(3, rebuilt.BuildInputs);
        Assert.Equal(recorded.ToJsonString(), rebuilt.BuildConfig!.ToJsonString());
    }

    [Fact]
    public void SeveralTensorsRecordTheirShapesDictFromTheSignature()
    {
        var config = JsonNode.Parse("""{"shapes_dict":{"a_shape":[1,3],"b_shape":[1,2]}}""")!.AsObject();
        var rebuilt = new Bilinear(2);
        rebuilt.BuildFromConfig(config);
        Assert.True(rebuilt.IsBuilt);
        Assert.Equal(config.ToJsonString(), rebuilt.BuildConfig!.ToJsonString());
        Assert.Equal(new Shape(3, 2), rebuilt.Variables[0].Shape);
        Assert.Equal(new Shape(2, 2), rebuilt.Variables[1].Shape);
    }

    [Fact]
    public void AReplayPassesTheRecordedMask()
    {
        var layer = new Masked();
        var y = layer.Invoke(new CallArguments([Row(1f, 2f)], mask: Row(0f, 1f)))[0];
        Assert.Equal([0f, 2f], y.ToFloatArray());
    }

    [Fact]
    public void FunctionalModelsReplayAndRoundTripThroughTheRuntimeDefault()
    {
        Keras.ClearSession();
        var a = Keras.Input(shape: [3]);
        var b = Keras.Input(shape: [2]);
        var mixed = new Bilinear(2).Invoke(a, b);
        var summed = new SumList().Invoke([mixed, mixed]);
        var outputs = new TrainingByDefault().Invoke(summed);
        var model = new Model([a, b], outputs);

        var data = new[] { Tensor.From(new[,] { { 1f, 1f, 1f } }), Tensor.From(new[,] { { 1f, 1f } }) };
        var y = model.Invoke(data, training: false)[0];
        Assert.Equal([10f, 10f], y.ToFloatArray()); // Bilinear's weights are ones: (3 + 2) * 2, training off

        var serialized = LayerRegistry.Serialize(model);
        var back = (Model)LayerRegistry.Deserialize(serialized);
        Assert.Equal(serialized.ToJsonString(), LayerRegistry.Serialize(back).ToJsonString());
        Assert.Equal(y.ToFloatArray(), back.Invoke(data, training: false)[0].ToFloatArray());
    }

    [Fact]
    public void ALayerWithoutARegisteredSignatureCannotReplay()
    {
        var error = Assert.Throws<NotSupportedException>(() => new Unmarked().Invoke(new CallArguments([Row(1f, 2f)])));
        Assert.Contains("cannot replay a recorded call", error.Message, StringComparison.Ordinal);
    }
}
