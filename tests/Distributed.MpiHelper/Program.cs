using System.Globalization;
using LayerGen;
using LayerGen.Callbacks;
using LayerGen.Optimizers;

// Started by tests/Distributed.Tests, usually under `mpirun -np N`:
//   train <fit|tape> <sgd|adam> <out file> <mpi|single>  trains an MLP for 20 steps (global batch 8), rank 0 writes the weights
//   mismatch                                             every rank builds a Dense of another width: the first broadcast must fail
//   kill                                                 trains for long; rank 1 kills itself after 5 steps
//   nompi                                                FromMpi must fail clearly (LAYERGEN_MPI_LIBRARY points nowhere); Fit still works
var inv = CultureInfo.InvariantCulture;
switch (args.Length > 0 ? args[0] : "")
{
    case "train": return Train(args[1], args[2], args[3], args[4] == "mpi");
    case "mismatch": return Mismatch();
    case "kill": return Kill();
    case "nompi": return NoMpi();
    default: Console.Error.WriteLine("usage: train|mismatch|kill|nompi ..."); return 2;
}

static Sequential Mlp(int hidden) => new([new InputLayer(shape: [6]), new Dense(hidden, activation: "tanh"), new Dense(2)]);

static (Tensor X, Tensor Y) Data(int rows)
{
    RandomGenerator.SetGlobalSeed(11);
    return (Tensor.RandomNormal([rows, 6]), Tensor.RandomNormal([rows, 2]));
}

static Optimizer MakeOptimizer(string name) => name == "adam" ? new Adam(learningRate: 0.01) : new SGD(learningRate: 0.1);

int Train(string loop, string optimizerName, string outFile, bool mpi)
{
    var (x, y) = Data(80); // 80 rows, global batch 8, 2 epochs: 20 steps
    using var strategy = mpi ? DataParallel.FromMpi() : null;
    int rank = strategy?.Rank ?? 0;
    RandomGenerator.SetGlobalSeed(100 + rank); // ranks start from different weights: the broadcast must make them rank 0's
    var model = Mlp(16);
    var optimizer = MakeOptimizer(optimizerName);
    if (loop == "fit")
    {
        if (strategy is not null) model.Compile(strategy, optimizer, loss: "mse");
        else model.Compile(optimizer, loss: "mse");
        var h = model.Fit(x, y, batchSize: 8, epochs: 2, verbose: 0);
        Console.WriteLine(string.Create(inv, $"rank {rank}: loss {h["loss"][^1]:R}"));
    }
    else
    {
        model.Invoke(x[0..1]);
        optimizer.Build(model);
        strategy?.Broadcast(model, optimizer);
        var variables = model.TrainableVariables;
        var data = Dataset.FromTensors(x, y).Shuffle(5).Batch(8);
        for (int epoch = 0; epoch < 2; epoch++)
            foreach (var globalBatch in data)
            {
                if ((strategy is null ? globalBatch : strategy.Shard(globalBatch)) is not { } batch) continue;
                Tensor?[] grads;
                using (var tape = new GradientTape())
                {
                    var pred = model.Invoke(batch.X, training: true);
                    var loss = Ops.Mean(Ops.Square(Ops.Sub(pred, batch.Y!)));
                    grads = tape.Gradient(loss, [.. variables]);
                }
                var reduced = strategy is null ? grads : [.. strategy.AllReduceGradients(grads)];
                optimizer.Apply(reduced, variables);
            }
    }
    if (rank == 0)
        File.WriteAllLines(outFile, model.Variables.SelectMany(v => v.ToFloatArray()).Select(f => f.ToString("R", inv)));
    strategy?.Barrier();
    return 0;
}

static int Mismatch()
{
    using var strategy = DataParallel.FromMpi();
    var (x, y) = Data(16);
    var model = Mlp(8 + strategy.Rank);
    model.Compile(strategy, new SGD(), loss: "mse");
    try
    {
        model.Fit(x, y, batchSize: 8, epochs: 1, verbose: 0);
        Console.WriteLine($"rank {strategy.Rank}: NO ERROR");
        return 0;
    }
    catch (DistributedMismatchException e)
    {
        Console.WriteLine($"rank {strategy.Rank}: MISMATCH {e.Message}");
        return 3;
    }
}

static int Kill()
{
    using var strategy = DataParallel.FromMpi();
    var (x, y) = Data(4096);
    var model = Mlp(64);
    model.Compile(strategy, new Adam(), loss: "mse");
    int steps = 0;
    var killer = new LambdaCallback(onTrainBatchEnd: (_, _) =>
    {
        if (++steps == 5 && strategy.Rank == 1) System.Diagnostics.Process.GetCurrentProcess().Kill();
        if (strategy.Rank == 0) Console.WriteLine($"rank 0 step {steps}");
    });
    model.Fit(x, y, batchSize: 16, epochs: 1000, verbose: 0, callbacks: [killer]);
    Console.WriteLine("rank 0 FINISHED");
    return 0;
}

static int NoMpi()
{
    try
    {
        DataParallel.FromMpi();
        Console.WriteLine("NO ERROR");
        return 1;
    }
    catch (MpiNotAvailableException e) { Console.WriteLine("NOT AVAILABLE " + e.Message); }
    var (x, y) = Data(16);
    var model = Mlp(4);
    model.Compile(new SGD(), loss: "mse");
    model.Fit(x, y, batchSize: 8, epochs: 1, verbose: 0);
    Console.WriteLine("SINGLE OK");
    return 0;
}
