using System.Text.Json.Nodes;
using LayerGen.Layers;
using static LayerGen.Training.Tests.MaskedLossFixture;

namespace LayerGen.Training.Tests;

/// <summary>
/// A model with two outputs, one a masked sequence (Embedding with <c>mask_zero</c> into TimeDistributed(Dense)) and one
/// without a mask (the pooled sequence into Dense): the planned several-output steps carry each prediction's mask to the
/// metrics as the one-output planned step does (one mechanism, <c>PredictionMasks</c>), so the masked output's loss
/// and metric are Keras 3.15.1's masked numbers (the single-output fixture of <see cref="MaskedLossTests"/>: the
/// sequence output has that model's weights) and the planned steps log what the eager steps log.
/// </summary>
public class MultiOutputMaskedMetricsTests
{
    private static readonly Tensor PooledTargets = Tensor.From<int>([1, 0, 1], [3]);

    /// <summary>
    /// Keras's targets, except that every masked-out step's target is the predicted class: the masked accuracy stays
    /// Keras's number (those steps do not count) while an unmasked one rises, so a metric that lost the mask fails.
    /// </summary>
    private static Tensor Targets()
    {
        var y = Ints("y").ToArray<int>();
        var keep = ((JsonArray)Node("mask")).SelectMany(r => ((JsonArray)r!).Select(v => v!.GetValue<bool>())).ToArray();
        var p = Build(true).Invoke([Ints("x")])[0].ToArray<float>();
        for (int i = 0; i < y.Length; i++)
        {
            if (keep[i]) continue;
            int best = 0;
            for (int c = 1; c < 4; c++) if (p[i * 4 + c] > p[i * 4 + best]) best = c;
            y[i] = best;
        }
        return Tensor.From<int>(y, [3, 5]);
    }

    private static Model Build(bool runEagerly)
    {
        Keras.ClearSession();
        RandomGenerator.SetGlobalSeed(4);
        var inputs = Keras.Input([5], dtype: DType.Int32);
        var embedding = new Embedding(6, 3, maskZero: true);
        var dense = new Dense(4, activation: "softmax");
        var embedded = embedding.Invoke(inputs);
        var sequence = new TimeDistributed(dense) { Name = "tokens" }.Invoke(embedded);
        var pooled = new Dense(2, activation: "softmax") { Name = "sentence" }.Invoke(new GlobalAveragePooling1D().Invoke(embedded));
        var model = new Model(inputs, new[] { sequence, pooled });
        embedding.Embeddings!.Assign(Floats("embeddings"));
        dense.Kernel!.Assign(Floats("kernel"));
        dense.Bias!.Assign(Floats("bias"));
        model.Compile(new Optimizers.SGD(learningRate: 0.1), loss: ["sparse_categorical_crossentropy", "sparse_categorical_crossentropy"],
            metrics: [["sparse_categorical_accuracy"], ["sparse_categorical_accuracy"]]);
        model.RunEagerly = runEagerly;
        return model;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheMaskedOutputsMetricsAreKerassMaskedNumbers(bool runEagerly)
    {
        var targets = Targets();
        var model = Build(runEagerly);
        Assert.Equal(["tokens", "sentence"], model.OutputNames);
        var logs = model.Evaluate([Ints("x")], [targets, PooledTargets], batchSize: 3, verbose: 0);
        Assert.Equal(D("evaluate_loss"), logs["tokens_loss"], 5);
        Assert.Equal(D("evaluate_accuracy"), logs["tokens_sparse_categorical_accuracy"], 6);
        var weighted = model.Evaluate([Ints("x")], [targets, PooledTargets], batchSize: 3, verbose: 0, sampleWeight: [Floats("sample_weight"), null]);
        Assert.Equal(D("evaluate_weighted_loss"), weighted["tokens_loss"], 5);
        Assert.Equal(D("evaluate_weighted_accuracy"), weighted["tokens_sparse_categorical_accuracy"], 6);
        Assert.Null(model.TraceFailure);
        Assert.Equal(runEagerly ? 0 : 2, model.TraceCount);
    }

    [Fact]
    public void PlannedStepsLogWhatEagerStepsLog()
    {
        // The masked metric differs from the unmasked one on these targets, so a planned step that dropped the mask fails.
        var targets = Targets();
        var unmasked = new Metrics.SparseCategoricalAccuracy();
        var prediction = Build(true).Invoke([Ints("x")])[0];
        unmasked.UpdateState(targets, Tensor.From<float>(prediction.ToArray<float>(), prediction.Shape));
        Assert.NotEqual(D("evaluate_accuracy"), unmasked.Result(), 3);

        var logs = new List<Dictionary<string, double>>[2];
        foreach (bool eager in new[] { false, true })
        {
            var model = Build(eager);
            var steps = new List<Dictionary<string, double>>();
            for (int i = 0; i < 3; i++)
                steps.Add(model.TrainOnBatch([Ints("x")], [targets, PooledTargets]));
            steps.Add(model.Evaluate([Ints("x")], [targets, PooledTargets], batchSize: 3, verbose: 0));
            Assert.Null(model.TraceFailure);
            Assert.Equal(eager ? 0 : 2, model.TraceCount);
            logs[eager ? 1 : 0] = steps;
        }
        for (int s = 0; s < logs[0].Count; s++)
        {
            Assert.Equal(logs[1][s].Keys.Order(), logs[0][s].Keys.Order());
            foreach (var (k, v) in logs[1][s]) Assert.True(Math.Abs(v - logs[0][s][k]) < 1e-5, $"step {s} {k}: planned {logs[0][s][k]}, eager {v}");
        }
        Assert.Equal(D("evaluate_accuracy"), logs[0][0]["tokens_sparse_categorical_accuracy"], 6);
    }
}
