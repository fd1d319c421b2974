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
        // Eagerly the Embedding names itself (IdOutOfRangeException); a planned step runs the Gather kernel, whose
        // IndexOutOfRangeException names the id and its position in the batch (the plan has no layers left to name).
        var predict = Record.Exception(() => model.Predict(bad, batchSize: 2, verbose: 0));
        Assert.IsType(runEagerly ? typeof(IdOutOfRangeException) : typeof(IndexOutOfRangeException), predict);
        if (runEagerly) Assert.Contains("tokens", predict.Message);
        Assert.Contains("7", predict.Message);
        Assert.Contains("(1, 1)", predict.Message);
        var weights = model.GetWeights().SelectMany(w => w.ToArray<float>()).ToArray();
        var fit = Record.Exception(() => model.Fit(bad, y, batchSize: 2, shuffle: false, verbose: 0));
        Assert.IsType(runEagerly ? typeof(IdOutOfRangeException) : typeof(IndexOutOfRangeException), fit);
        Assert.Contains("(1, 1)", fit.Message);
        Assert.Equal(weights, model.GetWeights().SelectMany(w => w.ToArray<float>()).ToArray());
    }
}
