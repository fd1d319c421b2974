using LayerGen;

/// <summary>
/// Issue 17's LSTM cases: forward and forward+backward (gradients of the sum of the outputs with respect to the
/// weights) of an eager <c>LSTM</c> for batch 64, 28 steps, 28 -> 128 units and batch 32, 100 steps, 256 -> 256 units.
/// The PyTorch side is benchmarks/References/lstm_reference.py (<c>nn.LSTM</c>, same shapes).
/// </summary>
internal static class LstmCases
{
    public static void Run(bool quick, bool smallOnly = false)
    {
        foreach (var (batch, steps, features, units) in smallOnly ? new[] { (64, 28, 28, 128) } : new[] { (64, 28, 28, 128), (32, 100, 256, 256) })
        {
            var g = new RandomGenerator(1);
            var x = g.Normal([batch, steps, features]);
            var lstm = new LSTM(units);
            lstm.Invoke(x);
            double flops = 2.0 * batch * steps * (features + units) * 4 * units;
            string name = $"LSTM b{batch} t{steps} {features}->{units}";
            bool big = units > 128;
            Bench.Run(name + " forward", () => lstm.Invoke(x)[0], inner: 1, samples: quick ? 3 : big ? 10 : 30, warmup: 3, flops: flops);
            var weights = lstm.TrainableVariables.ToArray();
            Bench.Run(name + " forward+backward", () =>
            {
                using var tape = new GradientTape();
                var y = lstm.Invoke(x)[0];
                return tape.Gradient(Ops.Sum(y), weights)[0]!;
            }, inner: 1, samples: quick ? 3 : big ? 6 : 20, warmup: 2, flops: 3 * flops);
            // Traced: the steps are one Scan op (forward) and two (forward+backward), run as ExecutionPlans.
            var spec = x.Spec;
            var forward = ExecutionPlan.Create(Graph.Trace(p => [lstm.Invoke(p[0])[0]], [spec]), spec);
            Bench.Run(name + " planned forward", () => forward.Run(x), inner: 1, samples: quick ? 3 : big ? 10 : 30, warmup: 3, flops: flops);
            var training = ExecutionPlan.Create(Graph.Trace(p =>
            {
                using var tape = new GradientTape();
                var y = lstm.Invoke(p[0])[0];
                return [.. tape.Gradient(Ops.Sum(y), weights).Select(t => t!)];
            }, [spec]), spec);
            Bench.Run(name + " planned forward+backward", () => training.RunAll([x])[0], inner: 1, samples: quick ? 3 : big ? 6 : 20, warmup: 2, flops: 3 * flops);
        }
    }
}
