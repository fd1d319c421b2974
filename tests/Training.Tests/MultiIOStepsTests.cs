using LayerGen.Layers;
using LayerGen.Losses;
using LayerGen.Optimizers;

namespace LayerGen.Training.Tests;

/// <summary>
/// Overridable steps of models with several inputs and outputs (Keras's <c>train_step(data)</c> receiving the whole
/// structure), and the dictionary <c>Fit</c>'s validation data, validation frequency and class weights.
/// </summary>
public class MultiIOStepsTests
{
    private static (Tensor[] Inputs, Tensor[] Outputs) Graph() => TwoInTwoOutFixture.Graph();

    private static (Tensor[] X, Tensor[] Y) Data(int n = 12) => TwoInTwoOutFixture.Data(n, seed: 9);

    // A functional model subclassed only to override its steps (Keras's usual custom train_step pattern): no [Layer]
    // needed, and LG0015 stays quiet for it.
    /// <summary>Counts the structured steps and defers to the defaults (which are planned).</summary>
    private sealed class CountingModel(Tensor[] inputs, Tensor[] outputs) : Model(inputs, outputs)
    {
        public int TrainSteps, TestSteps, PredictSteps;
        public int Inputs0, Targets0;

        public override Dictionary<string, double> TrainStep(Tensor[] x, Tensor[] y, Tensor?[]? sampleWeight)
        {
            TrainSteps++;
            Inputs0 = x.Length;
            Targets0 = y.Length;
            return base.TrainStep(x, y, sampleWeight);
        }

        public override Dictionary<string, double> TestStep(Tensor[] x, Tensor[] y, Tensor?[]? sampleWeight)
        {
            TestSteps++;
            return base.TestStep(x, y, sampleWeight);
        }

        public override Tensor[] PredictStep(Tensor[] x)
        {
            PredictSteps++;
            return base.PredictStep(x);
        }
    }

    /// <summary>A hand-written train step (its own tape, ComputeLoss, optimizer, ComputeMetrics), as Keras's custom train_step.</summary>
    private sealed class CustomStepModel(Tensor[] inputs, Tensor[] outputs) : Model(inputs, outputs)
    {
        public int Steps;

        public override Dictionary<string, double> TrainStep(Tensor[] x, Tensor[] y, Tensor?[]? sampleWeight)
        {
            Steps++;
            var variables = TrainableVariables;
            Tensor[] yPred;
            Tensor loss;
            Tensor?[] grads;
            using (var tape = new GradientTape())
            {
                yPred = CallWithTraining(x, training: true);
                loss = ComputeLoss(x, y, yPred, sampleWeight);
                grads = tape.Gradient(loss, [.. variables]);
            }
            this.Optimizer!.Apply(grads, variables);
            return ComputeMetrics(x, y, yPred, loss, sampleWeight);
        }
    }

    [Fact]
    public void FitAndTheBatchMethodsCallTheStructuredOverridesAndBaseStaysPlanned()
    {
        var (inputs, outputs) = Graph();
        var model = new CountingModel(inputs, outputs);
        model.Compile(new SGD(learningRate: 0.05), loss: ["mse", "categorical_crossentropy"], metrics: [["mae"], ["accuracy"]]);
        var (x, y) = Data();
        var history = model.Fit(x, y, batchSize: 4, epochs: 2, verbose: 0, validationData: (x, y), shuffle: false);
        Assert.Equal(6, model.TrainSteps);
        Assert.Equal(2, model.Inputs0);
        Assert.Equal(2, model.Targets0);
        Assert.Equal(2 * 3, model.TestSteps); // validation: 3 batches per epoch
        Assert.Contains("val_dense_3_accuracy", history.Values.Keys);
        Assert.True(model.TraceCount >= 2, $"the default steps behind the overrides were planned (traces: {model.TraceCount}, failure: {model.TraceFailure})");
        Assert.Null(model.TraceFailure);

        model.TrainOnBatch(x, y);
        model.TestOnBatch(x, y);
        var predicted = model.Predict(x, batchSize: 5, verbose: 0);
        model.PredictOnBatch(x);
        model.Evaluate(new Dictionary<string, Tensor> { ["in_a"] = x[0], ["in_b"] = x[1] },
            new Dictionary<string, Tensor> { ["dense_2"] = y[0], ["dense_3"] = y[1] }, batchSize: 12, verbose: 0);
        Assert.Equal(7, model.TrainSteps);
        Assert.Equal(6 + 1 + 1, model.TestSteps);
        Assert.Equal(3 + 1, model.PredictSteps);
        Assert.Equal([12, 3], predicted[1].Shape.ToArray());
    }

    [Fact]
    public void AHandWrittenStructuredStepMatchesTheDefaultStep()
    {
        var (x, y) = Data(8);
        var (i1, o1) = Graph();
        var plain = new Model(i1, o1);
        var weights = plain.GetWeights();
        plain.Compile(new SGD(learningRate: 0.1), loss: ["mse", "categorical_crossentropy"], lossWeights: [1.0, 0.5], metrics: [["mae"], null]);
        var expected = plain.TrainOnBatch(x, y);

        var (i2, o2) = Graph();
        var custom = new CustomStepModel(i2, o2);
        custom.SetWeights(weights);
        custom.Compile(new SGD(learningRate: 0.1), loss: ["mse", "categorical_crossentropy"], lossWeights: [1.0, 0.5], metrics: [["mae"], null]);
        var logs = custom.TrainOnBatch(x, y);
        Assert.Equal(1, custom.Steps);
        Assert.Equal(expected.Keys.Order(), logs.Keys.Order()); // per-output losses kept by ComputeLoss, logged by ComputeMetrics
        foreach (var (k, v) in expected) Assert.Equal(v, logs[k], 5);
        var w1 = plain.GetWeights();
        var w2 = custom.GetWeights();
        for (int i = 0; i < w1.Length; i++)
        {
            var a = w1[i].ToArray<float>();
            var b = w2[i].ToArray<float>();
            for (int j = 0; j < a.Length; j++) Assert.Equal(a[j], b[j], 5);
        }

        custom.Fit(x, y, batchSize: 4, epochs: 1, verbose: 0);
        Assert.Equal(3, custom.Steps);
    }

    [Fact]
    public void DictionaryFitTakesValidationDataAndFrequency()
    {
        var (inputs, outputs) = Graph();
        var model = new Model(inputs, outputs);
        model.Compile(new Adam(learningRate: 0.01), loss: new Dictionary<string, Loss> { ["dense_2"] = "mse", ["dense_3"] = "categorical_crossentropy" });
        var (x, y) = Data();
        var xd = new Dictionary<string, Tensor> { ["in_b"] = x[1], ["in_a"] = x[0] };
        var yd = new Dictionary<string, Tensor> { ["dense_3"] = y[1], ["dense_2"] = y[0] };
        var validated = new List<int>();
        var history = model.Fit(xd, yd, batchSize: 6, epochs: 4, verbose: 0, validationData: (xd, yd), validationFreq: 2,
            callbacks: [new EpochKeys(validated)]);
        Assert.Equal([1, 3], validated); // epochs 2 and 4 (0-based 1, 3)
        Assert.Equal(2, history.Values["val_loss"].Count);
        Assert.Equal(4, history.Values["loss"].Count);
        var direct = model.Evaluate(x, y, batchSize: 12, verbose: 0);
        Assert.Equal(direct["loss"], history.Values["val_loss"][^1], 4);

        var missing = Assert.Throws<ArgumentException>(() => model.Fit(xd, yd, verbose: 0,
            validationData: (new Dictionary<string, Tensor> { ["in_a"] = x[0] }, yd)));
        Assert.StartsWith("Missing data for input \"in_b\". You passed a data dictionary with keys ['in_a']. Expected the following keys: ['in_a', 'in_b'].", missing.Message);
        var unknownWeight = Assert.Throws<ArgumentException>(() => model.Fit(xd, yd, verbose: 0,
            sampleWeight: new Dictionary<string, Tensor> { ["dense_7"] = Tensor.Ones([12]) }));
        Assert.StartsWith("Unknown output name \"dense_7\" in the sample_weight dictionary. The model's outputs are ['dense_2', 'dense_3'].", unknownWeight.Message);
    }

    [Fact]
    public void DictionaryTargetsRefuseClassWeightAsKerasDoes()
    {
        // Keras 3.15.1 (array_data_adapter.py): targets given as a structure (list or dict) with class_weight raise
        // "`class_weight` is only supported for Models with a single output." -- also for a dictionary of one output.
        Keras.ClearSession();
        var a = Keras.Input([2], name: "a");
        var b = Keras.Input([2], name: "b");
        var model = new Model([a, b], new Dense(2, activation: "softmax") { Name = "out" }.Invoke(new Concatenate().Invoke([a, b])));
        model.Compile(new SGD(), loss: ["categorical_crossentropy"]);
        var xd = new Dictionary<string, Tensor> { ["a"] = Tensor.Ones([4, 2]), ["b"] = Tensor.Ones([4, 2]) };
        var yd = new Dictionary<string, Tensor> { ["out"] = Tensor.From(new float[,] { { 1, 0 }, { 1, 0 }, { 0, 1 }, { 0, 1 } }) };
        var e = Assert.Throws<ArgumentException>(() => model.Fit(xd, yd, verbose: 0, classWeight: new Dictionary<int, double> { [0] = 2 }));
        Assert.StartsWith("`class_weight` is only supported for Models with a single output.", e.Message);
        // the array overload with one target array is Keras's single (unstructured) y: class weights apply
        var logs = model.TrainOnBatch([xd["a"], xd["b"]], [yd["out"]], classWeight: new Dictionary<int, double> { [0] = 0, [1] = 0 });
        Assert.Equal(0, logs["loss"], 6);
    }

    private sealed class EpochKeys(List<int> validated) : Callbacks.Callback
    {
        public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
        {
            if (logs.ContainsKey("val_loss")) validated.Add(epoch);
        }
    }
}
