using LayerGen.Layers;
using LayerGen.Models;

namespace LayerGen.Graphs.Tests;

/// <summary>
/// An Embedding's Gather carries the layer's name (the optional graph attribute <c>layer</c>), so an id out of range
/// in a traced call, a plan, or a loaded SavedModel throws the eager layer's <see cref="IdOutOfRangeException"/>.
/// </summary>
public class EmbeddingIdErrorGraphTests
{
    [Fact]
    public void TheLayerAttributeRoundTripsAndIsOptional()
    {
        var a = new OpAttributes("Gather");
        new GatherOp(0, "tokens").WriteAttributes(a);
        Assert.Equal(["axis", "layer"], a.Items.Select(kv => kv.Key));
        var back = Assert.IsType<GatherOp>(OpRegistry.Create("Gather", a));
        Assert.Equal("tokens", back.Layer);
        Assert.Equal("axis=0, layer=tokens", back.DescribeAttributes());
        // Graph files written before the attribute existed have only the axis.
        var old = Assert.IsType<GatherOp>(OpRegistry.Create("Gather", new OpAttributes("Gather").Set("axis", 1L)));
        Assert.Equal("", old.Layer);
        Assert.Equal(1, old.Axis);
    }

    [Fact]
    public void TracedPlannedAndReloadedEmbeddingsNameTheLayer()
    {
        Keras.ClearSession();
        RandomGenerator.SetGlobalSeed(3);
        var model = new Sequential([new InputLayer(shape: [3], dtype: DType.Int32), new Embedding(4, 2) { Name = "tokens" }, new LayerGen.Layers.Dense(1)]);
        var good = Tensor.From<int>([0, 1, 2, 3, 2, 1], new Shape(2, 3));
        var bad = Tensor.From<int>([0, 1, 2, 3, 4, 1], new Shape(2, 3));
        var call = TensorFunction.Trace(t => model.Invoke(t), inputSignature: [good.Spec]);
        var expected = call.Invoke(good);
        AssertNames(Assert.Throws<IdOutOfRangeException>(() => call.Invoke(bad)));

        using var dir = new TempDir();
        string path = dir["embedding_saved_model"];
        SavedModel.Save(model, path, call);
        var loaded = SavedModel.Load(path);
        var gather = loaded.GetConcreteFunctions("call")[0].Graph.OpNodes.Select(n => n.Op).OfType<GatherOp>().Single();
        Assert.Equal("tokens", gather.Layer);
        TensorAssert.Close(expected, loaded.Call(good), "loaded call");
        AssertNames(Assert.Throws<IdOutOfRangeException>(() => loaded.Call(bad)));
        var plan = loaded.Plan(good.Spec);
        TensorAssert.Close(expected, plan.RunAll([good])[0], "loaded plan");
        AssertNames(Assert.Throws<IdOutOfRangeException>(() => plan.RunAll([bad])));
    }

    private static void AssertNames(IdOutOfRangeException e)
    {
        Assert.Equal("tokens", e.Layer);
        Assert.Equal(4, e.Id);
        Assert.Equal([1, 1], e.Position);
        Assert.Equal(4, e.InputDim);
    }
}
