using LayerGen.Optimizers;

namespace LayerGen.Training.Tests;

/// <summary>Each optimizer's first steps against its closed-form update, computed here in double.</summary>
public class OptimizerTests
{
    private static readonly double[] W0 = [1.0, 2.0, -0.5];
    private static readonly double[] G = [0.5, -1.0, 0.25];

    private static Variable NewVar() => new(Tensor.From(W0.Select(v => (float)v).ToArray()), name: "w");
    private static Tensor Grad(double scale = 1) => Tensor.From(G.Select(v => (float)(v * scale)).ToArray());

    private static void Step(Optimizer opt, Variable w, double scale = 1) => opt.Apply([Grad(scale)], [w]);

    private static void AssertValues(double[] expected, Tensor actual, double tol = 1e-6)
    {
        var a = actual.ToFloatArray();
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(expected[i] - a[i]) <= tol * Math.Max(1, Math.Abs(expected[i])), $"[{i}] expected {expected[i]:R}, got {a[i]:R}");
    }

    /// <summary>
    /// SGD's and Adam's update loops run vectorised over the whole vectors and scalar over the tail; both must give
    /// exactly what Keras's float32 arithmetic gives element by element, here written out as a plain loop.
    /// </summary>
    [Fact]
    public void VectorisedUpdatesEqualTheScalarArithmeticBitForBit()
    {
        const int n = 103; // several vectors of any width, and a tail
        var r = new Random(3);
        float[] w0 = [.. Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1))];
        float[][] grads = [.. Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() - 0.5)).ToArray())];

        var sgdVar = new Variable(Tensor.From(w0), name: "w");
        var sgd = new SGD(learningRate: 0.037);
        var expectedSgd = (float[])w0.Clone();
        foreach (var g in grads)
        {
            sgd.Apply([Tensor.From(g)], [sgdVar]);
            for (int j = 0; j < n; j++) expectedSgd[j] -= g[j] * 0.037f;
        }
        Assert.Equal(expectedSgd, sgdVar.ToArray<float>());

        var adamVar = new Variable(Tensor.From(w0), name: "w");
        var adam = new Adam(learningRate: 0.01);
        var w = (float[])w0.Clone();
        var m = new float[n];
        var v = new float[n];
        for (int step = 0; step < grads.Length; step++)
        {
            adam.Apply([Tensor.From(grads[step])], [adamVar]);
            float t = step + 1;
            float alpha = 0.01f * MathF.Sqrt(1 - MathF.Pow(0.999f, t)) / (1 - MathF.Pow(0.9f, t));
            for (int j = 0; j < n; j++)
            {
                float g = grads[step][j];
                m[j] += (g - m[j]) * (float)(1 - 0.9);
                v[j] += (g * g - v[j]) * (float)(1 - 0.999);
                w[j] -= m[j] * alpha / (MathF.Sqrt(v[j]) + 1e-7f);
            }
        }
        Assert.Equal(w, adamVar.ToArray<float>());
    }

    [Fact]
    public void SgdPlain()
    {
        var w = NewVar();
        var opt = new SGD(learningRate: 0.1);
        Step(opt, w);
        Step(opt, w);
        AssertValues(W0.Select((v, i) => v - 2 * 0.1 * G[i]).ToArray(), w);
        Assert.Equal(2L, opt.Iterations.ToScalar<long>());
        Assert.Equal(DType.Int64, opt.Iterations.DType);
    }

    [Fact]
    public void SgdMomentumAndNesterov()
    {
        var w = NewVar();
        var opt = new SGD(learningRate: 0.1, momentum: 0.9);
        Step(opt, w);
        Step(opt, w);
        // m1 = -lr g; w1 = w0 + m1; m2 = 0.9 m1 - lr g; w2 = w1 + m2
        AssertValues(W0.Select((v, i) => v - 0.1 * G[i] + (0.9 * -0.1 * G[i] - 0.1 * G[i])).ToArray(), w);
        AssertValues(G.Select(g => 0.9 * -0.1 * g - 0.1 * g).ToArray(), opt.GetSlot(w, "momentum"));

        var wn = NewVar();
        var nesterov = new SGD(learningRate: 0.1, momentum: 0.9, nesterov: true);
        Step(nesterov, wn);
        // w1 = w0 - lr g + 0.9 m1, m1 = -lr g
        AssertValues(W0.Select((v, i) => v - 0.1 * G[i] - 0.9 * 0.1 * G[i]).ToArray(), wn);
    }

    private static double[] AdamClosedForm(int steps, double lr, double b1 = 0.9, double b2 = 0.999, double eps = 1e-7, double wd = 0, bool amsgrad = false)
    {
        var w = (double[])W0.Clone();
        var m = new double[w.Length];
        var v = new double[w.Length];
        var vh = new double[w.Length];
        for (int t = 1; t <= steps; t++)
        {
            for (int i = 0; i < w.Length; i++) w[i] -= w[i] * wd * lr;
            double alpha = lr * Math.Sqrt(1 - Math.Pow(b2, t)) / (1 - Math.Pow(b1, t));
            for (int i = 0; i < w.Length; i++)
            {
                m[i] += (G[i] - m[i]) * (1 - b1);
                v[i] += (G[i] * G[i] - v[i]) * (1 - b2);
                vh[i] = Math.Max(vh[i], v[i]);
                w[i] -= m[i] * alpha / (Math.Sqrt(amsgrad ? vh[i] : v[i]) + eps);
            }
        }
        return w;
    }

    [Fact]
    public void AdamAmsgradAdamW()
    {
        var w = NewVar();
        var adam = new Adam(learningRate: 0.01);
        for (int i = 0; i < 3; i++) Step(adam, w);
        AssertValues(AdamClosedForm(3, 0.01), w);

        var wa = NewVar();
        var ams = new Adam(learningRate: 0.01, amsgrad: true);
        for (int i = 0; i < 3; i++) Step(ams, wa);
        AssertValues(AdamClosedForm(3, 0.01, amsgrad: true), wa);
        Assert.NotNull(ams.GetSlot(wa, "velocity_hat"));

        var ww = NewVar();
        var adamw = new AdamW(learningRate: 0.01, weightDecay: 0.1);
        for (int i = 0; i < 3; i++) Step(adamw, ww);
        AssertValues(AdamClosedForm(3, 0.01, wd: 0.1), ww);
        Assert.Equal("AdamW", adamw.ClassName);
        Assert.Equal(0.1, adamw.GetConfig()["weight_decay"]!.GetValue<double>());
    }

    [Fact]
    public void RmspropAdagradAdamax()
    {
        var w = NewVar();
        var rms = new RMSprop(learningRate: 0.01);
        Step(rms, w);
        Step(rms, w);
        var expected = (double[])W0.Clone();
        var vel = new double[3];
        for (int t = 0; t < 2; t++)
            for (int i = 0; i < 3; i++)
            {
                vel[i] = 0.9 * vel[i] + 0.1 * G[i] * G[i];
                expected[i] -= 0.01 * G[i] / Math.Sqrt(vel[i] + 1e-7);
            }
        AssertValues(expected, w);

        var wa = NewVar();
        var ada = new Adagrad(learningRate: 0.1);
        Step(ada, wa);
        Step(ada, wa);
        AssertValues(W0.Select((v, i) => v - 0.1 * G[i] / Math.Sqrt(0.1 + G[i] * G[i] + 1e-7) - 0.1 * G[i] / Math.Sqrt(0.1 + 2 * G[i] * G[i] + 1e-7)).ToArray(), wa);

        var wm = NewVar();
        var adamax = new Adamax(learningRate: 0.01);
        Step(adamax, wm);
        // m = 0.1 g, u = |g|: w -= lr m / ((1 - 0.9)(u + eps))
        AssertValues(W0.Select((v, i) => v - 0.01 * 0.1 * G[i] / (0.1 * (Math.Abs(G[i]) + 1e-7))).ToArray(), wm);
    }

    [Fact]
    public void Nadam()
    {
        var w = NewVar();
        var nadam = new Nadam(learningRate: 0.01);
        Step(nadam, w);
        Step(nadam, w);
        var e = (double[])W0.Clone();
        var m = new double[3];
        var v = new double[3];
        double uProduct = 1;
        for (int t = 1; t <= 2; t++)
        {
            uProduct *= 0.9 * (1 - 0.5 * Math.Pow(0.96, t));
            double ut = 0.9 * (1 - 0.5 * Math.Pow(0.96, t)), ut1 = 0.9 * (1 - 0.5 * Math.Pow(0.96, t + 1));
            double up1 = uProduct * ut1;
            for (int i = 0; i < 3; i++)
            {
                m[i] += (G[i] - m[i]) * 0.1;
                v[i] += (G[i] * G[i] - v[i]) * 0.001;
                double mHat = ut1 * m[i] / (1 - up1) + (1 - ut) * G[i] / (1 - uProduct);
                double vHat = v[i] / (1 - Math.Pow(0.999, t));
                e[i] -= mHat * 0.01 / (Math.Sqrt(vHat) + 1e-7);
            }
        }
        AssertValues(e, w, 1e-5);
    }

    [Fact]
    public void Clipping()
    {
        var w = new Variable(Tensor.From(new float[] { 0, 0 }));
        new SGD(learningRate: 1, clipnorm: 1).Apply([Tensor.From(new float[] { 3, 4 })], [w]);
        AssertValues([-0.6, -0.8], w);

        var w2 = new Variable(Tensor.From(new float[] { 0, 0 }));
        new SGD(learningRate: 1, clipvalue: 0.5).Apply([Tensor.From(new float[] { 3, -0.25f })], [w2]);
        AssertValues([-0.5, 0.25], w2);

        var a = new Variable(Tensor.From(new float[] { 0 }));
        var b = new Variable(Tensor.From(new float[] { 0 }));
        new SGD(learningRate: 1, globalClipnorm: 1).Apply([Tensor.From(new float[] { 3 }), Tensor.From(new float[] { 4 })], [a, b]);
        AssertValues([-0.6], a);
        AssertValues([-0.8], b);

        Assert.Throws<ArgumentException>(() => new SGD(clipnorm: 1, globalClipnorm: 1));
    }

    [Fact]
    public void SchedulesFollowKerasFormulas()
    {
        Assert.Equal(0.1 * Math.Pow(0.5, 0.5), new ExponentialDecay(0.1, 10, 0.5).Call(5), 6);
        Assert.Equal(0.1, new ExponentialDecay(0.1, 10, 0.5, staircase: true).Call(5), 6);
        var pw = new PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1]);
        Assert.Equal(1.0, pw.Call(10), 6);
        Assert.Equal(0.5, pw.Call(11), 6);
        Assert.Equal(0.1, pw.Call(21), 6);
        Assert.Equal(0.05, new InverseTimeDecay(0.1, 1, 0.5).Call(2), 6);
        Assert.Equal(0.055, new PolynomialDecay(0.1, 10, 0.01).Call(5), 6);
        Assert.Equal(0.01, new PolynomialDecay(0.1, 10, 0.01).Call(20), 6);
        Assert.Equal(0.05, new CosineDecay(0.1, 10).Call(5), 6);
        Assert.Equal(0.0, new CosineDecay(0.1, 10).Call(50), 6);
        var warm = new CosineDecay(0.0, 10, warmupTarget: 0.1, warmupSteps: 10);
        Assert.Equal(0.05, warm.Call(5), 6);
        Assert.Equal(0.1, warm.Call(10), 6);
        Assert.Equal(0.05, warm.Call(15), 6);

        var w = new Variable(Tensor.From(new float[] { 0 }));
        var opt = new SGD(schedule: new PiecewiseConstantDecay([0], [1.0, 0.5]));
        opt.Apply([Tensor.From(new float[] { 1 })], [w]);   // step 0: lr 1
        opt.Apply([Tensor.From(new float[] { 1 })], [w]);   // step 1: lr 0.5
        AssertValues([-1.5], w);
        Assert.Throws<InvalidOperationException>(() => opt.LearningRate = 0.1);
        Assert.DoesNotContain(opt.GetCheckpointVariables(), p => p.Key == "learning_rate");
        Assert.Equal("PiecewiseConstantDecay", opt.GetConfig()["learning_rate"]!["class_name"]!.GetValue<string>());
    }

    [Fact]
    public void StateRoundTripsThroughCheckpoint()
    {
        var w = NewVar();
        var adam = new Adam(learningRate: 0.01);
        for (int i = 0; i < 3; i++) Step(adam, w);
        var dir = Directory.CreateTempSubdirectory("lg-opt").FullName;
        try
        {
            var prefix = new Checkpoint { ["w"] = w, ["optimizer"] = adam }.Write(Path.Combine(dir, "ckpt"));
            var keys = Checkpoint.ListVariables(prefix).Select(v => v.Key).ToList();
            Assert.Contains("optimizer/iteration/.ATTRIBUTES/VARIABLE_VALUE", keys);
            Assert.Contains("optimizer/learning_rate/.ATTRIBUTES/VARIABLE_VALUE", keys);
            Assert.Contains("optimizer/0/momentum/.ATTRIBUTES/VARIABLE_VALUE", keys);
            Assert.Contains("optimizer/0/velocity/.ATTRIBUTES/VARIABLE_VALUE", keys);

            var w2 = NewVar();
            var adam2 = new Adam(learningRate: 0.5);
            adam2.Build([w2]);
            new Checkpoint { ["w"] = w2, ["optimizer"] = adam2 }.Restore(prefix).AssertConsumed();
            Assert.Equal(3L, adam2.Iterations.ToScalar<long>());
            Assert.Equal(0.01, adam2.LearningRate, 6);
            Assert.Equal(adam.GetSlot(w, "velocity").ToFloatArray(), adam2.GetSlot(w2, "velocity").ToFloatArray());
            // both continue identically
            Step(adam, w);
            Step(adam2, w2);
            Assert.Equal(w.ToFloatArray(), w2.ToFloatArray());
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void ConfigsHaveKerasKeys()
    {
        var c = new Adam(learningRate: 0.01).GetConfig();
        foreach (var k in new[] { "name", "learning_rate", "weight_decay", "clipnorm", "global_clipnorm", "clipvalue", "use_ema", "ema_momentum", "ema_overwrite_frequency", "loss_scale_factor", "gradient_accumulation_steps", "beta_1", "beta_2", "epsilon", "amsgrad" })
            Assert.True(c.ContainsKey(k), k);
        Assert.Equal("adam", c["name"]!.GetValue<string>());
        Assert.Equal(0.01, c["learning_rate"]!.GetValue<double>(), 6);
        Assert.Equal("SGD", Optimizer.Get("sgd").ClassName);
        Assert.Equal("Adam", new Adam().Serialize()["class_name"]!.GetValue<string>());
        Assert.True(new SGD(momentum: 0.5, nesterov: true).GetConfig()["nesterov"]!.GetValue<bool>());
        Assert.Equal(0.9, new RMSprop().GetConfig()["rho"]!.GetValue<double>());
        Assert.Equal(0.1, new Adagrad().GetConfig()["initial_accumulator_value"]!.GetValue<double>());
        Assert.Equal("Nadam", Optimizer.Get("nadam").ClassName);
        Assert.Equal("Adamax", Optimizer.Get("adamax").ClassName);
    }
}
