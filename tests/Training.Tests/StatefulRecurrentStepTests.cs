using LayerGen.Layers;

namespace LayerGen.Training.Tests;

/// <summary>
/// Stateful recurrent layers in traced steps (issue 17): the states are non-trainable variables per batch size, read by
/// the traced loop and written back with AssignVariable ops, so planned Fit, Evaluate and Predict carry them from batch
/// to batch exactly as the eager steps do.
/// </summary>
public class StatefulRecurrentStepTests
{
    private static Tensor Random(int seed, params int[] shape)
    {
        var rng = new Random(seed);
        int n = shape.Aggregate(1, (a, b) => a * b);
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float)(rng.NextDouble() * 2 - 1);
        return Tensor.From<float>(v, new Shape(shape));
    }

    private static float[] Flat(IEnumerable<Tensor> tensors) => [.. tensors.SelectMany(t => t.ToArray<float>())];

    private static void Close(float[] expected, float[] actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: expected {expected[i]}, got {actual[i]}");
    }

    private static (Sequential Model, GRU Gru) Build()
    {
        var gru = new GRU(3, stateful: true);
        return (new Sequential([new InputLayer(shape: new Shape(5, 2), batchSize: 4), gru, new Dense(1)]), gru);
    }

    [Fact]
    public void APlannedFitCarriesTheStatesFromBatchToBatchAsTheEagerFit()
    {
        var x = Random(1, 12, 5, 2);
        var y = Random(2, 12, 1);
        var (eager, eagerGru) = Build();
        var (planned, plannedGru) = Build();
        planned.SetWeights(eager.GetWeights());
        eager.Compile(optimizer: new Optimizers.SGD(learningRate: 0.2), loss: "mse", runEagerly: true);
        planned.Compile(optimizer: new Optimizers.SGD(learningRate: 0.2), loss: "mse");
        eager.Fit(x, y, batchSize: 4, epochs: 2, shuffle: false, verbose: 0);
        planned.Fit(x, y, batchSize: 4, epochs: 2, shuffle: false, verbose: 0);
        Assert.Null(planned.TraceFailure);
        Assert.True(planned.TraceCount >= 1, "the training step was traced and planned");
        Close(Flat(eager.GetWeights()), Flat(planned.GetWeights()), 1e-5f);
        Assert.NotNull(plannedGru.States);
        Close(Flat(eagerGru.States!), Flat(plannedGru.States!), 1e-5f);
        // The states did carry: they are not zeros, and a layer started from zeros on the last batch gives other values.
        Assert.Contains(Flat(plannedGru.States!), v => Math.Abs(v) > 1e-3f);

        // Predict carries them too: two runs on the same batch differ, and equal the eager ones.
        eagerGru.ResetStates();
        plannedGru.ResetStates();
        Assert.Null(plannedGru.States);
        var batch = Ops.Slice(x, [0, 0, 0], [4, -1, -1]);
        var first = planned.Predict(batch, batchSize: 4, verbose: 0).ToFloatArray();
        var second = planned.Predict(batch, batchSize: 4, verbose: 0).ToFloatArray();
        Close(eager.Predict(batch, batchSize: 4, verbose: 0).ToFloatArray(), first, 1e-5f);
        Close(eager.Predict(batch, batchSize: 4, verbose: 0).ToFloatArray(), second, 1e-5f);
        Assert.True(first.Zip(second).Max(p => Math.Abs(p.First - p.Second)) > 1e-4f, "the second run started from the first run's states");
    }

    [Fact]
    public void AStatefulLayerRefusesAnotherBatchSizeUntilReset()
    {
        var gru = new GRU(2, stateful: true) { Name = "stateful_gru" };
        gru.Invoke(Random(3, 4, 3, 2));
        var e = Assert.Throws<ShapeMismatchException>(() => gru.Invoke(Random(4, 3, 3, 2)));
        Assert.Contains("stateful_gru", e.Message);
        Assert.Contains("Expected batch size: 4", e.Message);
        Assert.Contains("Received batch size: 3", e.Message);
        gru.ResetStates();
        Assert.Equal(new Shape(3, 2), gru.Invoke(Random(4, 3, 3, 2))[0].Shape);
        Assert.Equal(new Shape(3, 2), gru.States![0].Shape);
    }
}
