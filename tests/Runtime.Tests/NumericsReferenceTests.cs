using LayerGen.Layers;
using LayerGen.Losses;

namespace LayerGen.Tests;

/// <summary>
/// Issue 21, items 1-5: values and gradients against float64 references computed independently with Python's
/// math module (References/numerics_references.py prints every constant below; float32 inputs are rounded to
/// float32 before the reference is taken).
/// </summary>
public class NumericsReferenceTests
{
    // (x as float32, tanh(x), sech(x)^2) from References/numerics_references.py.
    private static readonly (double X, double Tanh, double SechSquared)[] TanhReferences =
    [
        (0.0, 0.0, 1.0),
        (1.0000000031710769e-30, 1.0000000031710769e-30, 1.0),
        (9.999999747378752e-06, 9.999999747045419e-06, 0.9999999999),
        (0.0010000000474974513, 0.0009999997141642038, 0.9999990000005717),
        (0.20000000298023224, 0.19737532308903527, 0.961042981835499),
        (0.5, 0.46211715726000974, 0.7864477329659275),
        (1.0, 0.7615941559557649, 0.4199743416140261),
        (2.0, 0.9640275800758169, 0.07065082485316447),
        (3.0, 0.9950547536867305, 0.009866037165440192),
        (4.5, 0.9997532108480275, 0.0004935173990593957),
        (6.0, 0.9999877116507956, 2.45765474053327e-05),
        (9.0, 0.999999969540041, 6.091991712323228e-08),
        (-0.699999988079071, -0.604367769550478, 0.6347395991285805),
        (-12.0, -0.9999999999244973, 1.5100538175976257e-10),
    ];

    /// <summary>One float32 ulp of <paramref name="v"/> (the gap to the next float away from zero).</summary>
    private static double Ulp(double v)
    {
        float f = Math.Abs((float)v);
        return MathF.BitIncrement(f) - f;
    }

    private static Tensor Gradient(Func<Tensor, Tensor> f, Tensor x)
    {
        var v = new Variable(x);
        using var tape = new GradientTape();
        return tape.Gradient(Ops.Sum(f(v)), [v])[0]!;
    }

    // Item 1: the gradient of the mean of softplus(x) - x z is (sigmoid(x) - z) / N, so (0.5 - z) / N at x = 0.
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void BinaryCrossentropyFromLogitsHasGradientHalfMinusTargetAtZero(DType dtype)
    {
        var targets = Ops.Cast(Tensor.From(new[,] { { 0.0, 1.0, 0.3 } }), dtype);
        var g = Gradient(x => new BinaryCrossentropy(fromLogits: true).Call(targets, x), Ops.Cast(Tensor.Zeros([1, 3]), dtype)).ToDoubleArray();
        double[] expected = [0.5 / 3, -0.5 / 3, 0.2 / 3];
        for (int i = 0; i < 3; i++) Assert.Equal(expected[i], g[i], dtype == DType.Float32 ? 7 : 15);
    }

    // Item 2: float32 tanh within one ulp of the float64 reference, exact 0 and tiny values, the right sign.
    [Fact]
    public void Float32TanhIsAccurateOverTheWholeRange()
    {
        var x = Tensor.From(TanhReferences.Select(r => (float)r.X).ToArray());
        var y = Ops.Tanh(x).ToArray<float>();
        for (int i = 0; i < y.Length; i++)
        {
            double expected = TanhReferences[i].Tanh;
            Assert.True(Math.Abs(y[i] - expected) <= Ulp(expected), $"tanh({TanhReferences[i].X:R}) = {y[i]:R}, expected {expected:R}");
        }
        Assert.Equal(0f, y[0]);
        Assert.Equal(1e-30f, y[1]);
        Assert.True(float.IsNegative(Ops.Tanh(Tensor.From(new[] { -0f })).ToArray<float>()[0]));
        Assert.Equal(new[] { 1f, -1f, 1f }, Ops.Tanh(Tensor.From(new[] { float.PositiveInfinity, float.NegativeInfinity, 1000f })).ToArray<float>());
        Assert.True(float.IsNaN(Ops.Tanh(Tensor.From(new[] { float.NaN })).ToArray<float>()[0]));
    }

    // Item 2, a sweep: 200,000 float32 inputs spread log-uniformly over [1e-38, 20] and both signs, against Math.Tanh
    // in float64 (an implementation LayerGen does not use for float32): never more than one ulp apart.
    [Fact]
    public void Float32TanhIsWithinOneUlpOfFloat64Everywhere()
    {
        var rng = new Random(21);
        var xs = new float[200_000];
        for (int i = 0; i < xs.Length; i++)
            xs[i] = (float)(Math.Exp(rng.NextDouble() * (Math.Log(20) - Math.Log(1e-38)) + Math.Log(1e-38)) * (i % 2 == 0 ? 1 : -1));
        var y = Ops.Tanh(Tensor.From(xs)).ToArray<float>();
        for (int i = 0; i < xs.Length; i++)
        {
            double expected = Math.Tanh(xs[i]);
            Assert.True(Math.Abs(y[i] - expected) <= Ulp(expected), $"tanh({xs[i]:R}) = {y[i]:R}, expected {expected:R}");
        }
    }

    // float32 sigmoid (SigmoidKernel, its own float32 exp): within 2 ulp of the float64 value (the largest error over
    // every seventh float32 bit pattern was 1.47 ulp, on x < 0 where exp's own rounding carries), subnormal results
    // instead of zero down to x = -103 (TensorPrimitives.Sigmoid returns 0 below -88.7), 0.5 at both zeros, NaN kept.
    [Fact]
    public void Float32SigmoidIsWithinTwoUlpOfFloat64Everywhere()
    {
        var rng = new Random(17);
        var xs = new float[200_000];
        for (int i = 0; i < xs.Length; i++)
            xs[i] = (float)(Math.Exp(rng.NextDouble() * (Math.Log(103) - Math.Log(1e-9)) + Math.Log(1e-9)) * (i % 2 == 0 ? 1 : -1));
        var y = Ops.Sigmoid(Tensor.From(xs)).ToArray<float>();
        for (int i = 0; i < xs.Length; i++)
        {
            double x = xs[i], expected = x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));
            double ulp = Math.Max(Ulp(expected), float.Epsilon);
            Assert.True(Math.Abs(y[i] - expected) <= 2 * ulp, $"sigmoid({xs[i]:R}) = {y[i]:R}, expected {expected:R}");
        }
        var special = Ops.Sigmoid(Tensor.From(new[] { 0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, -100f, 1000f })).ToArray<float>();
        Assert.Equal(new[] { 0.5f, 0.5f, 1f, 0f }, special[..4]);
        Assert.True(float.IsNaN(special[4]));
        Assert.True(special[5] > 0 && float.IsSubnormal(special[5]) && Math.Abs(special[5] - Math.Exp(-100)) <= float.Epsilon, $"sigmoid(-100) = {special[5]:R}");
        Assert.Equal(1f, special[6]);
    }

    // Every element's bits are the same wherever it sits in a span (the tail goes through the padded vector code):
    // what lets the fused epilogues and the LSTM cell match the plain op bit for bit.
    [Fact]
    public void Float32SigmoidAndTanhDoNotDependOnTheSpanLength()
    {
        var rng = new Random(5);
        var xs = new float[37];
        for (int i = 0; i < xs.Length; i++) xs[i] = (float)(rng.NextDouble() * 12 - 6);
        foreach (var f in new Func<Tensor, Tensor>[] { Ops.Sigmoid, Ops.Tanh })
        {
            var whole = f(Tensor.From(xs)).ToArray<float>();
            for (int i = 0; i < xs.Length; i++)
                Assert.Equal(BitConverter.SingleToInt32Bits(whole[i]), BitConverter.SingleToInt32Bits(f(Tensor.From(new[] { xs[i] })).ToArray<float>()[0]));
        }
    }

    [Fact]
    public void Float64TanhIsAccurateNearZero()
    {
        var y = Ops.Tanh(Tensor.From(new[] { 1e-30, 1e-5, -1e-300 })).ToArray<double>();
        Assert.Equal(1e-30, y[0]);
        Assert.Equal(9.9999999996666667e-06, y[1], 1e-20);   // x - x^3/3
        Assert.Equal(-1e-300, y[2]);
    }

    // Item 2, the gradient: within 4 float32 ulp of sech(x)^2 everywhere (1 - tanh^2 from the rounded output is 100 % off at 9).
    [Fact]
    public void TanhGradientIsAccurateInFloat32AndFloat64()
    {
        var g32 = Gradient(Ops.Tanh, Tensor.From(TanhReferences.Select(r => (float)r.X).ToArray())).ToArray<float>();
        var g64 = Gradient(Ops.Tanh, Tensor.From(TanhReferences.Select(r => r.X).ToArray())).ToArray<double>();
        for (int i = 0; i < TanhReferences.Length; i++)
        {
            double expected = TanhReferences[i].SechSquared;
            Assert.True(Math.Abs(g32[i] - expected) <= 4 * Ulp(expected), $"float32 tanh'({TanhReferences[i].X:R}) = {g32[i]:R}, expected {expected:R}");
            Assert.True(Math.Abs(g64[i] - expected) <= 1e-14 * expected, $"float64 tanh'({TanhReferences[i].X:R}) = {g64[i]:R}, expected {expected:R}");
        }
    }

    // Item 3: elu'(x) = exp(x), selu'(x) = scale * alpha * exp(x) for x < 0, from References/numerics_references.py.
    [Fact]
    public void EluAndSeluGradientsForVeryNegativeInputs()
    {
        double[] x = [-1.0, -10.0, -20.0, -30.0];
        double[] elu = [0.36787944117144233, 4.5399929762484854e-05, 2.061153622438558e-09, 9.357622968840175e-14];
        double[] selu = [0.646768603034814, 7.981758658994182e-05, 3.6237128249944113e-09, 1.6451630773416182e-13];
        var selu64 = ActivationFunction.Get("selu");
        var e64 = Gradient(t => Ops.Elu(t), Tensor.From(x)).ToArray<double>();
        var s64 = Gradient(selu64.Call, Tensor.From(x)).ToArray<double>();
        var e32 = Gradient(t => Ops.Elu(t), Tensor.From(x.Select(v => (float)v).ToArray())).ToArray<float>();
        var s32 = Gradient(selu64.Call, Tensor.From(x.Select(v => (float)v).ToArray())).ToArray<float>();
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(Math.Abs(e64[i] - elu[i]) <= 1e-14 * elu[i], $"float64 elu'({x[i]}) = {e64[i]:R}, expected {elu[i]:R}");
            Assert.True(Math.Abs(s64[i] - selu[i]) <= 1e-14 * selu[i], $"float64 selu'({x[i]}) = {s64[i]:R}, expected {selu[i]:R}");
            Assert.True(Math.Abs(e32[i] - elu[i]) <= 4 * Ulp(elu[i]), $"float32 elu'({x[i]}) = {e32[i]:R}, expected {elu[i]:R}");
            Assert.True(Math.Abs(s32[i] - selu[i]) <= 4 * Ulp(selu[i]), $"float32 selu'({x[i]}) = {s32[i]:R}, expected {selu[i]:R}");
        }
        // The positive side is untouched, and large inputs do not overflow the unused exp branch.
        Assert.Equal([1.0, 1.0], Gradient(t => Ops.Elu(t), Tensor.From(new[] { 2.0, 1000.0 })).ToArray<double>());
        var second = new Variable(Tensor.From(new[] { 1000.0, -20.0 }));
        using var outer = new GradientTape();
        Tensor first;
        using (var inner = new GradientTape()) first = inner.Gradient(Ops.Sum(Ops.Elu(second)), [second])[0]!;
        var secondOrder = outer.Gradient(Ops.Sum(first), [second])[0]!.ToArray<double>();
        Assert.Equal(0.0, secondOrder[0]);
        Assert.Equal(2.061153622438558e-09, secondOrder[1], 1e-23);
    }

    // Item 4: relu6 and hard_sigmoid have gradient 0 at their end points (tf.nn.relu6, torch hardtanh); Clip passes
    // the gradient at its bounds (tf.clip_by_value, torch.clamp).
    [Fact]
    public void Relu6AndHardSigmoidGradientsAreZeroAtTheEndPointsAndClipsAreOne()
    {
        Assert.Equal([0.0, 0.0, 1.0, 0.0, 0.0], Gradient(ActivationFunction.Get("relu6").Call, Tensor.From(new[] { -1.0, 0.0, 3.0, 6.0, 7.0 })).ToArray<double>());
        Assert.Equal([0f, 1f, 0f], Gradient(ActivationFunction.Get("relu6").Call, Tensor.From(new[] { 0f, 5.5f, 6f })).ToArray<float>());
        Assert.Equal([0.0, 1 / 6.0, 0.0], Gradient(ActivationFunction.Get("hard_sigmoid").Call, Tensor.From(new[] { -3.0, 0.0, 3.0 })).ToArray<double>());
        Assert.Equal([0.0, 0.0, 3.0, 6.0, 6.0], ActivationFunction.Get("relu6").Call(Tensor.From(new[] { -1.0, 0.0, 3.0, 6.0, 7.0 })).ToArray<double>());
        Assert.Equal([0.0, 1.0, 1.0, 1.0, 0.0], Gradient(t => Ops.Clip(t, 0, 6), Tensor.From(new[] { -1.0, 0.0, 3.0, 6.0, 7.0 })).ToArray<double>());
    }

    // Item 5: float64 probability losses clip to exactly [1e-7, 1 - 1e-7]; float32 ones clip as before.
    [Fact]
    public void Float64ProbabilityLossesClipWithKerasEpsilonExactly()
    {
        static double Loss64(Loss loss, double[,] yTrue, double[,] yPred) => loss.Call(Tensor.From(yTrue), Tensor.From(yPred)).ToScalar<double>();
        Assert.Equal(16.11809565095832, Loss64(new BinaryCrossentropy(), new[,] { { 1.0 } }, new[,] { { 0.0 } }), 1e-13);
        Assert.Equal(16.118095651484676, Loss64(new BinaryCrossentropy(), new[,] { { 0.0 } }, new[,] { { 1.0 } }), 1e-13);
        Assert.Equal(16.11809565095832, Loss64(new CategoricalCrossentropy(), new[,] { { 0.0, 1.0 } }, new[,] { { 1.0, 0.0 } }), 1e-13);
        var clipped = Ops.Clip(Tensor.From(new[] { 0.0, 1.0 }), Losses.Loss.Epsilon, 1 - Losses.Loss.Epsilon).ToArray<double>();
        Assert.Equal([1e-7, 1 - 1e-7], clipped);
        var clipped32 = Ops.Clip(Tensor.From(new[] { 0f, 1f }), Losses.Loss.Epsilon, 1 - Losses.Loss.Epsilon).ToArray<float>();
        Assert.Equal([1e-7f, 0.99999988f], clipped32);
    }
}
