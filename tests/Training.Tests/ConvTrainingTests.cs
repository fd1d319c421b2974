using LayerGen.Layers;
using LayerGen.Optimizers;

namespace LayerGen.Training.Tests;

/// <summary>Convolution layers train: gradients reach every kernel and bias through Fit.</summary>
public class ConvTrainingTests
{
    /// <summary>Images whose target is the mean of their centre 3×3 patch, shaped (N, 1, 1, 1).</summary>
    private static (Tensor X, Tensor Y) Patches(int n)
    {
        var rng = new Random(11);
        var x = new float[n * 5 * 5 * 2];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        var y = new float[n];
        for (int s = 0; s < n; s++)
        {
            float sum = 0;
            for (int r = 1; r < 4; r++)
                for (int c = 1; c < 4; c++)
                    sum += x[((s * 5 + r) * 5 + c) * 2] - 0.5f * x[((s * 5 + r) * 5 + c) * 2 + 1];
            y[s] = sum / 9;
        }
        return (Tensor.From<float>(x, new Shape(n, 5, 5, 2)), Tensor.From<float>(y, new Shape(n, 1, 1, 1)));
    }

    public static IEnumerable<object[]> Models() => [["conv2d"], ["separable"], ["transpose"], ["depthwise"]];

    private static Sequential Make(string kind) => kind switch
    {
        // (5, 5, 2) → (3, 3, 4) → (1, 1, 1)
        "conv2d" => new([new InputLayer(shape: [5, 5, 2]), new Conv2D(4, 3, activation: "tanh"), new Conv2D(1, 3)]),
        "separable" => new([new InputLayer(shape: [5, 5, 2]), new SeparableConv2D(4, 3, depthMultiplier: 2, activation: "tanh"), new Conv2D(1, 3)]),
        // (5, 5, 2) → (3, 3, 2) → transposed back to (5, 5, 3) → (1, 1, 1)
        "transpose" => new([new InputLayer(shape: [5, 5, 2]), new Conv2D(2, 3, activation: "tanh"), new Conv2DTranspose(3, 3), new Conv2D(1, 5)]),
        _ => new([new InputLayer(shape: [5, 5, 2]), new DepthwiseConv2D(3, depthMultiplier: 2, dataFormat: "channels_last"), new Conv2D(1, 3)]),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void FitReducesTheLoss(string kind)
    {
        RandomGenerator.SetGlobalSeed(5);
        var (x, y) = Patches(32);
        var model = Make(kind);
        model.Compile(new Adam(learningRate: 0.02), "mse");
        var before = model.Evaluate(x, y, verbose: 0)["loss"];
        var history = model.Fit(x, y, batchSize: 8, epochs: 30, verbose: 0);
        double after = history["loss"][^1];
        Assert.True(after < 0.25 * before, $"{kind}: loss {before} → {after}");
        foreach (var w in model.TrainableVariables)
            Assert.True(w.ToFloatArray().All(float.IsFinite), $"{kind}: {w.Name} is not finite");
    }
}
