using System.Diagnostics;
using LayerGen;
using LayerGen.Losses;
using LayerGen.Optimizers;

namespace LayerGen.Benchmarks;

/// <summary>
/// Issue 22's inference probe (Stopwatch, best of 7): where the 10,000-image Evaluate/Predict time of the MLP
/// 784-256-256-10 goes. Times, over the 10,000 test images: each dense product alone in a plan (x @ W, W a variable,
/// so the plan packs it once) at batch 128 and 1024, a 1024² square product (the GEMM's peak), the whole model's plan
/// at batch 128 / 1024 / 10,000, and <c>Predict</c> / <c>Evaluate</c> at batch 128. GFLOP/s counts 2·M·N·K per
/// product. Each line also gives the least process CPU time of the rounds: with <c>DOTNET_PROCESSOR_COUNT=1</c> one
/// thread computes, and CPU time then measures the work without the time other processes held the core.
/// Run: <c>benchmarks/LayerGen.Benchmarks/bin/Release/net10.0/LayerGen.Benchmarks mlp-infer [rounds]</c>.
/// </summary>
internal static class MlpInferTiming
{
    /// <summary>The least process CPU time of the rounds timed by the last <see cref="Best"/> (ms): on a loaded machine,
    /// with <c>DOTNET_PROCESSOR_COUNT=1</c> (one thread computes), what the work costs without the time other
    /// processes held the core.</summary>
    private static double s_bestCpu;

    private static double Best(int rounds, Action run)
    {
        run();
        double best = double.MaxValue;
        s_bestCpu = double.MaxValue;
        var process = Process.GetCurrentProcess();
        for (int r = 0; r < rounds; r++)
        {
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            run();
            best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
            process.Refresh();
            s_bestCpu = Math.Min(s_bestCpu, (process.TotalProcessorTime - cpu0).TotalMilliseconds);
        }
        return best;
    }

    /// <summary>" (cpu X ms)" for the last <see cref="Best"/>.</summary>
    private static string Cpu => $" (cpu {s_bestCpu:F1} ms)";

    public static void Run(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 7;
        var g = new RandomGenerator(22);
        var x = g.Uniform([10000, 784]);
        var y = Tensor.From(Enumerable.Range(0, 10000).Select(i => i % 10).ToArray());
        const int B = 128;
        int batches = 10000 / B; // 78 full batches (the probe skips the last 16 rows)
        var slices = Enumerable.Range(0, batches).Select(b => x[(b * B)..(b * B + B)]).ToArray();

        if (args.Length > 1 && args[1] == "gather")
        {
            var xt = g.Uniform([60000, 784]);
            var order = Enumerable.Range(0, 60000).OrderBy(_ => Random.Shared.Next()).ToArray();
            var orderT = Tensor.From(order);
            var src = xt.ToArray<float>();
            var dst = new float[128 * 784];
            Console.WriteLine($"Ops.Gather x469: {Best(rounds, () => { for (int b = 0; b < 468; b++) Ops.Gather(xt, orderT[(b * 128)..(b * 128 + 128)]); }):F1} ms");
            Console.WriteLine($"slice x469: {Best(rounds, () => { for (int b = 0; b < 468; b++) _ = xt[(b * 128)..(b * 128 + 128)]; }):F1} ms");
            Console.WriteLine($"row copy into a reused array x469: {Best(rounds, () => { for (int b = 0; b < 468; b++) for (int j = 0; j < 128; j++) src.AsSpan(order[b * 128 + j] * 784, 784).CopyTo(dst.AsSpan(j * 784)); }):F1} ms");
            Console.WriteLine($"row copy into a new array x469: {Best(rounds, () => { for (int b = 0; b < 468; b++) { var d = GC.AllocateUninitializedArray<float>(128 * 784); for (int j = 0; j < 128; j++) src.AsSpan(order[b * 128 + j] * 784, 784).CopyTo(d.AsSpan(j * 784)); } }):F1} ms");
            return;
        }
        foreach (var (k, n) in new[] { (784, 256), (256, 256), (256, 10) })
        {
            var w = new Variable(g.Normal([k, n]));
            // Each shape at M = 128 (the user's batch) and 1024 (8 batches stacked), over the same 9,984 rows.
            foreach (int m in new[] { B, 1024 })
            {
                int times = 9984 / m;
                var input = g.Uniform([m, k]);
                var plan = TensorFunction.Trace(a => Ops.MatMul(a, w)).Plan(input.Spec);
                double ms = Best(rounds, () => { for (int b = 0; b < times; b++) plan.Run(input); });
                Console.WriteLine($"plan x@W {m}x{k} @ {k}x{n}, x{times}: {ms:F2} ms = {ms / times * 1e3:F1} us per product, {2.0 * m * n * k * times / (ms * 1e6):F0} GFLOP/s{Cpu}, {2.0 * m * n * k * times / (s_bestCpu * 1e6):F0} GFLOP/s per busy core");
                // The same product with the dense layer's epilogue (bias, then ReLU: one fused dense step), right after it.
                var bias = new Variable(g.Normal([n]));
                var dense = TensorFunction.Trace(a => Ops.Relu(Ops.Add(Ops.MatMul(a, w), bias))).Plan(input.Spec);
                double msDense = Best(rounds, () => { for (int b = 0; b < times; b++) dense.Run(input); });
                Console.WriteLine($"  relu(x@W + b) same input: {msDense:F2} ms{Cpu}; x@W again: {Best(rounds, () => { for (int b = 0; b < times; b++) plan.Run(input); }):F2} ms{Cpu}");
            }
        }

        {
            // The same GEMM on a large square product: the peak the shapes above are compared with.
            var w = new Variable(g.Normal([1024, 1024]));
            var input = g.Uniform([1024, 1024]);
            var plan = TensorFunction.Trace(a => Ops.MatMul(a, w)).Plan(input.Spec);
            double ms = Best(rounds, () => { for (int b = 0; b < 4; b++) plan.Run(input); });
            Console.WriteLine($"plan x@W 1024x1024 @ 1024x1024, x4: {ms:F2} ms, {2.0 * 1024 * 1024 * 1024 * 4 / (ms * 1e6):F0} GFLOP/s{Cpu}, {2.0 * 1024 * 1024 * 1024 * 4 / (s_bestCpu * 1e6):F0} GFLOP/s per busy core");
        }

        RandomGenerator.SetGlobalSeed(22);
        var model = MlpFitTiming.NewMlp();
        model.Compile(new Adam(learningRate: 1e-3), new SparseCategoricalCrossentropy(fromLogits: true), ["accuracy"]);
        model.Invoke(slices[0]);
        double flop = 2.0 * (784 * 256 + 256 * 256 + 256 * 10) * B * batches;
        var plan128 = TensorFunction.Trace(a => model.Invoke(a, training: false)).Plan(slices[0].Spec);
        double ms128 = Best(rounds, () => { foreach (var s in slices) plan128.Run(s); });
        Console.WriteLine($"model plan, batch 128 x{batches}: {ms128:F2} ms, {flop / (ms128 * 1e6):F0} GFLOP/s{Cpu}");
        // Where the model plan's time goes, step by step (over the 78 batches, as the line above).
        var (profiled, steps) = PlanStepTiming.Measure(plan128, rounds, () => { foreach (var s in slices) plan128.Run(s); });
        Console.WriteLine($"  profiled: {profiled:F2} ms per 78 runs");
        foreach (var st in steps) Console.WriteLine($"  step {st.Index} {st.Kind} {st.Op.Name} {st.Spec}: {st.Ms:F2} ms");
        foreach (int big in new[] { 1024, 9984 })
        {
            var bigSlices = Enumerable.Range(0, 9984 / big).Select(b => x[(b * big)..(b * big + big)]).ToArray();
            var planBig = TensorFunction.Trace(a => model.Invoke(a, training: false)).Plan(bigSlices[0].Spec);
            double ms = Best(rounds, () => { foreach (var s in bigSlices) planBig.Run(s); });
            Console.WriteLine($"model plan, batch {big} x{bigSlices.Length}: {ms:F2} ms ({big * bigSlices.Length} rows), {2.0 * (784 * 256 + 256 * 256 + 256 * 10) * big * bigSlices.Length / (ms * 1e6):F0} GFLOP/s{Cpu}");
        }
        Console.WriteLine($"Predict 10k batch 128: {Best(rounds, () => model.Predict(x, batchSize: B, verbose: 0)):F2} ms{Cpu}");
        Console.WriteLine($"Evaluate 10k batch 128: {Best(rounds, () => model.Evaluate(x, y, batchSize: B, verbose: 0)):F2} ms{Cpu}");
        Console.WriteLine($"Predict 10k batch 32 (Keras default): {Best(rounds, () => model.Predict(x, verbose: 0)):F2} ms{Cpu}");
    }
}
