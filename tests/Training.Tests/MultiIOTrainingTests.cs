using LayerGen.Callbacks;
using LayerGen.Layers;
using LayerGen.Losses;
using LayerGen.Metrics;
using LayerGen.Optimizers;

namespace LayerGen.Training.Tests;

/// <summary>
/// Models with several inputs and outputs through Compile/Fit/Evaluate/Predict/TrainOnBatch: arrays and dictionaries,
/// per-output losses (list and dictionary), loss weights, per-output and weighted metrics, sample weights,
/// steps_per_epoch, validation data, the per-output log names and the errors for bad structures.
/// (One training step against Keras is in KerasFormat.Tests/MultiIOFixtureTests.)
/// </summary>
public class MultiIOTrainingTests
{
    private static Model TwoInTwoOut()
    {
        var (inputs, outputs) = TwoInTwoOutFixture.Graph();
        return new Model(inputs, outputs);
    }

    private static (Tensor[] X, Tensor[] Y) Data(int n = 20) => TwoInTwoOutFixture.Data(n, seed: 5);

    [Fact]
    public void FitNamesLogsPerOutputAndLossIsTheWeightedSum()
    {
        var model = TwoInTwoOut();
        Assert.Equal(["dense_2", "dense_3"], model.OutputNames);
        model.Compile(new Adam(learningRate: 0.01), loss: ["mse", "categorical_crossentropy"], lossWeights: [1.0, 0.5],
            metrics: [["mae"], ["accuracy"]]);
        var (x, y) = Data();
        var output = new StringWriter();
        var history = model.Fit(x, y, batchSize: 8, epochs: 3, callbacks: [new ProgbarLogger(output)], validationData: (x, y), shuffle: true);
        Assert.Equal(
            ["dense_2_loss", "dense_2_mae", "dense_3_accuracy", "dense_3_loss", "loss",
             "val_dense_2_loss", "val_dense_2_mae", "val_dense_3_accuracy", "val_dense_3_loss", "val_loss"],
            history.Values.Keys.Order());
        Assert.Equal(3, history.Values["loss"].Count);
        Assert.Contains("dense_3_accuracy", output.ToString());

        // Evaluate: total = mse + 0.5 * crossentropy (no regularizers), per-output losses unweighted.
        var logs = model.Evaluate(x, y, batchSize: 20, verbose: 0);
        Assert.Equal(logs["dense_2_loss"] + 0.5 * logs["dense_3_loss"], logs["loss"], 4);
        Assert.True(history.Values["loss"][2] < history.Values["loss"][0]);
    }

    [Fact]
    public void DictionariesOfInputsTargetsLossesAndMetricsMatchLists()
    {
        var (x, y) = Data(8);
        var listed = TwoInTwoOut();
        var weights = listed.GetWeights();
        listed.Compile(new SGD(learningRate: 0.1), loss: ["mse", "categorical_crossentropy"], lossWeights: [2.0, 1.0], metrics: [["mae"], null]);
        var listLogs = listed.TrainOnBatch(x, y);

        var keyed = TwoInTwoOut();
        keyed.SetWeights(weights);
        keyed.Compile(new SGD(learningRate: 0.1),
            loss: new Dictionary<string, Loss> { ["dense_3"] = "categorical_crossentropy", ["dense_2"] = "mse" },
            lossWeights: new Dictionary<string, double> { ["dense_2"] = 2.0 },
            metrics: new Dictionary<string, IReadOnlyList<Metric>> { ["dense_2"] = ["mae"] });
        var keyedLogs = keyed.TrainOnBatch(
            new Dictionary<string, Tensor> { ["in_b"] = x[1], ["in_a"] = x[0] },
            new Dictionary<string, Tensor> { ["dense_3"] = y[1], ["dense_2"] = y[0] });
        Assert.Equal(listLogs.Keys.Order(), keyedLogs.Keys.Order());
        foreach (var (k, v) in listLogs) Assert.Equal(v, keyedLogs[k], 5);
        var after1 = listed.GetWeights();
        var after2 = keyed.GetWeights();
        for (int i = 0; i < after1.Length; i++) Assert.Equal(after1[i].ToArray<float>(), after2[i].ToArray<float>());
    }

    [Fact]
    public void SampleWeightsAndWeightedMetricsPerOutput()
    {
        var (x, y) = Data(6);
        var model = TwoInTwoOut();
        model.Compile(new SGD(), loss: ["mse", null], weightedMetrics: [["mae"], null]);
        var zero = Tensor.Zeros([6]);
        var logs = model.TestOnBatch(x, y, sampleWeight: [zero, null]);
        Assert.Equal(0, logs["dense_2_loss"], 6);
        Assert.Equal(0, logs["dense_2_mae"], 6);
        Assert.False(logs.ContainsKey("dense_3_loss"));
        var unweighted = model.TestOnBatch(x, y);
        Assert.True(unweighted["dense_2_loss"] > 0);
    }

    [Fact]
    public void StepsPerEpochCapsTheBatches()
    {
        var (x, y) = Data(20);
        var model = TwoInTwoOut();
        model.Compile(new SGD(), loss: ["mse", "categorical_crossentropy"]);
        var batches = new CountBatches();
        model.Fit(x, y, batchSize: 4, epochs: 2, verbose: 0, stepsPerEpoch: 2, callbacks: [batches]);
        Assert.Equal(4, batches.Count);
    }

    [Fact]
    public void ASingleLossAppliesToEveryOutput()
    {
        var (x, y) = Data(6);
        var model = TwoInTwoOut();
        model.Compile(new SGD(), loss: "mse", metrics: ["mae"]);
        var logs = model.TrainOnBatch(x, y);
        Assert.Equal(["dense_2_loss", "dense_2_mae", "dense_3_loss", "dense_3_mae", "loss"], logs.Keys.Order());
        Assert.Equal(logs["dense_2_loss"] + logs["dense_3_loss"], logs["loss"], 4);
    }

    [Fact]
    public void BadStructuresAreNamed()
    {
        var (x, y) = Data(4);
        var model = TwoInTwoOut();
        model.Compile(new SGD(), loss: ["mse", "categorical_crossentropy"]);

        var missing = Assert.Throws<ArgumentException>(() => model.Predict(new Dictionary<string, Tensor> { ["in_a"] = x[0] }, verbose: 0));
        Assert.StartsWith("Missing data for input \"in_b\". You passed a data dictionary with keys ['in_a']. Expected the following keys: ['in_a', 'in_b'].", missing.Message);

        var unknown = Assert.Throws<ArgumentException>(() => model.TrainOnBatch(
            new Dictionary<string, Tensor> { ["in_a"] = x[0], ["in_c"] = x[1] }, new Dictionary<string, Tensor> { ["dense_2"] = y[0], ["dense_3"] = y[1] }));
        Assert.StartsWith("Unknown input name \"in_c\" in the data dictionary. The model's inputs are ['in_a', 'in_b'].", unknown.Message);

        var targets = Assert.Throws<ArgumentException>(() => model.TrainOnBatch(x, [y[0]]));
        Assert.StartsWith("Model \"functional\" has 2 output(s) ['dense_2', 'dense_3'], but 1 targets were given", targets.Message);

        var inputs = Assert.Throws<ArgumentException>(() => model.Fit([x[0]], y, verbose: 0));
        Assert.StartsWith("Model \"functional\" expects 2 input(s) ['in_a', 'in_b'], but it received 1 input arrays.", inputs.Message);

        var losses = Assert.Throws<ArgumentException>(() => model.Compile(new SGD(), loss: ["mse"]));
        Assert.StartsWith("Model \"functional\" has 2 output(s) ['dense_2', 'dense_3'], but 1 losses were given", losses.Message);

        var lossKey = Assert.Throws<ArgumentException>(() => model.Compile(new SGD(), loss: new Dictionary<string, Loss> { ["dense_9"] = "mse" }));
        Assert.StartsWith("In the dictionary of loss, \"dense_9\" is not an output of the model. The model's outputs are ['dense_2', 'dense_3'].", lossKey.Message);

        var classWeight = Assert.Throws<ArgumentException>(() => model.TrainOnBatch(x, y, classWeight: new Dictionary<int, double> { [0] = 2 }));
        Assert.Contains("`class_weight` is only supported for Models with a single output", classWeight.Message);
    }

    [Fact]
    public void ClassWeightWorksWithSeveralInputsAndOneOutput()
    {
        Keras.ClearSession();
        var a = Keras.Input([2], name: "a");
        var b = Keras.Input([2], name: "b");
        var model = new Model([a, b], new Dense(2, activation: "softmax").Invoke(new Concatenate().Invoke([a, b])));
        model.Compile(new SGD(), loss: ["categorical_crossentropy"], metrics: [["accuracy"]]);
        var x = new[] { Tensor.Ones([4, 2]), Tensor.Ones([4, 2]) };
        var y = new[] { Tensor.From(new float[,] { { 1, 0 }, { 1, 0 }, { 0, 1 }, { 0, 1 } }) };
        var plain = model.TestOnBatch(x, y);
        Assert.Equal(["accuracy", "loss"], plain.Keys.Order()); // one output: Keras's bare names
        var weighted = model.TrainOnBatch(x, y, classWeight: new Dictionary<int, double> { [0] = 0, [1] = 0 });
        Assert.Equal(0, weighted["loss"], 6);
        Assert.Single(model.Predict(x, verbose: 0));
    }

    [Fact]
    public void DocsExampleRuns()
    {
        // docs/training.md, "Several inputs and outputs" (output names dense_1, dense_2 as in the text)
        Keras.ClearSession();
        var a = Keras.Input([4], name: "in_a");
        var b = Keras.Input([3], name: "in_b");
        var joined = new Concatenate().Invoke([a, b]);
        var out1 = new Dense(2) { Name = "dense_1" }.Invoke(joined);
        var out2 = new Dense(3, activation: "softmax") { Name = "dense_2" }.Invoke(joined);
        var model = new Model([a, b], [out1, out2]);
        var (x, y) = Data(10);
        var (xA, xB, y1, y2) = (x[0], x[1], y[0], y[1]);
        var (vA, vB, v1, v2) = (xA, xB, y1, y2);
        var w1 = Tensor.Ones([10]);
        model.Compile(new Adam(learningRate: 1e-3),
            loss: ["mse", "categorical_crossentropy"],
            lossWeights: [1.0, 0.5],
            metrics: [["mae"], ["accuracy"]],
            weightedMetrics: null);
        var history = model.Fit([xA, xB], [y1, y2], batchSize: 32, epochs: 2, verbose: 0,
            validationData: ([vA, vB], [v1, v2]), sampleWeight: [w1, null], stepsPerEpoch: 100);
        model.Fit(new Dictionary<string, Tensor> { ["in_a"] = xA, ["in_b"] = xB },
                  new Dictionary<string, Tensor> { ["dense_1"] = y1, ["dense_2"] = y2 }, verbose: 0);
        Tensor[] predictions = model.Predict([xA, xB], verbose: 0);
        var logs = model.TrainOnBatch([xA, xB], [y1, y2]);
        Assert.Equal(2, predictions.Length);
        Assert.Contains("val_dense_2_accuracy", history.Values.Keys);
        Assert.Equal(["dense_1_loss", "dense_1_mae", "dense_2_accuracy", "dense_2_loss", "loss"], logs.Keys.Order());
    }

    private sealed class CountBatches : Callback
    {
        public int Count;

        public override void OnTrainBatchEnd(int batch, IDictionary<string, double> logs) => Count++;
    }
}
