namespace LayerGen.Tests;

/// <summary>Checks tape gradients against central finite differences in float64.</summary>
public static class GradientCheck
{
    /// <summary>
    /// For f: inputs -> tensor, compares d(sum(f * w))/d(input) from the tape with central differences,
    /// where w is a fixed random weighting (so every output element matters).
    /// </summary>
    public static void Check(Func<Tensor[], Tensor> f, Tensor[] inputs, double eps = 1e-6, double tolerance = 1e-5, int[]? only = null)
    {
        foreach (var x in inputs) Assert.Equal(DType.Float64, x.DType);
        var probe = f(inputs);
        var weights = new RandomGenerator(99).Uniform(probe.Shape, 0.5, 1.5, DType.Float64);
        Tensor Objective(Tensor[] xs) => Ops.Sum(Ops.Mul(f(xs), weights));

        Tensor?[] analytic;
        using (var tape = new GradientTape())
        {
            foreach (var x in inputs) tape.Watch(x);
            var y = Objective(inputs);
            analytic = tape.Gradient(y, inputs);
        }

        for (int i = 0; i < inputs.Length; i++)
        {
            if (only is not null && !only.Contains(i)) continue;
            var values = inputs[i].ToArray<double>();
            var numeric = new double[values.Length];
            for (int k = 0; k < values.Length; k++)
            {
                double orig = values[k];
                values[k] = orig + eps;
                double up = Objective(Replace(inputs, i, values)).ToScalar<double>();
                values[k] = orig - eps;
                double down = Objective(Replace(inputs, i, values)).ToScalar<double>();
                values[k] = orig;
                numeric[k] = (up - down) / (2 * eps);
            }
            var g = analytic[i];
            Assert.True(g is not null, $"input {i}: the tape returned no gradient");
            Assert.Equal(inputs[i].Shape, g!.Shape);
            var got = g.ToArray<double>();
            for (int k = 0; k < numeric.Length; k++)
            {
                double err = Math.Abs(got[k] - numeric[k]) / Math.Max(1, Math.Abs(numeric[k]));
                Assert.True(err <= tolerance, $"input {i} element {k}: tape gradient {got[k]} vs finite difference {numeric[k]} (relative error {err:g3})");
            }
        }
    }

    private static Tensor[] Replace(Tensor[] inputs, int i, double[] values)
    {
        var copy = (Tensor[])inputs.Clone();
        copy[i] = Tensor.From<double>(values, inputs[i].Shape);
        return copy;
    }

    /// <summary>Random float64 tensor.</summary>
    public static Tensor Rand(Shape shape, int seed, double lo = -1, double hi = 1)
        => new RandomGenerator(seed).Uniform(shape, lo, hi, DType.Float64);
}
