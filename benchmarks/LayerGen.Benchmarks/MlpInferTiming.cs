using System.Diagnostics;
using LayerGen;
using LayerGen.Losses;
using LayerGen.Optimizers;

namespace LayerGen.Benchmarks;

/// <summary>
/// Issue 22's inference probe (Stopwatch, best of 7): where the 10,000-image Evaluate/Predict time of the MLP
/// 784-256-256-10 goes. Times, over the 10,000 test images: each dense product alone in a plan (x @ W, W a variable,
/// so the plan packs it once) at batch 128, the whole model's plan at batch 128 / 1024 / 10,000, and
/// <c>Predict</c> / <c>Evaluate</c> at batch 128. GFLOP/s counts 2·M·N·K per product. The first product also runs on
/// the 78 different batches (its input then comes from memory, not cache, as in the model's plan).
/// Run: <c>benchmarks/LayerGen.Benchmarks/bin/Release/net10.0/LayerGen.Benchmarks mlp-infer [rounds]</c>.
/// </summary>
internal static class MlpInferTiming
{
    private static double Best(int rounds, Action run)
    {
        run();
        double best = double.MaxValue;
        for (int r = 0; r < rounds; r++)
        {
            var sw = Stopwatch.StartNew();
            run();
            best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
        }
        return best;
    }

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
            var input = g.Uniform([B, k]);
            var plan = TensorFunction.Trace(a => Ops.MatMul(a, w)).Plan(input.Spec);
            double ms = Best(rounds, () => { for (int b = 0; b < batches; b++) plan.Run(input); });
            Console.WriteLine($"plan x@W {B}x{k} @ {k}x{n}, x{batches}: {ms:F2} ms = {ms / batches * 1e3:F1} us per product, {2.0 * B * n * k * batches / (ms * 1e6):F0} GFLOP/s");

            if (k == 784)
            {
                // The same product on the 78 different test batches (x cold in cache each time, as in the model's plan).
                double cold = Best(rounds, () => { foreach (var sl in slices) plan.Run(sl); });
                Console.WriteLine($"plan x@W {B}x{k} @ {k}x{n}, 78 different batches: {cold:F2} ms = {cold / batches * 1e3:F1} us per product, {2.0 * B * n * k * batches / (cold * 1e6):F0} GFLOP/s");
            }
        }

        RandomGenerator.SetGlobalSeed(22);
        var model = MlpFitTiming.NewMlp();
        model.Compile(new Adam(learningRate: 1e-3), new SparseCategoricalCrossentropy(fromLogits: true), ["accuracy"]);
        model.Invoke(slices[0]);
        double flop = 2.0 * (784 * 256 + 256 * 256 + 256 * 10) * B * batches;
        var plan128 = TensorFunction.Trace(a => model.Invoke(a, training: false)).Plan(slices[0].Spec);
        double ms128 = Best(rounds, () => { foreach (var s in slices) plan128.Run(s); });
        Console.WriteLine($"model plan, batch 128 x{batches}: {ms128:F2} ms, {flop / (ms128 * 1e6):F0} GFLOP/s");
        foreach (int big in new[] { 1024, 9984 })
        {
            var bigSlices = Enumerable.Range(0, 9984 / big).Select(b => x[(b * big)..(b * big + big)]).ToArray();
            var planBig = TensorFunction.Trace(a => model.Invoke(a, training: false)).Plan(bigSlices[0].Spec);
            double ms = Best(rounds, () => { foreach (var s in bigSlices) planBig.Run(s); });
            Console.WriteLine($"model plan, batch {big} x{bigSlices.Length}: {ms:F2} ms ({big * bigSlices.Length} rows), {2.0 * (784 * 256 + 256 * 256 + 256 * 10) * big * bigSlices.Length / (ms * 1e6):F0} GFLOP/s");
        }
        Console.WriteLine($"Predict 10k batch 128: {Best(rounds, () => model.Predict(x, batchSize: B, verbose: 0)):F2} ms");
        Console.WriteLine($"Evaluate 10k batch 128: {Best(rounds, () => model.Evaluate(x, y, batchSize: B, verbose: 0)):F2} ms");
        Console.WriteLine($"Predict 10k batch 32 (Keras default): {Best(rounds, () => model.Predict(x, verbose: 0)):F2} ms");
    }
}
