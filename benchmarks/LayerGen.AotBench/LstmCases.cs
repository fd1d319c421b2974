using LayerGen;

/// <summary>
/// Issue 17's LSTM cases: forward and forward+backward (gradients of the sum of the outputs with respect to the
/// weights) of an eager <c>LSTM</c> for batch 64, 28 steps, 28 -> 128 units and batch 32, 100 steps, 256 -> 256 units.
/// The PyTorch side is benchmarks/References/lstm_reference.py (<c>nn.LSTM</c>, same shapes; it always computes every
/// step's output). <c>--sequences</c>: the layer returns every step's output (<c>return_sequences</c>) and the sum is
/// over all of them, as on the PyTorch side; without it, the last output (Keras's default). <c>--gru</c>: <c>GRU</c>
/// (Keras's default <c>reset_after</c>) against <c>nn.GRU</c> (<c>lstm_reference.py --gru</c>); <c>--rnn</c>:
/// <c>SimpleRNN</c> (tanh) against <c>nn.RNN</c> (<c>lstm_reference.py --rnn</c>).
/// </summary>
internal static class LstmCases
{
    public static void Run(bool quick, bool smallOnly = false, bool sequences = false, string kind = "LSTM")
    {
        foreach (var (batch, steps, features, units) in smallOnly ? new[] { (64, 28, 28, 128) } : new[] { (64, 28, 28, 128), (32, 100, 256, 256) })
        {
            var g = new RandomGenerator(1);
            var x = g.Normal([batch, steps, features]);
            var (layer, output) = MakeLayer(kind, units, sequences);
            Tensor Output(Tensor input) => output(input);
            Output(x);
            double flops = 2.0 * batch * steps * (features + units) * (kind switch { "GRU" => 3, "SimpleRNN" => 1, _ => 4 }) * units;
            string name = $"{kind} b{batch} t{steps} {features}->{units}{(sequences ? " sequences" : "")}";
            bool big = units > 128;
            Bench.Run(name + " forward", () => Output(x), inner: 1, samples: quick ? 3 : big ? 10 : 30, warmup: 3, flops: flops);
            var weights = layer.TrainableVariables.ToArray();
            Bench.Run(name + " forward+backward", () =>
            {
                using var tape = new GradientTape();
                var y = Output(x);
                return tape.Gradient(Ops.Sum(y), weights)[0]!;
            }, inner: 1, samples: quick ? 3 : big ? 6 : 20, warmup: 2, flops: 3 * flops);
            // Traced: the steps are one Scan op (forward) and two (forward+backward), run as ExecutionPlans.
            var spec = x.Spec;
            var forward = ExecutionPlan.Create(Graph.Trace(p => [Output(p[0])], [spec]), spec);
            Bench.Run(name + " planned forward", () => forward.Run(x), inner: 1, samples: quick ? 3 : big ? 10 : 30, warmup: 3, flops: flops);
            var training = ExecutionPlan.Create(Graph.Trace(p =>
            {
                using var tape = new GradientTape();
                var y = Output(p[0]);
                return [.. tape.Gradient(Ops.Sum(y), weights).Select(t => t!)];
            }, [spec]), spec);
            Bench.Run(name + " planned forward+backward", () => training.RunAll([x])[0], inner: 1, samples: quick ? 3 : big ? 6 : 20, warmup: 2, flops: 3 * flops);
        }
    }

    /// <summary>
    /// <c>--lstm --eager</c>: eager calls of small to medium LSTMs (what a custom training loop or a single prediction
    /// costs, per-call overhead included): batch 2, 5 steps, 3 -> 4; batch 1, 40 steps, 32 -> 128; batch 64, 28 steps, 28 -> 128.
    /// </summary>
    public static void RunEager(bool quick)
    {
        foreach (var (batch, steps, features, units) in new[] { (2, 5, 3, 4), (1, 40, 32, 128), (64, 28, 28, 128) })
        {
            var x = new RandomGenerator(1).Normal([batch, steps, features]);
            var (layer, output) = MakeLayer("LSTM", units);
            output(x);
            var weights = layer.TrainableVariables.ToArray();
            string name = $"eager LSTM b{batch} t{steps} {features}->{units}";
            Bench.Run(name + " forward", () => output(x), inner: 1, samples: quick ? 3 : 30, warmup: 5, flops: 0);
            Bench.Run(name + " forward+backward", () =>
            {
                using var tape = new GradientTape();
                return tape.Gradient(Ops.Sum(output(x)), weights)[0]!;
            }, inner: 1, samples: quick ? 3 : 20, warmup: 5, flops: 0);
        }
    }

    /// <summary>The recurrent layer of <paramref name="kind"/> (LSTM, GRU or SimpleRNN) and its first output.</summary>
    public static (Layer Layer, Func<Tensor, Tensor> Output) MakeLayer(string kind, int units, bool sequences = false)
    {
        switch (kind)
        {
            case "GRU": { var r = new GRU(units, returnSequences: sequences); return (r, t => r.Invoke(t)[0]); }
            case "SimpleRNN": { var r = new SimpleRNN(units, returnSequences: sequences); return (r, t => r.Invoke(t)[0]); }
            default: { var r = new LSTM(units, returnSequences: sequences); return (r, t => r.Invoke(t)[0]); }
        }
    }
}

/// <summary>
/// <c>--lstm --probe</c>: planned costs of the pieces of one step of the small case (batch 64, 128 units), to see where
/// a step's time goes: the recurrent product, each activation, the whole cell step.
/// </summary>
internal static class LstmProbe
{
    public static void Run()
    {
        const int batch = 64, units = 128;
        var g = new RandomGenerator(2);
        var h = g.Normal([batch, units]);
        var z = g.Normal([batch, 4 * units]);
        var c = g.Normal([batch, units]);
        var rk = new Variable(g.Normal([units, 4 * units], stddev: 0.1));
        ExecutionPlan Plan(Func<Tensor[], Tensor> f, params Tensor[] xs)
            => ExecutionPlan.Create(Graph.Trace(p => [f(p)], [.. xs.Select(x => x.Spec)]), [.. xs.Select(x => x.Spec)]);
        void Time(string name, ExecutionPlan plan, params Tensor[] xs)
            => Bench.Run(name, () => plan.RunAll(xs)[0], inner: 50, samples: 15, warmup: 3, flops: 0);
        Time("probe h @ recurrent_kernel (64x128 @ 128x512)", Plan(p => Ops.MatMul(p[0], rk), h), h);
        Time("probe Tanh 64x128", Plan(p => Ops.Tanh(p[0]), c), c);
        Time("probe Sigmoid 64x128", Plan(p => Ops.Sigmoid(p[0]), c), c);
        Time("probe Mul 64x128", Plan(p => Ops.Mul(p[0], p[1]), c, h), c, h);
        Time("probe Add 64x512", Plan(p => Ops.Add(p[0], p[1]), z, z), z, z);
        Time("probe LstmCellUpdate 64x512", Plan(p => Ops.LstmCellUpdate(p[0], p[1]), z, c), z, c);
        var hc = Ops.LstmCellUpdate(z, c);
        var gg = g.Normal([2, batch, units]);
        Time("probe LstmCellUpdateGrad 64x512", Plan(p => Ops.LstmCellUpdateGrad(p[0], p[1], p[2], p[3]), z, c, hc, gg), z, c, hc, gg);
        var seq = g.Normal([29, batch, 896]);
        Time("probe Slice (29,64,896)->(28,64,128)", Plan(p => Ops.Slice(p[0], [1, 0, 128], [-1, -1, 128]), seq), seq);
        var cell = new LSTMCell(units);
        cell.BuildCell(new Shape(batch, 28));
        var stepPlan = ExecutionPlan.Create(Graph.Trace(p => cell.Step(p[0], [p[1], p[2]], false), [z.Spec, h.Spec, c.Spec]), z.Spec, h.Spec, c.Spec);
        Time("probe LSTMCell.Step (planned body)", stepPlan, z, h, c);
    }
}
