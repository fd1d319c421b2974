using LayerGen.Optimizers;

namespace LayerGen.Training.Tests;

/// <summary>
/// Every optimizer's update runs on vector lanes (whole vectors, then a zero-padded tail). Each must give exactly,
/// bit for bit, what its float32 formula gives element by element, written out here as a plain scalar loop, over
/// weights whose count leaves a tail for any vector width.
/// </summary>
public class OptimizerLanesTests
{
    private const int N = 103;
    private const int Steps = 3;

    private static (float[] W0, float[][] Grads) Data(int seed)
    {
        var r = new Random(seed);
        float[] w0 = [.. Enumerable.Range(0, N).Select(_ => (float)(r.NextDouble() * 2 - 1))];
        float[][] grads = [.. Enumerable.Range(0, Steps).Select(_ => Enumerable.Range(0, N).Select(_ => (float)(r.NextDouble() - 0.5)).ToArray())];
        grads[1][5] = 0f; // a zero gradient (0/0 guards, max with |g| = 0)
        return (w0, grads);
    }

    /// <summary>Runs <paramref name="optimizer"/> for <see cref="Steps"/> steps; returns the weights and the named slots.</summary>
    private static (float[] W, float[][] Slots) Run(Optimizer optimizer, float[] w0, float[][] grads, params string[] slots)
    {
        var w = new Variable(Tensor.From(w0), name: "w");
        foreach (var g in grads) optimizer.Apply([Tensor.From(g)], [w]);
        return (w.ToArray<float>(), [.. slots.Select(s => optimizer.GetSlot(w, s).ToArray<float>())]);
    }

    private static void Same(float[] expected, float[] actual, string what)
    {
        for (int j = 0; j < N; j++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[j]) == BitConverter.SingleToInt32Bits(actual[j]), $"{what}[{j}]: expected {expected[j]:R}, got {actual[j]:R}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SgdWithMomentum(bool nesterov)
    {
        var (w0, grads) = Data(1);
        var (w, slots) = Run(new SGD(learningRate: 0.03, momentum: 0.9, nesterov: nesterov), w0, grads, "momentum");
        float lr = 0.03f, mom = 0.9f;
        var ew = (float[])w0.Clone();
        var m = new float[N];
        foreach (var g in grads)
            for (int j = 0; j < N; j++)
            {
                m[j] = -g[j] * lr + m[j] * mom;
                ew[j] += nesterov ? -g[j] * lr + m[j] * mom : m[j];
            }
        Same(ew, w, "w");
        Same(m, slots[0], "momentum");
    }

    [Theory]
    [InlineData(false, 0.0)]
    [InlineData(true, 0.0)]
    [InlineData(false, 0.004)]   // AdamW's decoupled weight decay
    public void AdamAmsgradAndWeightDecay(bool amsgrad, double weightDecay)
    {
        var (w0, grads) = Data(2);
        Optimizer opt = weightDecay > 0 ? new AdamW(learningRate: 0.01, weightDecay: weightDecay) : new Adam(learningRate: 0.01, amsgrad: amsgrad);
        var (w, slots) = Run(opt, w0, grads, amsgrad ? ["momentum", "velocity", "velocity_hat"] : ["momentum", "velocity"]);
        float lr = 0.01f, c1 = (float)(1 - 0.9), c2 = (float)(1 - 0.999), eps = 1e-7f, wd = (float)weightDecay;
        var ew = (float[])w0.Clone();
        float[] m = new float[N], v = new float[N], vh = new float[N];
        for (int step = 0; step < Steps; step++)
        {
            if (wd > 0) for (int j = 0; j < N; j++) ew[j] = ew[j] - ew[j] * wd * lr;
            float t = step + 1;
            float alpha = lr * MathF.Sqrt(1 - MathF.Pow(0.999f, t)) / (1 - MathF.Pow(0.9f, t));
            for (int j = 0; j < N; j++)
            {
                float g = grads[step][j];
                m[j] += (g - m[j]) * c1;
                v[j] += (g * g - v[j]) * c2;
                float d = v[j];
                if (amsgrad) { vh[j] = MathF.Max(vh[j], v[j]); d = vh[j]; }
                ew[j] -= m[j] * alpha / (MathF.Sqrt(d) + eps);
            }
        }
        Same(ew, w, "w");
        Same(m, slots[0], "momentum");
        Same(v, slots[1], "velocity");
        if (amsgrad) Same(vh, slots[2], "velocity_hat");
    }

    [Theory]
    [InlineData(false, 0.0)]
    [InlineData(true, 0.0)]
    [InlineData(false, 0.5)]
    [InlineData(true, 0.5)]
    public void RMSpropCenteredAndMomentum(bool centered, double momentum)
    {
        var (w0, grads) = Data(3);
        string[] names = [.. new[] { "velocity" }.Concat(centered ? ["average_gradient"] : []).Concat(momentum > 0 ? ["momentum"] : [])];
        var (w, slots) = Run(new RMSprop(learningRate: 0.01, momentum: momentum, centered: centered), w0, grads, names);
        float lr = 0.01f, rho = 0.9f, omr = (float)(1 - 0.9), eps = 1e-7f, mom = (float)momentum;
        var ew = (float[])w0.Clone();
        float[] vel = new float[N], avg = new float[N], m = new float[N];
        foreach (var gs in grads)
            for (int j = 0; j < N; j++)
            {
                float g = gs[j];
                vel[j] = rho * vel[j] + omr * (g * g);
                float den;
                if (centered) { avg[j] = rho * avg[j] + omr * g; den = vel[j] - avg[j] * avg[j] + eps; }
                else den = vel[j] + eps;
                float inc = lr * g / MathF.Sqrt(den);
                if (momentum > 0) { m[j] = mom * m[j] + inc; ew[j] -= m[j]; }
                else ew[j] -= inc;
            }
        Same(ew, w, "w");
        Same(vel, slots[0], "velocity");
        if (centered) Same(avg, slots[1], "average_gradient");
        if (momentum > 0) Same(m, slots[^1], "momentum");
    }

    [Fact]
    public void Adagrad()
    {
        var (w0, grads) = Data(4);
        var (w, slots) = Run(new Adagrad(learningRate: 0.05), w0, grads, "accumulator");
        float lr = 0.05f, eps = 1e-7f;
        var ew = (float[])w0.Clone();
        var acc = Enumerable.Repeat(0.1f, N).ToArray();
        foreach (var gs in grads)
            for (int j = 0; j < N; j++)
            {
                float g = gs[j];
                acc[j] += g * g;
                ew[j] -= lr * g / MathF.Sqrt(acc[j] + eps);
            }
        Same(ew, w, "w");
        Same(acc, slots[0], "accumulator");
    }

    [Fact]
    public void Adamax()
    {
        var (w0, grads) = Data(5);
        var (w, slots) = Run(new Adamax(learningRate: 0.02), w0, grads, "m", "u");
        float lr = 0.02f, c1 = (float)(1 - 0.9), b2 = 0.999f, eps = 1e-7f;
        var ew = (float[])w0.Clone();
        float[] m = new float[N], u = new float[N];
        for (int step = 0; step < Steps; step++)
        {
            float b1p = MathF.Pow(0.9f, step + 1);
            for (int j = 0; j < N; j++)
            {
                float g = grads[step][j];
                m[j] += (g - m[j]) * c1;
                u[j] = MathF.Max(b2 * u[j], MathF.Abs(g));
                ew[j] -= lr * m[j] / ((1 - b1p) * (u[j] + eps));
            }
        }
        Same(ew, w, "w");
        Same(m, slots[0], "m");
        Same(u, slots[1], "u");
    }

    [Fact]
    public void Nadam()
    {
        var (w0, grads) = Data(6);
        var (w, slots) = Run(new Nadam(learningRate: 0.01), w0, grads, "momentum", "velocity");
        float lr = 0.01f, b1 = 0.9f, b2 = 0.999f, c1 = (float)(1 - 0.9), c2 = (float)(1 - 0.999), eps = 1e-7f;
        var ew = (float[])w0.Clone();
        float[] m = new float[N], v = new float[N];
        float product = 1f;
        for (int step = 0; step < Steps; step++)
        {
            float t = step + 1, next = step + 2;
            product = product * b1 * (1f - 0.5f * MathF.Pow(0.96f, t));
            float ut = b1 * (1f - 0.5f * MathF.Pow(0.96f, t));
            float ut1 = b1 * (1f - 0.5f * MathF.Pow(0.96f, next));
            float productNext = product * ut1;
            float b2p = MathF.Pow(b2, t);
            for (int j = 0; j < N; j++)
            {
                float g = grads[step][j];
                m[j] += (g - m[j]) * c1;
                v[j] += (g * g - v[j]) * c2;
                float mHat = ut1 * m[j] / (1 - productNext) + (1 - ut) * g / (1 - product);
                float vHat = v[j] / (1 - b2p);
                ew[j] -= mHat * lr / (MathF.Sqrt(vHat) + eps);
            }
        }
        Same(ew, w, "w");
        Same(m, slots[0], "momentum");
        Same(v, slots[1], "velocity");
    }
}
