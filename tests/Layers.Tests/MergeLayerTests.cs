using System.Text.Json.Nodes;

namespace LayerGen.Layers.Tests;

/// <summary>
/// The merge layers' behaviour and errors (their values against real Keras are in KerasFormat.Tests/MultiIOFixtureTests):
/// elementwise merges with broadcasting and different ranks, Concatenate and Dot shapes, the list call recorded in a
/// functional config, and Keras's messages naming the layer, the axis and every shape.
/// </summary>
public class MergeLayerTests
{
    private static Tensor T(float[,] values) => Tensor.From(values);

    [Fact]
    public void ElementwiseMergesComputeTheirOperation()
    {
        var a = T(new float[,] { { 1, 5 }, { -2, 4 } });
        var b = T(new float[,] { { 3, 1 }, { 2, 0 } });
        Assert.Equal([4f, 6, 0, 4], new Add().Invoke([a, b]).ToArray<float>());
        Assert.Equal([-2f, 4, -4, 4], new Subtract().Invoke([a, b]).ToArray<float>());
        Assert.Equal([3f, 5, -4, 0], new Multiply().Invoke([a, b]).ToArray<float>());
        Assert.Equal([2f, 3, 0, 2], new Average().Invoke([a, b]).ToArray<float>());
        Assert.Equal([3f, 5, 2, 4], new Maximum().Invoke([a, b]).ToArray<float>());
        Assert.Equal([1f, 1, -2, 0], new Minimum().Invoke([a, b]).ToArray<float>());
        Assert.Equal([5f, 11, -2, 8], new Add().Invoke([a, b, a]).ToArray<float>());
    }

    [Fact]
    public void LowerRankInputsGetAxesAfterTheBatchAxis()
    {
        var x = Tensor.From(new float[,] { { 1, 2, 3 } });                 // (1, 3)
        var y = Tensor.Ones([1, 2, 3]);                                    // (1, 2, 3)
        var sum = new Add().Invoke([x, y]);
        Assert.Equal(new Shape(1, 2, 3), sum.Shape);
        Assert.Equal([2f, 3, 4, 2, 3, 4], sum.ToArray<float>());
    }

    [Fact]
    public void ConcatenateAndDotShapes()
    {
        var a = Tensor.Ones([2, 3, 4]);
        var b = Tensor.Ones([2, 3, 5]);
        Assert.Equal(new Shape(2, 3, 9), new Concatenate().Invoke([a, b]).Shape);
        Assert.Equal(new Shape(2, 6, 4), new Concatenate(axis: 1).Invoke([a, a]).Shape);
        Assert.Equal(new Shape(2, 4, 5), new Dot(axes: [1, 1]).Invoke([a, b]).Shape);
        var v = Tensor.From(new float[,] { { 1, 2 }, { 3, 4 } });
        var dot = new Dot(axes: 1).Invoke([v, v]);
        Assert.Equal(new Shape(2, 1), dot.Shape);
        Assert.Equal([5f, 25], dot.ToArray<float>());
        var cosine = new Dot(axes: -1, normalize: true).Invoke([v, v]).ToArray<float>();
        Assert.All(cosine, c => Assert.Equal(1f, c, 5));
    }

    [Fact]
    public void IncompatibleShapesNameTheLayerTheAxisAndAllShapes()
    {
        var e = Assert.Throws<IncompatibleInputException>(() => new Add { Name = "add_x" }.Invoke([Tensor.Ones([2, 3]), Tensor.Ones([2, 4])]));
        Assert.Equal("Layer \"add_x\" (Add): Inputs have incompatible shapes. Received shapes (3,) and (4,) (axis -1 has 3 and 4; all input shapes: [(2, 3), (2, 4)])", e.Message);

        var c = Assert.Throws<IncompatibleInputException>(() => new Concatenate { Name = "cat" }.Invoke([Tensor.Ones([2, 3, 4]), Tensor.Ones([2, 5, 4])]));
        Assert.Equal("Layer \"cat\" (Concatenate): A `Concatenate` layer requires inputs with matching shapes except for the concatenation axis (axis=-1). "
            + "Received: input_shape=[(2, 3, 4), (2, 5, 4)]: axis 1 has sizes 3 and 5", c.Message);

        var d = Assert.Throws<IncompatibleInputException>(() => new Dot(axes: 1) { Name = "dot" }.Invoke([Tensor.Ones([2, 3]), Tensor.Ones([2, 4])]));
        Assert.Contains("Incompatible input shapes: axis values 3 (at axis 1) != 4 (at axis 1). Full input shapes: (2, 3), (2, 4)", d.Message);

        var s = Assert.Throws<IncompatibleInputException>(() => new Subtract().Invoke([Tensor.Ones([2, 3]), Tensor.Ones([2, 3]), Tensor.Ones([2, 3])]));
        Assert.Contains("A `Subtract` layer should be called on exactly 2 inputs", s.Message);

        var batch = Assert.Throws<IncompatibleInputException>(() => new Multiply().Invoke([Tensor.Ones([2, 3]), Tensor.Ones([3, 3])]));
        Assert.Contains("Cannot merge tensors with different batch sizes. Received tensors with shapes [(2, 3), (3, 3)]", batch.Message);

        Assert.Throws<ArgumentException>(() => new Dot(axes: [1, 2, 3]));
    }

    [Fact]
    public void ConfigsAndBuildConfigAreKeras()
    {
        var cat = new Concatenate(axis: 1);
        _ = cat.Invoke([Keras.Input([2, 3]), Keras.Input([4, 3])]);
        Assert.Equal(1, cat.GetConfig()["axis"]!.GetValue<int>());
        Assert.Equal("""{"input_shape":[[null,2,3],[null,4,3]]}""", cat.BuildConfig!.ToJsonString());

        var dot = new Dot(axes: [2, 1], normalize: true);
        var config = dot.GetConfig();
        Assert.Equal("[2,1]", config["axes"]!.ToJsonString());
        Assert.True(config["normalize"]!.GetValue<bool>());
        var back = (Dot)LayerRegistry.Deserialize(LayerRegistry.Serialize(dot));
        Assert.Equal([2, 1], back.Axes);
        Assert.Equal("1", new Dot(axes: 1).GetConfig()["axes"]!.ToJsonString());
    }

    [Fact]
    public void AFunctionalModelRecordsTheListCallAsKeras()
    {
        Keras.ClearSession();
        var a = Keras.Input([3]);
        var b = Keras.Input([3]);
        var model = new Model([a, b], new Add().Invoke([a, b]));
        var add = (JsonObject)((JsonArray)model.GetConfig()["layers"]!)[^1]!;
        var args = (JsonArray)((JsonObject)((JsonArray)add["inbound_nodes"]!)[0]!)["args"]!;
        Assert.Single(args);
        Assert.Equal(2, ((JsonArray)args[0]!).Count);

        var rebuilt = Model.FromFunctionalConfig(model.GetConfig());
        var x = Tensor.From(new float[,] { { 1, 2, 3 } });
        Assert.Equal([2f, 4, 6], rebuilt.Invoke([x, x])[0].ToArray<float>());
    }

    [Fact]
    public void DocsExampleRuns()
    {
        // docs/layers.md, "Merge layers"
        Keras.ClearSession();
        var a = Keras.Input([16], name: "in_a");
        var b = Keras.Input([8], name: "in_b");
        var ha = new Dense(8, activation: "relu").Invoke(a);
        var hb = new Dense(8, activation: "relu").Invoke(b);
        var joined = new Concatenate().Invoke([ha, hb]);
        var summed = new Add().Invoke([ha, hb]);
        var model = new Model([a, b], [new Dense(1).Invoke(joined), new Dense(3, activation: "softmax").Invoke(summed)]);
        Assert.Equal(new Shape(Shape.Unknown, 16), joined.Shape);
        Assert.Equal(new Shape(Shape.Unknown, 8), summed.Shape);
        var y = model.Invoke([Tensor.Ones([2, 16]), Tensor.Ones([2, 8])]);
        Assert.Equal(new Shape(2, 1), y[0].Shape);
        Assert.Equal(new Shape(2, 3), y[1].Shape);
    }
}
