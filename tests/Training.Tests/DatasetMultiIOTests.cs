using LayerGen.Callbacks;
using LayerGen.Layers;
using LayerGen.Optimizers;

namespace LayerGen.Training.Tests;

/// <summary>
/// Datasets whose elements carry several inputs and targets (arrays or dictionaries keyed by name): Fit, Evaluate and
/// Predict over them give exactly what the array overloads give, the parts stay aligned through the pipeline, and a
/// dictionary with a name the model does not have is the dictionary Fit's error.
/// </summary>
public class DatasetMultiIOTests
{
    private static Model TwoInTwoOut()
    {
        var (inputs, outputs) = TwoInTwoOutFixture.Graph();
        var model = new Model(inputs, outputs);
        model.Compile(new Adam(learningRate: 0.01), loss: ["mse", "categorical_crossentropy"], lossWeights: [1.0, 0.5], metrics: [["mae"], ["accuracy"]]);
        return model;
    }

    private static (Tensor[] X, Tensor[] Y) Data(int n = 20) => TwoInTwoOutFixture.Data(n, seed: 5);

    private static void AssertSameWeights(Model expected, Model actual)
    {
        var a = expected.GetWeights();
        var b = actual.GetWeights();
        Assert.Equal(a.Length, b.Length);
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i].ToArray<float>(), b[i].ToArray<float>());
    }

    private static void AssertSameHistory(History expected, History actual)
    {
        Assert.Equal(expected.Values.Keys.Order(), actual.Values.Keys.Order());
        foreach (var (key, values) in expected.Values) Assert.Equal(values, actual.Values[key]);
    }

    [Fact]
    public void FitEvaluatePredictOverAPartsDatasetMatchTheArrayOverloadsExactly()
    {
        var (x, y) = Data();
        var arrays = TwoInTwoOut();
        var initial = arrays.GetWeights();
        var expectedHistory = arrays.Fit(x, y, batchSize: 8, epochs: 3, verbose: 0, validationData: (x, y), shuffle: false);

        var streamed = TwoInTwoOut();
        streamed.SetWeights(initial);
        var train = Dataset.FromTensors(x, y)
            .Map(e => e with { Inputs = [.. e.Inputs!] }) // a stage that rebuilds the element keeps its parts
            .Cache()
            .Batch(8)
            .Prefetch(2);
        var history = streamed.Fit(train, epochs: 3, verbose: 0, validationData: Dataset.FromTensors(x, y).Batch(8));

        AssertSameWeights(arrays, streamed);
        AssertSameHistory(expectedHistory, history);
        Assert.Contains("val_dense_3_accuracy", history.Values.Keys);

        var expectedLogs = arrays.Evaluate(x, y, batchSize: 8, verbose: 0);
        var logs = streamed.Evaluate(Dataset.FromTensors(x, y).Batch(8), verbose: 0);
        Assert.Equal(expectedLogs.OrderBy(p => p.Key), logs.OrderBy(p => p.Key));

        var expectedOutputs = arrays.Predict(x, batchSize: 8, verbose: 0);
        var outputs = streamed.PredictOutputs(Dataset.FromTensors(x).Batch(8), verbose: 0);
        Assert.Equal(expectedOutputs.Length, outputs.Length);
        for (int i = 0; i < outputs.Length; i++) Assert.Equal(expectedOutputs[i].ToArray<float>(), outputs[i].ToArray<float>());

        var single = Assert.Throws<InvalidOperationException>(() => streamed.Predict(Dataset.FromTensors(x).Batch(8), verbose: 0));
        Assert.Contains("PredictOutputs", single.Message);
    }

    [Fact]
    public void DictionaryElementsAreMatchedByNameAtFitTime()
    {
        var (x, y) = Data(16);
        var arrays = TwoInTwoOut();
        var initial = arrays.GetWeights();
        var expectedHistory = arrays.Fit(x, y, batchSize: 8, epochs: 2, verbose: 0, shuffle: false);

        var keyed = TwoInTwoOut();
        keyed.SetWeights(initial);
        // Keys in the other order than the model's: the names, not the positions, decide.
        var data = Dataset.FromTensors(
            new Dictionary<string, Tensor> { ["in_b"] = x[1], ["in_a"] = x[0] },
            new Dictionary<string, Tensor> { ["dense_3"] = y[1], ["dense_2"] = y[0] }).Batch(8);
        var history = keyed.Fit(data, epochs: 2, verbose: 0);

        AssertSameWeights(arrays, keyed);
        AssertSameHistory(expectedHistory, history);
        Assert.Equal(arrays.Evaluate(x, y, batchSize: 8, verbose: 0).OrderBy(p => p.Key), keyed.Evaluate(data, verbose: 0).OrderBy(p => p.Key));
    }

    [Fact]
    public void AnUnknownNameInADictionaryElementListsTheModelsNames()
    {
        var (x, y) = Data(8);
        var model = TwoInTwoOut();
        var unknownInput = Dataset.FromTensors(
            new Dictionary<string, Tensor> { ["in_a"] = x[0], ["in_c"] = x[1] },
            new Dictionary<string, Tensor> { ["dense_2"] = y[0], ["dense_3"] = y[1] }).Batch(4);
        var error = Assert.Throws<ArgumentException>(() => model.Fit(unknownInput, verbose: 0));
        Assert.Contains("\"in_c\"", error.Message);
        Assert.Contains("['in_a', 'in_b']", error.Message);

        var unknownOutput = Dataset.FromGenerator(() =>
            [DataBatch.FromDictionaries(new Dictionary<string, Tensor> { ["in_a"] = x[0], ["in_b"] = x[1] }, new Dictionary<string, Tensor> { ["dense_9"] = y[0], ["dense_3"] = y[1] })],
            cardinality: 1, batched: true);
        var outputError = Assert.Throws<ArgumentException>(() => model.Evaluate(unknownOutput, verbose: 0));
        Assert.Contains("['dense_2', 'dense_3']", outputError.Message);
    }

    [Fact]
    public void ShuffleAndBatchKeepTheRowsOfEveryPartTogether()
    {
        const int n = 10;
        var rows = new float[n];
        for (int i = 0; i < n; i++) rows[i] = i;
        var a = Tensor.From<float>(rows, [n]);
        var b = Tensor.From<float>([.. rows.Select(r => 100 + r)], [n]);
        var w = Tensor.From<float>([.. rows.Select(r => -r)], [n]);
        var data = Dataset.FromTensors([a, b], [b], [w]).Shuffle(7).Batch(4);
        Assert.Equal(3, data.Cardinality);
        var seen = new List<float>();
        foreach (var batch in data)
        {
            var first = batch.Inputs![0].ToArray<float>();
            Assert.Equal(first.Select(v => 100 + v), batch.Inputs[1].ToArray<float>());
            Assert.Equal(first.Select(v => 100 + v), batch.Targets![0].ToArray<float>());
            Assert.Equal(first.Select(v => -v), batch.SampleWeights![0]!.ToArray<float>());
            Assert.Same(batch.Inputs[0], batch.X);
            seen.AddRange(first);
        }
        Assert.Equal(rows, seen.Order());
        Assert.NotEqual(rows, seen); // shuffled

        var mixed = Dataset.FromGenerator(() => [DataBatch.FromParts([a[0], b[0]]), DataBatch.FromParts([a[1]])]).Batch(2);
        Assert.Throws<DatasetShapeException>(() => mixed.ToList());
    }
}
