using System.Text.Json.Nodes;

namespace LayerGen.Layers.Tests;

/// <summary>
/// The activation layers (ReLU, LeakyReLU, PReLU, ELU, Softmax) and the regularization layers (GaussianNoise,
/// GaussianDropout, AlphaDropout, ActivityRegularization): values, masks, training-only noise and its statistics,
/// configs and Keras's errors. Values against real Keras are in KerasFormat.Tests/MoreLayersFixtureTests.
/// </summary>
public class ActivationAndNoiseLayerTests
{
    private static readonly float[] Points = [-3f, -1f, -0.2f, 0f, 0.4f, 0.8f, 1.5f, 7f];

    private static float[] Apply(Func<Tensor, Tensor> f) => f(Tensor.From<float>(Points, new Shape(1, Points.Length))).ToFloatArray();

    [Fact]
    public void ReLUFollowsKerasFormulaForEveryArgumentCombination()
    {
        static float Reference(float x, double? max, double slope, double th)
        {
            double y = x >= max ? max.Value : x > th ? x : slope * (x - th);
            if (slope == 0 && x <= th) y = 0;
            return (float)y;
        }
        foreach (var (max, slope, th) in new (double?, double, double)[] { (null, 0, 0), (0.5, 0, 0), (6, 0, 0), (1.2, 0.1, 0.3), (null, 0.2, 0), (null, 0, 0.5), (null, 0.3, 0.5), (1.0, 0.25, 0) })
        {
            var y = Apply(x => new ReLU(max, slope, th).Invoke(x));
            for (int i = 0; i < Points.Length; i++) Assert.Equal(Reference(Points[i], max, slope, th), y[i], 5);
        }
        Assert.Equal("""{"max_value":null,"negative_slope":0,"threshold":0}""", Keys(new ReLU().GetConfig(), "max_value", "negative_slope", "threshold"));
    }

    private static string Keys(JsonObject config, params string[] keys)
        => new JsonObject(keys.Select(k => KeyValuePair.Create(k, config[k]?.DeepClone()))).ToJsonString();

    [Fact]
    public void ActivationLayerErrorsAreKeras()
    {
        Assert.StartsWith("max_value of a ReLU layer cannot be a negative value. Received: max_value=-1.0", Assert.Throws<ArgumentOutOfRangeException>(() => new ReLU(maxValue: -1)).Message);
        Assert.StartsWith("negative_slope of a ReLU layer cannot be None or a negative value. Received: negative_slope=-0.5", Assert.Throws<ArgumentOutOfRangeException>(() => new ReLU(negativeSlope: -0.5)).Message);
        Assert.StartsWith("threshold of a ReLU layer cannot be None or a negative value. Received: threshold=-2.0", Assert.Throws<ArgumentOutOfRangeException>(() => new ReLU(threshold: -2)).Message);
        Assert.StartsWith("The negative_slope value of a Leaky ReLU layer cannot be None or negative value. Expected a float. Received: negative_slope=-0.1", Assert.Throws<ArgumentOutOfRangeException>(() => new LeakyReLU(-0.1)).Message);
        var e = Assert.Throws<ArgumentException>(() => new Softmax().Invoke(Tensor.Ones([2, 3]), Tensor.Ones([2, 2])));
        Assert.Equal("The `mask` must be broadcastable to `inputs`. Each mask dimension must be 1 or match the corresponding input dimension. Received: inputs.shape=(2, 3), mask.shape=(2, 2)", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Softmax().Invoke(Tensor.Ones([3]), Tensor.Ones([1, 3])));
        Assert.Equal("The `mask` must be broadcastable to `inputs` and must not have more dimensions. Received: inputs.shape=(3,), mask.shape=(1, 3)", e.Message);
    }

    [Fact]
    public void LeakyReLUAndELU()
    {
        var leaky = Apply(x => new LeakyReLU().Invoke(x));
        var elu = Apply(x => new ELU(0.5).Invoke(x));
        for (int i = 0; i < Points.Length; i++)
        {
            Assert.Equal(Points[i] >= 0 ? Points[i] : 0.3f * Points[i], leaky[i], 5);
            Assert.Equal(Points[i] > 0 ? Points[i] : 0.5f * (MathF.Exp(Points[i]) - 1), elu[i], 5);
        }
        Assert.Equal(0.5, (double)new ELU(0.5).GetConfig()["alpha"]!);
        Assert.Equal(0.3, (double)new LeakyReLU().GetConfig()["negative_slope"]!);
    }

    [Fact]
    public void PReLUHasOneSlopePerUnsharedPositionAndLearnsIt()
    {
        var layer = new PReLU(alphaInitializer: Initializers.Constant(0.25), sharedAxes: [1]);
        var x = Tensor.From<float>([-4, 2, -8, -1, 3, 5], new Shape(1, 2, 3));
        var y = layer.Invoke(x);
        Assert.Equal(new Shape(1, 3), layer.Alpha!.Shape);
        Assert.Equal([-1f, 2f, -2f, -0.25f, 3f, 5f], y.ToFloatArray());
        Assert.Equal("[1]", layer.GetConfig()["shared_axes"]!.ToJsonString());
        using var tape = new GradientTape();
        var loss = Ops.Sum(layer.Invoke(x));
        var g = tape.Gradient(loss, [layer.Alpha])[0]!;
        Assert.Equal([-5f, 0f, -8f], g.ToFloatArray());   // d/dalpha of alpha * x where x < 0, summed over the shared axis
        var other = Assert.Throws<IncompatibleInputException>(() => layer.Invoke(Tensor.Ones([1, 2, 4])));
        Assert.Contains("expected axis 2 of input shape to have value 3", other.Message);
    }

    [Fact]
    public void SoftmaxOverSeveralAxesAndWithMasks()
    {
        var x = Tensor.From<float>([1, 2, 3, 4], new Shape(1, 2, 2));
        var y = new Softmax([1, 2]).Invoke(x).ToFloatArray();
        double z = Math.Exp(1) + Math.Exp(2) + Math.Exp(3) + Math.Exp(4);
        for (int i = 0; i < 4; i++) Assert.Equal(Math.Exp(i + 1) / z, y[i], 5);
        var masked = new Softmax().Invoke(x, Tensor.From<bool>([true, false, false, false], new Shape(1, 2, 2))).ToFloatArray();
        Assert.Equal([1f, 0f, 0f, 0f], masked);   // a fully masked row is zeros, not uniform
        var broadcastMask = new Softmax().Invoke(x, Tensor.From<float>([1, 0], new Shape(1, 1, 2))).ToFloatArray();
        Assert.Equal([1f, 0f, 1f, 0f], broadcastMask);
        Assert.Equal("[1,2]", new Softmax([1, 2]).GetConfig()["axis"]!.ToJsonString());
        Assert.Equal("-1", new Softmax().GetConfig()["axis"]!.ToJsonString());
    }

    [Fact]
    public void NoiseLayersAreTheIdentityAtInference()
    {
        var x = new RandomGenerator(1).Normal(new Shape(4, 5));
        foreach (var layer in new Layer[] { new GaussianNoise(0.5, seed: 1), new GaussianDropout(0.5, seed: 1), new AlphaDropout(0.5, seed: 1) })
        {
            var model = new Sequential([layer]);
            Assert.Equal(x.ToFloatArray(), model.Predict(x, verbose: 0).ToFloatArray());
        }
    }

    private static (double Mean, double Std) Stats(float[] v)
    {
        double m = v.Average();
        return (m, Math.Sqrt(v.Select(a => (a - m) * (a - m)).Average()));
    }

    [Fact]
    public void GaussianNoiseAndDropoutHaveKerasStatisticsInTraining()
    {
        var zeros = Tensor.Zeros([200, 100]);
        var ones = Tensor.Ones([200, 100]);
        var noise = Stats(new GaussianNoise(0.3, seed: 3).Invoke(zeros, training: true).ToFloatArray());
        Assert.Equal(0, noise.Mean, 2);
        Assert.Equal(0.3, noise.Std, 2);
        var dropout = Stats(new GaussianDropout(0.4, seed: 2).Invoke(ones, training: true).ToFloatArray());
        Assert.Equal(1, dropout.Mean, 1);
        Assert.Equal(Math.Sqrt(0.4 / 0.6), dropout.Std, 1);
        var a = new GaussianNoise(0.3, seed: 7).Invoke(zeros, training: true).ToFloatArray();
        var b = new GaussianNoise(0.3, seed: 7).Invoke(zeros, training: true).ToFloatArray();
        Assert.Equal(a, b);   // seeded: reproducible
    }

    [Fact]
    public void AlphaDropoutKeepsZeroMeanUnitVarianceAndSharesTheMaskAlongNoiseShape()
    {
        var x = new RandomGenerator(4).Normal(new Shape(400, 50));
        var y = new AlphaDropout(0.2, seed: 1).Invoke(x, training: true).ToFloatArray();
        var s = Stats(y);
        Assert.Equal(0, s.Mean, 1);
        Assert.Equal(1, s.Std, 1);
        const double alphaP = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946;
        double a = Math.Pow(0.8 * (1 + 0.2 * alphaP * alphaP), -0.5), dropped = a * alphaP - a * alphaP * 0.2;
        double fraction = y.Count(v => Math.Abs(v - dropped) < 1e-5) / (double)y.Length;
        Assert.Equal(0.2, fraction, 1);
        var shared = new AlphaDropout(0.5, noiseShape: [null, 1], seed: 2).Invoke(Tensor.Ones([20, 6]), training: true).ToFloatArray();
        for (int r = 0; r < 20; r++) Assert.All(shared.Skip(r * 6).Take(6), v => Assert.Equal(shared[r * 6], v));
        Assert.Equal("[null,1]", new AlphaDropout(0.5, noiseShape: [null, 1]).GetConfig()["noise_shape"]!.ToJsonString());
        Assert.StartsWith("Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate=1.5",
            Assert.Throws<ArgumentOutOfRangeException>(() => new AlphaDropout(1.5)).Message);
        Assert.StartsWith("Invalid value received for argument `stddev`. Expected a float value between 0 and 1. Received: stddev=-0.1",
            Assert.Throws<ArgumentOutOfRangeException>(() => new GaussianNoise(-0.1)).Message);
    }

    [Fact]
    public void ActivityRegularizationAddsItsLossAndWritesL1L2NotTheRegularizer()
    {
        var layer = new ActivityRegularization(l1: 0.1, l2: 0.01);
        var y = layer.Invoke(Tensor.From<float>([1, -2, 3], new Shape(1, 3)));
        Assert.Equal([1f, -2f, 3f], y.ToFloatArray());
        Assert.Equal(0.1 * 6 + 0.01 * 14, layer.Losses.Single().ToScalar<float>(), 5);
        var config = layer.GetConfig();
        Assert.False(config.ContainsKey("activity_regularizer"));
        Assert.Equal(0.1, (double)config["l1"]!);
        var copy = (ActivityRegularization)LayerRegistry.Deserialize(LayerRegistry.Serialize(layer));
        copy.Invoke(Tensor.From<float>([1, -2, 3], new Shape(1, 3)));
        Assert.Equal(layer.Losses.Single().ToScalar<float>(), copy.Losses.Single().ToScalar<float>());
    }
}
