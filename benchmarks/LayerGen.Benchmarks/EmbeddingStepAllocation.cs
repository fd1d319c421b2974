using System.Diagnostics;
using LayerGen;
using LayerGen.Layers;
using LayerGen.Losses;
using LayerGen.Optimizers;

namespace LayerGen.Benchmarks;

/// <summary>
/// Issue 17's sparse Embedding gradient: bytes allocated and time per training step of Embedding(50000, 64) →
/// GlobalAveragePooling1D → Dense(10) on batches of 32 sequences of 20 ids, with Adam and plain SGD: the eager step
/// (<c>TrainOnBatch</c> with <c>runEagerly: true</c>) and the planned step (the default); both hand the table's gradient
/// to the optimizer row-sparse. Run:
/// <c>dotnet run -c Release --project benchmarks/LayerGen.Benchmarks -- embedding-step [steps]</c>.
/// </summary>
internal static class EmbeddingStepAllocation
{
    internal static void Run(string[] args)
    {
        int steps = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 50;
        foreach (string optimizer in new[] { "adam", "sgd" })
            foreach (bool eager in new[] { true, false })
            {
                RandomGenerator.SetGlobalSeed(1);
                var model = new Sequential([
                    new InputLayer(shape: [20], dtype: DType.Int32),
                    new Embedding(50000, 64),
                    new GlobalAveragePooling1D(),
                    new Dense(10),
                ]);
                model.Compile(optimizer: optimizer == "adam" ? new Adam() : new SGD(), loss: new SparseCategoricalCrossentropy(fromLogits: true), runEagerly: eager);
                var r = new Random(2);
                var x = Tensor.From<int>([.. Enumerable.Range(0, 32 * 20).Select(_ => r.Next(50000))], [32, 20]);
                var y = Tensor.From<int>([.. Enumerable.Range(0, 32).Select(_ => r.Next(10))], [32]);
                for (int i = 0; i < 5; i++) model.TrainOnBatch(x, y);
                long before = GC.GetAllocatedBytesForCurrentThread();
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < steps; i++) model.TrainOnBatch(x, y);
                clock.Stop();
                long bytes = (GC.GetAllocatedBytesForCurrentThread() - before) / steps;
                Console.WriteLine($"{optimizer,-4} {(eager ? "eager  " : "planned")}: {bytes / 1024.0,10:F1} KiB allocated per step, {clock.Elapsed.TotalMilliseconds / steps,7:F2} ms per step (table 50000x64 = {50000 * 64 * 4 / 1024} KiB)");
            }
    }
}
