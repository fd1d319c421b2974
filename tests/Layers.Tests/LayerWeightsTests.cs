using LayerGen.Layers;

namespace LayerGen.Tests.Layers;

/// <summary>Issue 20 item 11: <see cref="Layer.GetWeights"/> and <see cref="Layer.SetWeights"/> on every layer, as Keras's <c>get_weights</c>/<c>set_weights</c>.</summary>
public class LayerWeightsTests
{
    private static readonly Tensor X = Tensor.From(new[,] { { 1f, 2f, 3f }, { -1f, 0.5f, 0.25f } });

    private static Dense BuiltDense(string name = "d")
    {
        var dense = new Dense(4) { Name = name };
        dense.Invoke(X);
        return dense;
    }

    [Fact]
    public void GetWeightsReturnsCopiesInTheLayersWeightOrder()
    {
        Keras.ClearSession();
        Assert.Empty(new Dense(2).GetWeights());
        var dense = BuiltDense();
        var weights = dense.GetWeights();
        Assert.Equal(2, weights.Length);
        Assert.Equal(new Shape(3, 4), weights[0].Shape);
        Assert.Equal(new Shape(4), weights[1].Shape);
        Assert.Equal(dense.Kernel!.ToFloatArray(), weights[0].ToFloatArray());
        var before = weights[0].ToFloatArray();
        dense.Kernel!.Assign(Tensor.Zeros([3, 4]));
        Assert.Equal(before, weights[0].ToFloatArray()); // a copy, not a view
    }

    [Fact]
    public void GetWeightsIncludesNonTrainableWeights()
    {
        Keras.ClearSession();
        var bn = new BatchNormalization();
        bn.Invoke(X);
        var shapes = bn.GetWeights().Select(w => w.Shape).ToArray();
        Assert.Equal(4, shapes.Length);
        Assert.All(shapes, s => Assert.Equal(new Shape(3), s));
    }

    [Fact]
    public void SetWeightsCopiesAnotherLayersWeights()
    {
        Keras.ClearSession();
        var a = BuiltDense("a");
        var b = BuiltDense("b");
        Assert.NotEqual(a.Invoke(X).ToFloatArray(), b.Invoke(X).ToFloatArray());
        b.SetWeights(a.GetWeights());
        Assert.Equal(a.Invoke(X).ToFloatArray(), b.Invoke(X).ToFloatArray());
    }

    [Fact]
    public void SetWeightsCastsValuesOfAnotherDType()
    {
        Keras.ClearSession();
        var dense = BuiltDense();
        var kernel = new double[3, 4];
        kernel[1, 2] = 2.5;
        dense.SetWeights([Tensor.From(kernel), Tensor.Zeros([4])]);
        Assert.Equal(DType.Float32, dense.Kernel!.DType);
        Assert.Equal(2.5f, dense.GetWeights()[0].ToFloatArray()[1 * 4 + 2]);
    }

    [Fact]
    public void SetWeightsWithTheWrongCountNamesTheLayerAndBothCounts()
    {
        Keras.ClearSession();
        var dense = BuiltDense("dense_x");
        var ex = Assert.Throws<ArgumentException>(() => dense.SetWeights([Tensor.Zeros([3, 4])]));
        Assert.Contains("\"dense_x\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("length 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("2 weights", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SetWeightsWithAWrongShapeNamesTheLayerTheWeightAndBothShapesAndAssignsNothing()
    {
        Keras.ClearSession();
        var dense = BuiltDense("dense_y");
        var before = dense.GetWeights().SelectMany(w => w.ToFloatArray()).ToArray();
        var ex = Assert.Throws<ArgumentException>(() => dense.SetWeights([Tensor.Ones([3, 4]), Tensor.Zeros([5])]));
        Assert.Contains("\"dense_y\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("bias", ex.Message, StringComparison.Ordinal);
        Assert.Contains("(4,)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("(5,)", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, dense.GetWeights().SelectMany(w => w.ToFloatArray()).ToArray()); // the valid kernel was not assigned either
    }

    [Fact]
    public void AModelsWeightsAreItsLayersWeightsInOrder()
    {
        Keras.ClearSession();
        var model = new Sequential([new InputLayer(shape: [3]), new Dense(4), new Dense(2)]);
        var fromLayers = model.Layers.SelectMany(l => l.GetWeights()).Select(w => w.ToFloatArray()).ToArray();
        Assert.Equal(fromLayers, model.GetWeights().Select(w => w.ToFloatArray()).ToArray());
    }
}
