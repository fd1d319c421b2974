using System.Diagnostics;
using LayerGen;
using LayerGen.Callbacks;
using LayerGen.Datasets;
using LayerGen.Layers;
using LayerGen.Losses;
using LayerGen.Optimizers;

namespace LayerGen.Benchmarks;

/// <summary>
/// Issue 22's Stopwatch measurements (not BenchmarkDotNet: an epoch of <c>Fit</c> is seconds long and includes the
/// input pipeline): the MLP 784-256-256-10 on Fashion-MNIST, batch 128, Adam. Reports <c>Fit</c> per epoch (planned,
/// the default, and <c>runEagerly: true</c>), the hand-planned step per batch (forward, loss and gradients in one plan,
/// Adam applied to its outputs), bytes allocated per planned <c>TrainOnBatch</c> and per hand-planned step, and
/// <c>Evaluate</c> / <c>Predict</c> over the 10,000 test images. Run:
/// <c>dotnet run -c Release --project benchmarks/LayerGen.Benchmarks -- mlp-fit [epochs]</c>.
/// </summary>
internal static class MlpFitTiming
{
    internal static Sequential NewMlp()
    {
        var model = new Sequential([
            new InputLayer(shape: [784]),
            new Dense(256, activation: "relu"),
            new Dense(256, activation: "relu"),
            new Dense(10),
        ]);
        return model;
    }

    /// <summary>Fashion-MNIST flattened to 784 features; random images when the dataset is not installed.</summary>
    internal static (Tensor XTrain, Tensor YTrain, Tensor XTest, Tensor YTest) Data()
    {
        try
        {
            var ((xTrain, yTrain), (xTest, yTest)) = FashionMnist.Load();
            return (Ops.Reshape(xTrain, [60000, 784]), yTrain, Ops.Reshape(xTest, [10000, 784]), yTest);
        }
        catch (DatasetNotFoundException e)
        {
            Console.WriteLine($"// {e.Message} Using random images (the timings do not depend on the pixels).");
            var g = new RandomGenerator(22);
            Tensor Labels(int n) => Tensor.From(Enumerable.Range(0, n).Select(i => i % 10).ToArray());
            return (g.Uniform([60000, 784]), Labels(60000), g.Uniform([10000, 784]), Labels(10000));
        }
    }

    private sealed class EpochTimer : Callback
    {
        private readonly Stopwatch _watch = new();
        public List<double> Seconds { get; } = [];
        public override void OnEpochBegin(int epoch, IDictionary<string, double> logs) => _watch.Restart();
        public override void OnEpochEnd(int epoch, IDictionary<string, double> logs) => Seconds.Add(_watch.Elapsed.TotalSeconds);
    }

    private static string Epochs(List<double> s) => string.Join(", ", s.Select(v => $"{v:F3}"));

    private static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    public static void Run(string[] args)
    {
        int epochs = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 3;
        var (xTrain, yTrain, xTest, yTest) = Data();
        var loss = new SparseCategoricalCrossentropy(fromLogits: true);
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

        foreach (bool eager in new[] { false, true })
        {
            RandomGenerator.SetGlobalSeed(22);
            var model = NewMlp();
            model.Compile(new Adam(learningRate: 1e-3), loss, ["accuracy"], runEagerly: eager);
            var timer = new EpochTimer();
            var history = model.Fit(xTrain, yTrain, batchSize: 128, epochs: eager ? Math.Min(2, epochs) : epochs, verbose: 0, callbacks: [timer]);
            var warm = timer.Seconds.Skip(1).DefaultIfEmpty(timer.Seconds[0]);
            Console.WriteLine($"Fit ({(eager ? "runEagerly" : "planned")}): epochs {Epochs(timer.Seconds)} s; best warm {warm.Min():F3} s = {warm.Min() / 469 * 1e3:F2} ms/step; loss {history["loss"][^1]:F4}, traces {model.TraceCount}");
            foreach (var (name, run) in new (string, Func<object>)[]
            {
                ("Evaluate", () => model.Evaluate(xTest, yTest, batchSize: 128, verbose: 0)),
                ("Predict", () => model.Predict(xTest, batchSize: 128, verbose: 0)),
            })
            {
                run();
                var samples = new List<double>();
                for (int i = 0; i < 5; i++)
                {
                    var sw = Stopwatch.StartNew();
                    run();
                    samples.Add(sw.Elapsed.TotalMilliseconds);
                }
                Console.WriteLine($"{name} 10k (batch 128, {(eager ? "runEagerly" : "planned")}): median {Median(samples):F1} ms, min {samples.Min():F1} ms");
            }
            if (eager) continue;

            // Bytes per planned TrainOnBatch (metrics included), the model already traced for batch 128.
            var xb = xTrain[0..128];
            var yb = yTrain[0..128];
            for (int i = 0; i < 5; i++) model.TrainOnBatch(xb, yb, resetMetrics: false);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++) model.TrainOnBatch(xb, yb, resetMetrics: false);
            Console.WriteLine($"Planned TrainOnBatch: {(GC.GetAllocatedBytesForCurrentThread() - before) / 100.0:F0} bytes allocated per step (loss tracker and accuracy included)");
            var bare = NewMlp();
            bare.Compile(new Adam(learningRate: 1e-3), loss);
            for (int i = 0; i < 5; i++) bare.TrainOnBatch(xb, yb, resetMetrics: false);
            before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++) bare.TrainOnBatch(xb, yb, resetMetrics: false);
            Console.WriteLine($"Planned TrainOnBatch without metrics: {(GC.GetAllocatedBytesForCurrentThread() - before) / 100.0:F0} bytes allocated per step (loss tracker included)");
        }

        // The hand-planned step (TrainingBenchmarks.PlannedTrainStepSgd's recipe with Adam), over the same batches.
        RandomGenerator.SetGlobalSeed(22);
        var hand = NewMlp();
        hand.Invoke(xTrain[0..128]);
        Variable[] variables = [.. hand.TrainableVariables];
        var step = TensorFunction.Trace(xy =>
        {
            using var tape = new GradientTape();
            var value = loss.Call(xy[1], hand.Invoke(xy[0], training: true));
            return [value, .. tape.Gradient(value, variables).Select(g => g!)];
        }, 2).Plan(xTrain[0..128].Spec, yTrain[0..128].Spec);
        var adam = new Adam(learningRate: 1e-3);
        var grads = new Tensor[variables.Length];
        var batchesX = Enumerable.Range(0, 60000 / 128).Select(b => xTrain[(b * 128)..(b * 128 + 128)]).ToArray();
        var batchesY = Enumerable.Range(0, 60000 / 128).Select(b => yTrain[(b * 128)..(b * 128 + 128)]).ToArray();
        void HandStep(int b)
        {
            var outputs = step.RunAll(batchesX[b], batchesY[b]);
            for (int i = 0; i < grads.Length; i++) grads[i] = outputs[i + 1];
            adam.Apply(grads, variables);
        }
        for (int b = 0; b < 5; b++) HandStep(b);
        long handBefore = GC.GetAllocatedBytesForCurrentThread();
        for (int b = 0; b < 100; b++) HandStep(b);
        long handBytes = (GC.GetAllocatedBytesForCurrentThread() - handBefore) / 100;
        Console.WriteLine($"Hand-planned step: {step}; steps that allocate their output: [{string.Join(", ", step.AllocatingSteps.Select(o => o.Name))}]");
        var passes = new List<double>();
        for (int e = 0; e < epochs; e++)
        {
            var sw = Stopwatch.StartNew();
            for (int b = 0; b < batchesX.Length; b++) HandStep(b);
            passes.Add(sw.Elapsed.TotalSeconds);
        }
        // The same batches through the planned TrainOnBatch (metrics and loss tracker included, no input pipeline).
        RandomGenerator.SetGlobalSeed(22);
        var onBatch = NewMlp();
        onBatch.Compile(new Adam(learningRate: 1e-3), loss, ["accuracy"]);
        var onBatchPasses = new List<double>();
        for (int e = 0; e < epochs; e++)
        {
            var sw = Stopwatch.StartNew();
            for (int b = 0; b < batchesX.Length; b++) onBatch.TrainOnBatch(batchesX[b], batchesY[b], resetMetrics: false);
            onBatchPasses.Add(sw.Elapsed.TotalSeconds);
        }
        Console.WriteLine($"Planned TrainOnBatch over the same batches: passes {Epochs(onBatchPasses)} s; best {onBatchPasses.Min():F3} s = {onBatchPasses.Min() / batchesX.Length * 1e3:F2} ms/step");
        Console.WriteLine($"Hand-planned step (Adam, {batchesX.Length} batches of 128, no shuffle, no metrics): passes {Epochs(passes)} s; best {passes.Min():F3} s = {passes.Min() / batchesX.Length * 1e3:F2} ms/step; {handBytes} bytes per step");
        Console.WriteLine($"Process: {(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (1024.0 * 1024 * 1024):F2} GiB allocated in all, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MiB");
    }
}
