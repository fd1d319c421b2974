using LayerGen.Losses;
using LayerGen.Metrics;

namespace LayerGen.Training.Tests;

/// <summary>Losses and metrics against hand-computed values.</summary>
public class LossMetricTests
{
    private static Tensor T(float[,] v) => Tensor.From(v);
    private static float V(Tensor t) => t.ToScalar<float>();

    [Fact]
    public void MeanSquaredAndAbsoluteWithReductionsAndWeights()
    {
        var yTrue = T(new float[,] { { 0, 1 }, { 1, 1 } });
        var yPred = T(new float[,] { { 1, 1 }, { 1, 0 } });
        Assert.Equal(0.5f, V(new Losses.MeanSquaredError().Call(yTrue, yPred)), 6);
        Assert.Equal(1.0f, V(new Losses.MeanSquaredError(reduction: "sum").Call(yTrue, yPred)), 6);
        Assert.Equal(new[] { 0.5f, 0.5f }, new Losses.MeanSquaredError(reduction: "none").Call(yTrue, yPred).ToFloatArray());
        // sum_over_batch_size divides by the number of samples, also with weights
        Assert.Equal(0.25f, V(new Losses.MeanSquaredError().Call(yTrue, yPred, Tensor.From(new float[] { 1, 0 }))), 6);
        Assert.Equal(0.5f, V(new Losses.MeanAbsoluteError().Call(yTrue, Ops.Mul(yPred, Tensor.Scalar(1f)))), 6);
        Assert.Equal(0.75f, V(Loss.Get("mae").Call(yTrue, T(new float[,] { { 1, 1 }, { 1, -1 } }))), 6);
    }

    [Fact]
    public void Huber()
    {
        var loss = new Huber(delta: 1.0).Call(T(new float[,] { { 0, 0 } }), T(new float[,] { { 0.5f, 2 } }));
        Assert.Equal((0.125 + 1.5) / 2, V(loss), 6);
    }

    [Fact]
    public void BinaryCrossentropy()
    {
        var yTrue = T(new float[,] { { 1, 0 } });
        Assert.Equal((-Math.Log(0.9) - Math.Log(0.8)) / 2, V(new Losses.BinaryCrossentropy().Call(yTrue, T(new float[,] { { 0.9f, 0.2f } }))), 5);
        double softplus(double x) => Math.Log(1 + Math.Exp(x));
        Assert.Equal((softplus(-2) + softplus(-1)) / 2, V(new Losses.BinaryCrossentropy(fromLogits: true).Call(yTrue, T(new float[,] { { 2, -1 } }))), 5);
        // label smoothing 0.2: targets 0.9 and 0.1
        double ls = (-(0.9 * Math.Log(0.9) + 0.1 * Math.Log(0.1)) - (0.1 * Math.Log(0.2) + 0.9 * Math.Log(0.8))) / 2;
        Assert.Equal(ls, V(new Losses.BinaryCrossentropy(labelSmoothing: 0.2).Call(yTrue, T(new float[,] { { 0.9f, 0.2f } }))), 5);
        // epsilon clipping: a confident wrong prediction stays finite (-log(1 - (1 - 1e-7)) in float32)
        var clipped = V(new Losses.BinaryCrossentropy().Call(T(new float[,] { { 0 } }), T(new float[,] { { 1 } })));
        Assert.InRange(clipped, 15.9, 16.2);
    }

    [Fact]
    public void CategoricalSparseKlCosine()
    {
        var yTrue = T(new float[,] { { 0, 1, 0 } });
        Assert.Equal(-Math.Log(0.7), V(new CategoricalCrossentropy().Call(yTrue, T(new float[,] { { 0.2f, 0.7f, 0.1f } }))), 5);
        Assert.Equal(-Math.Log(0.7), V(new CategoricalCrossentropy().Call(yTrue, T(new float[,] { { 0.4f, 1.4f, 0.2f } }))), 5); // renormalized
        double lse = Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(0.5));
        Assert.Equal(lse - 2, V(new CategoricalCrossentropy(fromLogits: true).Call(yTrue, T(new float[,] { { 1, 2, 0.5f } }))), 5);
        double smoothed = -((0.1 / 3) * Math.Log(0.2) + (0.9 + 0.1 / 3) * Math.Log(0.7) + (0.1 / 3) * Math.Log(0.1));
        Assert.Equal(smoothed, V(new CategoricalCrossentropy(labelSmoothing: 0.1).Call(yTrue, T(new float[,] { { 0.2f, 0.7f, 0.1f } }))), 5);
        Assert.Equal(-Math.Log(0.7), V(new SparseCategoricalCrossentropy().Call(Tensor.From(new[] { 1 }), T(new float[,] { { 0.2f, 0.7f, 0.1f } }))), 5);
        Assert.Equal(lse - 2, V(new SparseCategoricalCrossentropy(fromLogits: true).Call(Tensor.From(new[] { 1 }), T(new float[,] { { 1, 2, 0.5f } }))), 5);
        Assert.Equal(0.5 * Math.Log(2) + 0.5 * Math.Log(0.5 / 0.75), V(new KLDivergence().Call(T(new float[,] { { 0.5f, 0.5f } }), T(new float[,] { { 0.25f, 0.75f } }))), 5);
        Assert.Equal(-1 / Math.Sqrt(2), V(new CosineSimilarity().Call(T(new float[,] { { 1, 0 } }), T(new float[,] { { 1, 1 } }))), 5);
    }

    [Fact]
    public void LossesAreDifferentiable()
    {
        var w = new Variable(Tensor.From(new float[,] { { 0.5f } }));
        using var tape = new GradientTape();
        var loss = new Losses.BinaryCrossentropy(fromLogits: true).Call(T(new float[,] { { 1 } }), Ops.MatMul(T(new float[,] { { 2 } }), w));
        var g = tape.Gradient(loss, w)!;
        // d/dw softplus(-2w) = -2 sigmoid(-2w)
        Assert.Equal(-2 / (1 + Math.Exp(1)), g.ToFloatArray()[0], 5);
    }

    [Fact]
    public void AccuracyMetrics()
    {
        var bin = new BinaryAccuracy();
        bin.UpdateState(T(new float[,] { { 1 }, { 0 }, { 1 }, { 0 } }), T(new float[,] { { 0.7f }, { 0.6f }, { 0.4f }, { 0.1f } }));
        Assert.Equal(0.5f, bin.Result());
        bin.UpdateState(T(new float[,] { { 1 }, { 1 } }), T(new float[,] { { 0.9f }, { 0.8f } }));
        Assert.Equal(4f / 6, bin.Result(), 6);
        bin.ResetState();
        Assert.Equal(0f, bin.Result());

        var cat = new CategoricalAccuracy();
        cat.UpdateState(T(new float[,] { { 0, 1 }, { 1, 0 }, { 1, 0 } }), T(new float[,] { { 0.2f, 0.8f }, { 0.3f, 0.7f }, { 0.6f, 0.4f } }));
        Assert.Equal(2f / 3, cat.Result(), 6);

        var sparse = new SparseCategoricalAccuracy();
        sparse.UpdateState(Tensor.From(new[] { 0, 1 }), T(new float[,] { { 0.9f, 0.1f }, { 0.8f, 0.2f } }));
        Assert.Equal(0.5f, sparse.Result());

        var topk = new TopKCategoricalAccuracy(k: 2);
        topk.UpdateState(T(new float[,] { { 0, 0, 1 }, { 1, 0, 0 } }), T(new float[,] { { 0.5f, 0.3f, 0.2f }, { 0.3f, 0.2f, 0.5f } }));
        Assert.Equal(0.5f, topk.Result());

        var acc = new Accuracy();
        acc.UpdateState(T(new float[,] { { 1, 2 }, { 3, 4 } }), T(new float[,] { { 1, 0 }, { 3, 4 } }));
        Assert.Equal(0.75f, acc.Result());

        var weighted = new BinaryAccuracy();
        weighted.UpdateState(T(new float[,] { { 1 }, { 0 } }), T(new float[,] { { 0.9f }, { 0.9f } }), Tensor.From(new float[] { 3, 1 }));
        Assert.Equal(0.75f, weighted.Result());
    }

    [Fact]
    public void MeanSumAndErrorMetrics()
    {
        var mean = new Mean();
        mean.Update(Tensor.From(new float[] { 1, 2, 3 }));
        mean.Update(Tensor.From(new float[] { 10 }), Tensor.From(new float[] { 3 }));
        Assert.Equal((6 + 30) / 6f, mean.Result(), 6);
        var sum = new Sum();
        sum.Update(Tensor.From(new float[] { 1, 2, 3 }));
        Assert.Equal(6f, sum.Result());
        var mse = new Metrics.MeanSquaredError();
        mse.UpdateState(T(new float[,] { { 0, 1 } }), T(new float[,] { { 1, 1 } }));
        Assert.Equal(0.5f, mse.Result());
        var mae = new Metrics.MeanAbsoluteError();
        mae.UpdateState(T(new float[,] { { 0, 1 } }), T(new float[,] { { 2, 1 } }));
        Assert.Equal(1f, mae.Result());
    }

    [Fact]
    public void PrecisionRecallAuc()
    {
        var yTrue = Tensor.From(new float[] { 1, 0, 1, 1 });
        var yPred = Tensor.From(new float[] { 0.8f, 0.6f, 0.3f, 0.9f });
        var p = new Precision();
        var r = new Recall();
        p.UpdateState(yTrue, yPred);
        r.UpdateState(yTrue, yPred);
        Assert.Equal(2f / 3, p.Result(), 6);
        Assert.Equal(2f / 3, r.Result(), 6);

        var auc = new AUC();
        auc.UpdateState(Tensor.From(new float[] { 0, 0, 1, 1 }), Tensor.From(new float[] { 0.1f, 0.4f, 0.35f, 0.8f }));
        Assert.Equal(0.75f, auc.Result(), 4);
        var perfect = new AUC();
        perfect.UpdateState(Tensor.From(new float[] { 0, 1 }), Tensor.From(new float[] { 0.2f, 0.9f }));
        Assert.Equal(1f, perfect.Result(), 4);
    }
}
