using LayerGen.Layers;
using LayerGen.Optimizers;

namespace LayerGen.Training.Tests;

/// <summary>Issue 20 item 11: <c>Evaluate</c> and <c>Predict</c> take the .NET arrays <c>Fit</c> takes.</summary>
public sealed class ArrayInputTests
{
    private static readonly float[,] X = { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 }, { 0.5f, -2 } };
    private static readonly float[,] Y = { { 0 }, { 1 }, { 1 }, { 0 }, { 1 } };

    private static Sequential Compiled()
    {
        RandomGenerator.SetGlobalSeed(5);
        var model = new Sequential([new InputLayer(shape: [2]), new Dense(4, activation: "tanh"), new Dense(1, activation: "sigmoid")]);
        model.Compile(new Adam(learningRate: 0.01), "binary_crossentropy", ["accuracy"]);
        return model;
    }

    [Fact]
    public void PredictOnAFloatMatrixEqualsPredictOnItsTensor()
    {
        var model = Compiled();
        model.Fit(X, Y, batchSize: 2, epochs: 2, verbose: 0);
        var expected = model.Predict(Tensor.From(X), verbose: 0);
        var actual = model.Predict(X, batchSize: 2, verbose: 0);
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.ToFloatArray(), actual.ToFloatArray());
    }

    [Fact]
    public void EvaluateOnFloatMatricesEqualsEvaluateOnTheirTensors()
    {
        var model = Compiled();
        model.Fit(X, Y, batchSize: 2, epochs: 2, verbose: 0);
        var expected = model.Evaluate(Tensor.From(X), Tensor.From(Y), batchSize: 2, verbose: 0);
        var actual = model.Evaluate(X, Y, batchSize: 2, verbose: 0);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (k, v) in expected) Assert.Equal(v, actual[k]);
        Assert.Contains("accuracy", actual.Keys);
    }

    [Fact]
    public void AnArrayOfAnUnsupportedTypeIsRefused()
    {
        var model = Compiled();
        Assert.Throws<ArgumentException>(() => model.Predict(new string[,] { { "a", "b" } }, verbose: 0));
        Assert.Throws<ArgumentException>(() => model.Evaluate(X, new string[] { "a" }, verbose: 0));
    }
}
