using LayerGen.Layers;

namespace LayerGen.Training.Tests;

/// <summary>
/// Issue 17's bad inputs through Predict and Fit (planned steps, not only eager layer calls): ids outside
/// <c>[0, input_dim)</c> never read out of range and name the first bad id and its position.
/// </summary>
public class SequenceBadInputTests
{
    private static Sequential Build(bool runEagerly)
    {
        var model = new Sequential([new InputLayer(shape: new Shape(4), dtype: DType.Int32), new Embedding(5, 2) { Name = "tokens" }, new GRU(2), new Dense(1)]);
        model.Compile(optimizer: new Optimizers.SGD(learningRate: 0.1), loss: "mse", runEagerly: runEagerly);
        return model;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void IdsOutOfRangeThrowOnPredictAndFit(bool runEagerly)
    {
        var model = Build(runEagerly);
        var good = Tensor.From<int>([1, 2, 3, 4, 0, 1, 2, 3], new Shape(2, 4));
        var y = Tensor.Zeros(new Shape(2, 1));
        model.Fit(good, y, batchSize: 2, verbose: 0);
        var bad = Tensor.From<int>([1, 2, 3, 4, 0, 7, 2, 3], new Shape(2, 4));
        // Eagerly the Embedding checks the ids itself; a planned step's Gather carries the layer's name, so both
        // throw the same typed error naming the layer, the first bad id (row-major) and its position.
        var predict = Assert.Throws<IdOutOfRangeException>(() => model.Predict(bad, batchSize: 2, verbose: 0));
        AssertNames(predict);
        var weights = model.GetWeights().SelectMany(w => w.ToArray<float>()).ToArray();
        var fit = Assert.Throws<IdOutOfRangeException>(() => model.Fit(bad, y, batchSize: 2, shuffle: false, verbose: 0));
        AssertNames(fit);
        Assert.Equal(weights, model.GetWeights().SelectMany(w => w.ToArray<float>()).ToArray());
    }

    [Fact]
    public void IdsOutOfRangeThrowFromAModelsPlan()
    {
        var model = Build(runEagerly: false);
        var plan = model.Plan(new TensorSpec([2, 4], DType.Int32));
        var good = Tensor.From<int>([1, 2, 3, 4, 0, 1, 2, 3], new Shape(2, 4));
        Assert.Equal(model.Predict(good, verbose: 0).ToArray<float>(), plan.Run(good).ToArray<float>());
        var e = Assert.Throws<IdOutOfRangeException>(() => plan.Run(Tensor.From<int>([1, 2, 3, 4, 0, 7, 2, 3], new Shape(2, 4))));
        AssertNames(e);
        var negative = Assert.Throws<IdOutOfRangeException>(() => plan.Run(Tensor.From<int>([1, 2, 3, -1, 0, 7, 2, 3], new Shape(2, 4))));
        Assert.Equal(-1, negative.Id);
        Assert.Equal([0, 3], negative.Position);
    }

    private static void AssertNames(IdOutOfRangeException e)
    {
        Assert.Equal("tokens", e.Layer);
        Assert.Equal(7, e.Id);
        Assert.Equal([1, 1], e.Position);
        Assert.Equal(5, e.InputDim);
        Assert.Equal("Embedding layer \"tokens\": id 7 at position (1, 1) is out of range [0, 5).", e.Message);
    }
}
