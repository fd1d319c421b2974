using System.Text.Json.Nodes;
using LayerGen.Layers;
using LayerGen.Losses;
using LayerGen.Metrics;
using static LayerGen.Training.Tests.MaskedLossFixture;

namespace LayerGen.Training.Tests;

/// <summary>
/// Losses and metrics weigh by the mask a prediction carries (Keras's <c>_keras_mask</c>): masked-out entries count
/// 0 and the means are over the kept entries, in the loss objects, the metrics, and Evaluate/Fit on both the planned
/// and the eager step. The numbers are Keras 3.15.1's (Fixtures/keras-3.15.1-masked-loss.json, written by
/// Scripts/gen_masked_loss_fixture.py on the numpy backend).
/// </summary>
public class MaskedLossTests
{
    /// <summary>Keras's model: Embedding(6, 3, mask_zero) -> TimeDistributed(Dense(4, softmax)), the fixture's weights.</summary>
    private static Model Build(bool runEagerly)
    {
        var inputs = Keras.Input([5], dtype: DType.Int32);
        var embedding = new Embedding(6, 3, maskZero: true);
        var dense = new Dense(4, activation: "softmax");
        var outputs = new TimeDistributed(dense).Invoke(embedding.Invoke(inputs));
        var model = new Model(inputs, outputs);
        embedding.Embeddings!.Assign(Floats("embeddings"));
        dense.Kernel!.Assign(Floats("kernel"));
        dense.Bias!.Assign(Floats("bias"));
        model.Compile(loss: "sparse_categorical_crossentropy", metrics: ["sparse_categorical_accuracy"], runEagerly: runEagerly);
        return model;
    }

    private static Tensor Prediction(Model model)
    {
        var pred = model.Invoke(Ints("x"));
        Assert.NotNull(KerasMask.Of(pred));
        return pred;
    }

    [Fact]
    public void ThePredictionCarriesKerassMask()
    {
        var pred = Prediction(Build(false));
        var expected = ((JsonArray)Node("prediction")).SelectMany(r => ((JsonArray)r!).SelectMany(c => ((JsonArray)c!).Select(v => v!.GetValue<float>()))).ToArray();
        var actual = pred.ToArray<float>();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
        var mask = KerasMask.Of(pred)!.ToArray<bool>();
        var rows = (JsonArray)Node("mask");
        Assert.Equal([.. rows.SelectMany(r => ((JsonArray)r!).Select(v => v!.GetValue<bool>()))], mask);
    }

    [Fact]
    public void LossesWeighByTheMaskAsKerasDoes()
    {
        var model = Build(false);
        var y = Ints("y");
        var sw = Floats("sample_weight");
        var pred = Prediction(model);
        var scce = new SparseCategoricalCrossentropy();
        var sum = new SparseCategoricalCrossentropy(reduction: "sum");
        Assert.Equal(D("loss"), scce.Call(y, pred).ToScalar<float>(), 5);
        Assert.Equal(D("loss_weighted"), scce.Call(y, pred, sw).ToScalar<float>(), 5);
        Assert.Equal(D("loss_sum"), sum.Call(y, pred).ToScalar<float>(), 4);
        Assert.Equal(D("loss_sum_weighted"), sum.Call(y, pred, sw).ToScalar<float>(), 4);
        // the same values without the mask give Keras's unmasked number: the mask is what changed it
        var unmasked = Tensor.From<float>(pred.ToArray<float>(), pred.Shape);
        Assert.Equal(D("loss_unmasked"), scce.Call(y, unmasked).ToScalar<float>(), 5);
        Assert.NotEqual(D("loss"), D("loss_unmasked"), 3);
    }

    [Fact]
    public void MetricsWeighByTheMask()
    {
        var pred = Prediction(Build(false));
        var accuracy = new SparseCategoricalAccuracy();
        accuracy.UpdateState(Ints("y"), pred);
        Assert.Equal(D("accuracy"), accuracy.Result(), 6);
        // by hand: the argmax matches over the kept steps, and over all steps for an unmasked copy
        var p = pred.ToArray<float>();
        var y = Ints("y").ToArray<int>();
        var kept = KerasMask.Of(pred)!.ToArray<bool>();
        int hits = 0, keptHits = 0;
        for (int i = 0; i < y.Length; i++)
        {
            int best = 0;
            for (int c = 1; c < 4; c++) if (p[i * 4 + c] > p[i * 4 + best]) best = c;
            if (best == y[i]) { hits++; if (kept[i]) keptHits++; }
        }
        Assert.Equal((float)keptHits / kept.Count(k => k), accuracy.Result(), 6);
        var unmasked = new SparseCategoricalAccuracy();
        unmasked.UpdateState(Ints("y"), Tensor.From<float>(p, pred.Shape));
        Assert.Equal((float)hits / y.Length, unmasked.Result(), 6);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EvaluateWeighsByTheMaskOnThePlannedAndTheEagerStep(bool runEagerly)
    {
        var model = Build(runEagerly);
        var scores = model.Evaluate(Ints("x"), Ints("y"), batchSize: 3, verbose: 0);
        Assert.Equal(D("evaluate_loss"), scores["loss"], 5);
        Assert.Equal(D("evaluate_accuracy"), scores["sparse_categorical_accuracy"], 6);
        var weighted = model.Evaluate(Ints("x"), Ints("y"), batchSize: 3, verbose: 0, sampleWeight: Floats("sample_weight"));
        Assert.Equal(D("evaluate_weighted_loss"), weighted["loss"], 5);
        Assert.Equal(D("evaluate_weighted_accuracy"), weighted["sparse_categorical_accuracy"], 6);
        Assert.Null(model.TraceFailure); // the planned step really ran (not the eager fallback)
        Assert.Equal(runEagerly ? 0 : 2, model.TraceCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FitIgnoresTheTargetsOfMaskedSteps(bool runEagerly)
    {
        // Two runs whose targets differ only where the mask is false train to the same weights.
        var y = Ints("y").ToArray<int>();
        var mask = ((JsonArray)Node("mask")).SelectMany(r => ((JsonArray)r!).Select(v => v!.GetValue<bool>())).ToArray();
        var changed = (int[])y.Clone();
        for (int i = 0; i < changed.Length; i++) if (!mask[i]) changed[i] = (changed[i] + 1) % 4;
        var weights = new List<float[]>();
        foreach (var targets in new[] { y, changed })
        {
            var model = Build(runEagerly);
            model.Compile(optimizer: new Optimizers.SGD(learningRate: 0.5), loss: "sparse_categorical_crossentropy", runEagerly: runEagerly);
            model.Fit(Ints("x"), Tensor.From<int>(targets, [3, 5]), batchSize: 3, epochs: 3, shuffle: false, verbose: 0);
            Assert.Null(model.TraceFailure);
            weights.Add([.. model.GetWeights().SelectMany(w => w.ToArray<float>())]);
        }
        Assert.Equal(weights[0], weights[1]);
    }

    [Fact]
    public void AllMaskedGivesZeroLoss()
    {
        var pred = Tensor.From<float>([0.25f, 0.75f, 0.5f, 0.5f], [1, 2, 2]);
        KerasMask.Set(pred, Tensor.From<bool>([false, false], [1, 2]));
        Assert.Equal(0f, new SparseCategoricalCrossentropy().Call(Tensor.From<int>([0, 1], [1, 2]), pred).ToScalar<float>());
    }

    [Fact]
    public void TimeDistributedPassesTheMaskToTheWrappedLayer()
    {
        // (batch 1, 2 steps, 3 positions, 1 feature) with a (1, 2, 3) mask: GlobalAveragePooling1D per step averages the kept positions.
        var x = Tensor.From<float>([1, 2, 30, 4, 50, 60], [1, 2, 3, 1]);
        var mask = Tensor.From<bool>([true, true, false, true, false, false], [1, 2, 3]);
        var y = new TimeDistributed(new GlobalAveragePooling1D()).Invoke(new CallArguments([x], mask))[0];
        Assert.Equal(new Shape(1, 2, 1), y.Shape);
        Assert.Equal([1.5f, 4f], y.ToArray<float>());
        var wrong = Tensor.From<bool>([true, true, true], [1, 3]);
        Assert.Throws<ShapeMismatchException>(() => new TimeDistributed(new GlobalAveragePooling1D()).Invoke(new CallArguments([x], wrong)));
    }
}
