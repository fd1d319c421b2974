using LayerGen.Layers;
using LayerGen.Optimizers;

namespace LayerGen.Training.Tests;

/// <summary>Records the training flag it is called with.</summary>
[Layer]
public partial class FlagProbe
{
    /// <summary>The flags seen, in order.</summary>
    public List<bool> Seen { get; } = [];

    /// <summary>Creates the probe.</summary>
    public FlagProbe() { }

    /// <summary>Passes the input through.</summary>
    protected Tensor Call(Tensor inputs, bool training = false)
    {
        Seen.Add(training);
        return inputs;
    }
}

/// <summary>Dropout, BatchNormalization, LayerNormalization and the training flag in Fit/Evaluate/Predict.</summary>
public class LayerTests
{
    [Fact]
    public void TrainingFlagReachesEveryLayer()
    {
        var probe = new FlagProbe();
        var model = new Sequential([new InputLayer(shape: [2]), new Dense(2), probe, new Dense(1)]);
        model.Compile(new SGD(), "mse");
        var x = Tensor.Ones([4, 2]);
        var y = Tensor.Ones([4, 1]);
        probe.Seen.Clear();
        model.Fit(x, y, batchSize: 4, epochs: 1, verbose: 0);
        Assert.Equal([true], probe.Seen);
        probe.Seen.Clear();
        model.Evaluate(x, y, verbose: 0);
        model.Predict(x, verbose: 0);
        Assert.Equal([false, false], probe.Seen);

        var input = Keras.Input(shape: [2]);
        var probe2 = new FlagProbe();
        var functional = new Model(input, new Dense(1).Invoke(probe2.Invoke(input)));
        functional.Compile(new SGD(), "mse");
        probe2.Seen.Clear();
        functional.TrainOnBatch(x, y);
        functional.PredictOnBatch(x);
        Assert.Equal([true, false], probe2.Seen);
    }

    [Fact]
    public void DropoutIsSeededAndOnlyInTraining()
    {
        var x = Tensor.Ones([100, 10]);
        var d = new Dropout(0.3, seed: 7);
        Assert.Equal(x.ToFloatArray(), d.Invoke(x).ToFloatArray());
        var y = d.Invoke(x, training: true).ToFloatArray();
        int zeros = y.Count(v => v == 0);
        Assert.InRange(zeros, 220, 380);
        Assert.All(y.Where(v => v != 0), v => Assert.Equal(1 / 0.7f, v, 5));
        var again = new Dropout(0.3, seed: 7).Invoke(x, training: true).ToFloatArray();
        Assert.Equal(y, again);
        var shared = new Dropout(0.5, noiseShape: [1, 10], seed: 1).Invoke(x, training: true);
        var rows = shared.ToFloatArray().Chunk(10).ToList();
        Assert.All(rows, r => Assert.Equal(rows[0], r));
        Assert.Equal(0.3, d.GetConfig()["rate"]!.GetValue<double>());
        Assert.Equal(7, d.GetConfig()["seed"]!.GetValue<int>());
    }

    [Fact]
    public void BatchNormalizationUsesBatchStatsInTrainingAndMovingStatsOtherwise()
    {
        var x = Tensor.From(new float[,] { { 1, 10 }, { 3, 20 }, { 5, 30 } });
        var bn = new BatchNormalization();
        var y = bn.Invoke(x, training: true);
        // per feature: mean 3 and 20, variance 8/3 and 200/3
        var expected = new[] { (1 - 3) / Math.Sqrt(8.0 / 3 + 1e-3), (10 - 20) / Math.Sqrt(200.0 / 3 + 1e-3) };
        Assert.Equal(expected[0], y.At<float>(0, 0), 4);
        Assert.Equal(expected[1], y.At<float>(0, 1), 4);
        Assert.Equal(new[] { 0.03f, 0.2f }, bn.MovingMean!.ToFloatArray().Select(v => MathF.Round(v, 5)));
        Assert.Equal(0.99 + 0.01 * 8.0 / 3, bn.MovingVariance!.ToFloatArray()[0], 5);
        var inference = bn.Invoke(x);
        Assert.Equal((1 - 0.03) / Math.Sqrt(0.99 + 0.01 * 8.0 / 3 + 1e-3), inference.At<float>(0, 0), 4);
        Assert.Equal(["gamma", "beta"], bn.TrainableVariables.Select(v => v.Name));
        Assert.Equal(["moving_mean", "moving_variance"], bn.NonTrainableVariables.Select(v => v.Name));
        Assert.Equal(0.99, bn.GetConfig()["momentum"]!.GetValue<double>());
        Assert.Equal(0.001, bn.GetConfig()["epsilon"]!.GetValue<double>());
    }

    [Fact]
    public void FitWithBatchNormAndDropoutTrainsAndUpdatesMovingStats()
    {
        RandomGenerator.SetGlobalSeed(11);
        var (x, y) = FitTests.Spirals(400, 3);
        var bn = new BatchNormalization();
        var model = new Sequential([new InputLayer(shape: [2]), new Dense(32, activation: "relu"), bn, new Dropout(0.1, seed: 1),
            new Dense(32, activation: "relu"), new Dense(1, activation: "sigmoid")]);
        model.Compile(new Adam(learningRate: 0.01), "binary_crossentropy", ["accuracy"]);
        var h = model.Fit(x, y, batchSize: 32, epochs: 25, verbose: 0);
        Assert.True(h["loss"][^1] < h["loss"][0]);
        Assert.True(h["accuracy"][^1] > 0.9, $"accuracy {h["accuracy"][^1]}");
        Assert.Contains(bn.MovingMean!.ToFloatArray(), v => v != 0);
        Assert.Equal(2, model.NonTrainableVariables.Count);
        var dir = Directory.CreateTempSubdirectory("lg-bn").FullName;
        try
        {
            var prefix = new Checkpoint { ["model"] = model }.Write(Path.Combine(dir, "m"));
            Assert.Contains(Checkpoint.ListVariables(prefix), v => v.Key.Contains("moving_variance", StringComparison.Ordinal));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void LayerNormalizationNormalizesEachSample()
    {
        var x = Tensor.From(new float[,] { { 1, 2, 3, 4 }, { -2, 0, 2, 8 } });
        var ln = new LayerNormalization();
        var y = ln.Invoke(x).ToFloatArray();
        foreach (var row in y.Chunk(4))
        {
            Assert.Equal(0, row.Average(), 5);
            double variance = row.Select(v => (double)v * v).Average();
            Assert.InRange(variance, 0.99, 1.0);
        }
        Assert.Equal((1 - 2.5) / Math.Sqrt(1.25 + 1e-3), y[0], 4);
        var rms = new LayerNormalization(rmsScaling: true, center: false).Invoke(x).ToFloatArray();
        Assert.Equal(1 / Math.Sqrt(7.5 + 1e-3), rms[0], 4);
    }
}

/// <summary>A subclassed model whose Call takes no training flag.</summary>
[Layer]
public partial class ProbeModel : Model
{
    private readonly FlagProbe probe = new();
    private readonly Dense dense = new(1);

    /// <summary>Creates the model.</summary>
    public ProbeModel() { }

    /// <summary>The probe inside.</summary>
    public FlagProbe Probe => probe;

    /// <summary>probe then dense.</summary>
    protected Tensor Call(Tensor inputs) => dense.Invoke(probe.Invoke(inputs));
}

/// <summary>Training a subclassed model.</summary>
public class SubclassedModelTests
{
    [Fact]
    public void TrainingFlagReachesLayersOfASubclassedModel()
    {
        var model = new ProbeModel();
        model.Compile(new SGD(learningRate: 0.1), "mse");
        var x = Tensor.Ones([4, 2]);
        var y = Tensor.Ones([4, 1]);
        var first = model.Evaluate(x, y, verbose: 0)["loss"];
        model.Probe.Seen.Clear();
        for (int i = 0; i < 5; i++) model.TrainOnBatch(x, y);
        Assert.All(model.Probe.Seen, Assert.True);
        Assert.Equal(2, model.TrainableVariables.Count);
        Assert.True(model.Evaluate(x, y, verbose: 0)["loss"] < first);
        Assert.False(model.Probe.Seen[^1]);
    }
}
