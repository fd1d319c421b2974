using System.Globalization;
using LayerGen;
using LayerGen.Callbacks;
using LayerGen.Optimizers;

// Started by tests/Distributed.Tests, usually under `mpirun -np N`:
//   train <fit|tape> <sgd|adam> <out file> <mpi|single>  trains an MLP for 20 steps (global batch 8), rank 0 writes the weights
//   bn <sync|plain> <fit|tape> <sgd|adam> <out> <mpi|single>  the same with BatchNormalization(synchronized) between the
//                                                        Dense layers; every rank writes its weights and moving statistics to <out>.<rank>
//   resume <full|killed|resumed> <dir> <out>            2 ranks, Adam, 4 epochs of 10 steps; rank 0 saves a checkpoint (CheckpointManager in
//                                                        <dir>) after each epoch. killed: rank 1 kills itself at step 25. resumed: every
//                                                        rank restores the latest checkpoint and Fit goes on from its epoch. Rank 0 writes the weights
//   overlap <on|off> <fit|eager> <out>                   Adam, 20 steps of a 4-layer MLP with 512-byte buckets (one per variable or two),
//                                                        all-reduces overlapped with the backward pass or after it; rank 0 writes the weights
//   rows <n> <out> <mpi|single>                          SGD, Fit on the first n rows in batches of 4 (no shuffle, 2 epochs): rank 0 writes the
//                                                        weights, then the last epoch's loss (a shorter last batch: uneven parts or fewer rows than ranks)
//   shard <kind> <rows> <prefix> <mpi|single>           Fit (2 epochs, SGD) and Evaluate on a streamed Dataset of <rows> rows whose first x column is the
//                                                        row's id: kind map (Map then Batch(8)), shuffle (Shuffle(64, seed 7 + rank) then Map, Batch(8),
//                                                        Prefetch), handshard (Shard(N, rank) then Batch(4)), off (WithAutoShardPolicy(Off), Batch(4)),
//                                                        files (FromFiles of 4 CSV files of 5 rows, Batch(4)), parts (two inputs, two targets, Map, Batch(8)).
//                                                        Every rank writes <prefix>.<rank>: the ids of each step, its map calls, the logs; rank 0 the weights
//   tapeoverlap <on|off> <out>                           a GradientTape loop through strategy.Gradient (Adam, 20 steps, 512-byte buckets); rank 0 writes the weights
//   mismatch                                             every rank builds a Dense of another width: the first broadcast must fail
//   kill                                                 trains for long; rank 1 kills itself after 5 steps
//   nompi                                                FromMpi must fail clearly (LAYERGEN_MPI_LIBRARY points nowhere); Fit still works
//   predict <out prefix> <mpi|single>                    Predict 37 rows in batches of 12; every rank writes <prefix>.<rank>
//   ckptwrite <prefix>                                   trains 10 Adam steps, rank 0 writes a checkpoint; prints its checksum
//   ratio <rows> <prefix> <mpi|single>                   binary classifier compiled with Precision, Recall, AUC and accuracy; Fit (2 epochs, batch 8,
//                                                        no shuffle) and Evaluate (batch 8) on rows whose first half of every batch is mostly
//                                                        positive and second half negative (the two ranks' parts differ). Every rank writes
//                                                        <prefix>.<rank>: fit/eval logs as reported, then local/<key> (its own running metrics after Evaluate)
//   ckptrestore <prefix> <all|chief>                     every rank (or rank 0 alone) restores; after the broadcast each rank prints its checksum
var inv = CultureInfo.InvariantCulture;
switch (args.Length > 0 ? args[0] : "")
{
    case "train": return Train(args[1], args[2], args[3], args[4] == "mpi");
    case "bn": return TrainBatchNorm(args[1] == "sync", args[2], args[3], args[4], args[5] == "mpi");
    case "resume": return Resume(args[1], args[2], args[3]);
    case "overlap": return Overlap(args[1] == "on", args[2] == "eager", args[3]);
    case "rows": return Rows(int.Parse(args[1], inv), args[2], args[3] == "mpi");
    case "shard": return ShardRun(args[1], int.Parse(args[2], inv), args[3], args[4] == "mpi");
    case "tapeoverlap": return TapeOverlap(args[1] == "on", args[2]);
    case "mismatch": return Mismatch();
    case "kill": return Kill();
    case "nompi": return NoMpi();
    case "predict": return Predict(args[1], args[2] == "mpi");
    case "ckptwrite": return CheckpointWrite(args[1]);
    case "ckptrestore": return CheckpointRestore(args[1], args[2] == "all");
    case "ratio": return RatioMetrics(int.Parse(args[1], inv), args[2], args[3] == "mpi");
    default: Console.Error.WriteLine("usage: train|mismatch|kill|nompi|predict|ckptwrite|ckptrestore ..."); return 2;
}

static Sequential Mlp(int hidden) => new([new InputLayer(shape: [6]), new Dense(hidden, activation: "tanh"), new Dense(2)]);

static (Tensor X, Tensor Y) Data(int rows)
{
    RandomGenerator.SetGlobalSeed(11);
    return (Tensor.RandomNormal([rows, 6]), Tensor.RandomNormal([rows, 2]));
}

static Optimizer MakeOptimizer(string name) => name == "adam" ? new Adam(learningRate: 0.01) : new SGD(learningRate: 0.1);

// A custom GradientTape loop (mean squared error, 2 epochs of global batches of 8, shuffled with seed 5): each rank
// its part of every batch and the gradients averaged with the blocking all-reduce; without a strategy one process.
static void TapeLoop(Sequential model, Optimizer optimizer, DataParallel? strategy, Tensor x, Tensor y)
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
                grads = tape.Gradient(Ops.Mean(Ops.Square(Ops.Sub(model.Invoke(batch.X, training: true), batch.Y!))), [.. variables]);
            optimizer.Apply(strategy is null ? grads : [.. strategy.AllReduceGradients(grads)], variables);
        }
}

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
        TapeLoop(model, optimizer, strategy, x, y);
    }
    if (rank == 0)
        File.WriteAllLines(outFile, model.Variables.SelectMany(v => v.ToFloatArray()).Select(f => f.ToString("R", inv)));
    strategy?.Barrier();
    return 0;
}

int TrainBatchNorm(bool synchronized, string loop, string optimizerName, string outPrefix, bool mpi)
{
    var (x, y) = Data(80); // 80 rows, global batch 8, 2 epochs: 20 steps
    x = Ops.Add(Ops.Mul(x, Tensor.Scalar(2f)), Tensor.Scalar(0.5f)); // features with a mean and a spread to normalise
    using var strategy = mpi ? DataParallel.FromMpi() : null;
    int rank = strategy?.Rank ?? 0;
    RandomGenerator.SetGlobalSeed(100 + rank);
    // momentum 0.5: the moving statistics follow the last batches closely, so a per-rank statistic would show. No bias
    // before the normalisation (its gradient is zero up to round-off, which Adam would blow up to steps of the learning rate).
    var model = new Sequential([new InputLayer(shape: [6]), new Dense(16, useBias: false), new BatchNormalization(momentum: 0.5, synchronized: synchronized),
        new Activation("tanh"), new Dense(2)]);
    var optimizer = MakeOptimizer(optimizerName);
    if (loop == "fit")
    {
        if (strategy is not null) model.Compile(strategy, optimizer, loss: "mse");
        else model.Compile(optimizer, loss: "mse");
        model.Fit(x, y, batchSize: 8, epochs: 2, verbose: 0);
        // The planned (traced) step ran: the cross-replica sum is an op of the plan, not an eager fallback.
        Console.WriteLine($"rank {rank}: traced {model.TraceCount} step(s), trace failure: {model.TraceFailure ?? "none"}");
    }
    else
    {
        TapeLoop(model, optimizer, strategy, x, y);
    }
    // Every variable, the moving statistics (non-trainable) included, in the model's order.
    File.WriteAllLines(outPrefix + "." + rank, model.Variables.SelectMany(v => v.ToFloatArray()).Select(f => f.ToString("R", inv)));
    Console.WriteLine($"rank {rank}: wrote {model.Variables.Count} variables");
    strategy?.Barrier();
    return 0;
}

int Resume(string phase, string directory, string outFile)
{
    const int Epochs = 4, StepsPerEpoch = 10;
    var (x, y) = Data(80);
    using var strategy = DataParallel.FromMpi();
    int rank = strategy.Rank;
    RandomGenerator.SetGlobalSeed(300 + rank);
    var model = Mlp(16);
    model.Invoke(x[0..1]);
    var optimizer = new Adam(learningRate: 0.01);
    optimizer.Build(model);
    var manager = new LayerGen.Checkpoints.CheckpointManager(new LayerGen.Checkpoints.Checkpoint { ["model"] = model, ["optimizer"] = optimizer }, directory);
    int initialEpoch = 0;
    if (phase == "resumed")
    {
        // Every rank reads the files rank 0 wrote before the job was killed; Fit's broadcast would copy rank 0's anyway.
        var status = manager.RestoreLatest() ?? throw new InvalidOperationException("no checkpoint to resume from in " + directory);
        status.AssertConsumed();
        long steps = optimizer.Iterations.ToFloatArray()[0] is var it ? (long)it : 0;
        initialEpoch = (int)(steps / StepsPerEpoch);
        Console.WriteLine($"rank {rank}: resumed from {manager.LatestCheckpoint} after {steps} steps, epoch {initialEpoch}");
    }
    model.Compile(strategy, optimizer, loss: "mse");
    int step = initialEpoch * StepsPerEpoch;
    var callback = new LambdaCallback(
        onTrainBatchEnd: (_, _) =>
        {
            if (++step == 25 && phase == "killed" && rank == 1) System.Diagnostics.Process.GetCurrentProcess().Kill();
        },
        onEpochEnd: (epoch, _) =>
        {
            if (strategy.IsChief) Console.WriteLine($"rank 0: epoch {epoch + 1} saved {manager.Save()}");
        });
    model.Fit(x, y, batchSize: 8, epochs: Epochs, initialEpoch: initialEpoch, shuffle: false, verbose: 0, callbacks: [callback]);
    if (strategy.IsChief)
        File.WriteAllLines(outFile, model.Variables.SelectMany(v => v.ToFloatArray()).Select(f => f.ToString("R", inv)));
    Console.WriteLine($"rank {rank}: FINISHED after {step} steps");
    strategy.Barrier();
    return 0;
}

int Overlap(bool overlap, bool eager, string outFile)
{
    var (x, y) = Data(80);
    using var strategy = DataParallel.FromMpi(bucketBytes: 512, overlapBackward: overlap);
    RandomGenerator.SetGlobalSeed(400 + strategy.Rank);
    var model = new Sequential([new InputLayer(shape: [6]), new Dense(32, activation: "tanh"), new Dense(16, activation: "tanh"),
        new Dense(8, activation: "tanh"), new Dense(2)]);
    model.Compile(strategy, new Adam(learningRate: 0.01), loss: "mse");
    model.RunEagerly = eager;
    model.Fit(x, y, batchSize: 8, epochs: 2, verbose: 0);
    Console.WriteLine($"rank {strategy.Rank}: overlap {strategy.OverlapsBackward}, traced {model.TraceCount}, trace failure: {model.TraceFailure ?? "none"}");
    if (strategy.IsChief)
        File.WriteAllLines(outFile, model.Variables.SelectMany(v => v.ToFloatArray()).Select(f => f.ToString("R", inv)));
    strategy.Barrier();
    return 0;
}

int RatioMetrics(int rows, string prefix, bool mpi)
{
    RandomGenerator.SetGlobalSeed(13);
    var features = Tensor.RandomNormal([rows, 4]).ToFloatArray();
    var coin = Tensor.RandomUniform([rows]).ToFloatArray();
    // In every batch of 8, rows 0-3 (rank 0's part under 2 ranks) are positive with probability 0.9, rows 4-7 never: the
    // second rank's own recall and AUC are 0 and its precision 0, so an average of the ranks' values is far from the
    // global one. The first feature carries the label, so that the model learns to predict it.
    var labels = new float[rows];
    for (int i = 0; i < rows; i++)
    {
        labels[i] = coin[i] < (i % 8 < 4 ? 0.9f : 0f) ? 1 : 0;
        features[4 * i] += labels[i] == 1 ? 1f : -1f;
    }
    var x = Tensor.From<float>(features, [rows, 4]);
    var y = Tensor.From<float>(labels, [rows, 1]);
    using var strategy = mpi ? DataParallel.FromMpi() : null;
    int rank = strategy?.Rank ?? 0;
    RandomGenerator.SetGlobalSeed(700 + rank);
    var model = new Sequential([new InputLayer(shape: [4]), new Dense(1, activation: "sigmoid")]);
    var optimizer = new SGD(learningRate: 0.5);
    LayerGen.Metrics.Metric[] metrics = [new LayerGen.Metrics.Precision(), new LayerGen.Metrics.Recall(), new LayerGen.Metrics.AUC(), "accuracy"];
    if (strategy is not null) model.Compile(strategy, optimizer, loss: "binary_crossentropy", metrics: metrics);
    else model.Compile(optimizer, loss: "binary_crossentropy", metrics: metrics);
    var history = model.Fit(x, y, batchSize: 8, epochs: 2, shuffle: false, verbose: 0);
    var eval = model.Evaluate(x, y, batchSize: 8, verbose: 0);
    var local = model.MetricsResult(); // this rank's own running state after Evaluate (not reduced)
    var lines = new List<string>();
    foreach (var (k, v) in history.Values.OrderBy(e => e.Key, StringComparer.Ordinal)) lines.Add(string.Create(inv, $"fit/{k} {v[^1]:R}"));
    foreach (var (k, v) in eval.OrderBy(e => e.Key, StringComparer.Ordinal)) lines.Add(string.Create(inv, $"eval/{k} {v:R}"));
    foreach (var (k, v) in local.OrderBy(e => e.Key, StringComparer.Ordinal)) lines.Add(string.Create(inv, $"local/{k} {v:R}"));
    File.WriteAllLines(prefix + "." + rank.ToString(inv), lines);
    Console.WriteLine(string.Create(inv, $"rank {rank}: {string.Join(", ", lines)}"));
    strategy?.Barrier();
    return 0;
}

int Rows(int rows, string outFile, bool mpi)
{
    var (x, y) = Data(rows);
    using var strategy = mpi ? DataParallel.FromMpi() : null;
    int rank = strategy?.Rank ?? 0;
    RandomGenerator.SetGlobalSeed(500 + rank);
    var model = Mlp(8);
    var optimizer = new SGD(learningRate: 0.1);
    if (strategy is not null) model.Compile(strategy, optimizer, loss: "mse");
    else model.Compile(optimizer, loss: "mse");
    var history = model.Fit(x, y, batchSize: 4, epochs: 2, shuffle: false, verbose: 0);
    Console.WriteLine(string.Create(inv, $"rank {rank}: {model.Optimizer!.Iterations.ToFloatArray()[0]} steps, loss {history["loss"][^1]:R}"));
    if (rank == 0)
        File.WriteAllLines(outFile, model.Variables.SelectMany(v => v.ToFloatArray()).Select(f => f.ToString("R", inv)).Append(history["loss"][^1].ToString("R", inv)));
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

int Predict(string outPrefix, bool mpi)
{
    var (x, _) = Data(37); // batches of 12, 12, 12 and 1 (fewer rows than ranks: predicted whole on every rank)
    using var strategy = mpi ? DataParallel.FromMpi() : null;
    int rank = strategy?.Rank ?? 0;
    RandomGenerator.SetGlobalSeed(100 + rank); // ranks start apart: Predict must broadcast rank 0's weights first
    var model = Mlp(16);
    model.Invoke(x[0..1]);
    if (strategy is not null) model.Compile(strategy, new SGD(), loss: "mse");
    var y = model.Predict(x, batchSize: 12, verbose: 0);
    Console.WriteLine($"rank {rank}: predictions {y.Shape}");
    File.WriteAllLines(outPrefix + "." + rank, y.ToFloatArray().Select(f => f.ToString("R", inv)));
    return 0;
}

static (Sequential Model, Adam Optimizer) CheckpointModel(int rank, Tensor x)
{
    RandomGenerator.SetGlobalSeed(200 + rank);
    var model = Mlp(16);
    model.Invoke(x[0..1]);
    var optimizer = new Adam(learningRate: 0.01);
    optimizer.Build(model);
    return (model, optimizer);
}

/// <summary>An order-sensitive checksum of the model's and the optimizer's variables (FNV-1a of their bytes) and their count.</summary>
static string Checksum(Module model, Optimizer optimizer)
{
    ulong hash = 14695981039346656037UL;
    int count = 0;
    var variables = model.Variables.Concat(optimizer.GetCheckpointVariables().Select(p => p.Value));
    foreach (var v in variables)
    {
        count++;
        foreach (byte b in v.AsBytes()) { hash ^= b; hash *= 1099511628211UL; }
    }
    return string.Create(CultureInfo.InvariantCulture, $"{count} variables, checksum {hash:x16}");
}

int CheckpointWrite(string prefix)
{
    using var strategy = DataParallel.FromMpi();
    var (x, y) = Data(80);
    var (model, optimizer) = CheckpointModel(strategy.Rank, x);
    model.Compile(strategy, optimizer, loss: "mse");
    model.Fit(x, y, batchSize: 8, epochs: 1, verbose: 0); // 10 steps: Adam's slots and iterations are non-trivial
    if (strategy.IsChief) new LayerGen.Checkpoints.Checkpoint { ["model"] = model, ["optimizer"] = optimizer }.Write(prefix);
    strategy.Barrier();
    Console.WriteLine($"rank {strategy.Rank} of {strategy.WorldSize}: wrote {Checksum(model, optimizer)}");
    return 0;
}

int CheckpointRestore(string prefix, bool everyRank)
{
    using var strategy = DataParallel.FromMpi();
    var (x, _) = Data(80);
    var (model, optimizer) = CheckpointModel(strategy.Rank, x); // each rank starts from other weights
    if (everyRank || strategy.IsChief)
        new LayerGen.Checkpoints.Checkpoint { ["model"] = model, ["optimizer"] = optimizer }.Restore(prefix).AssertConsumed();
    strategy.Broadcast(model, optimizer);
    Console.WriteLine($"rank {strategy.Rank} of {strategy.WorldSize}: restored {Checksum(model, optimizer)}");
    return 0;
}

int ShardRun(string kind, int rows, string prefix, bool mpi)
{
    var (x, y) = Data(rows);
    var values = x.ToFloatArray();
    for (int i = 0; i < rows; i++) values[i * 6] = i; // column 0: the row's id
    x = Tensor.From<float>(values, [rows, 6]);
    var yValues = y.ToFloatArray();
    Tensor Columns(int from, int to) // x's columns [from, to)
    {
        var part = new float[rows * (to - from)];
        for (int r = 0; r < rows; r++) for (int c = from; c < to; c++) part[r * (to - from) + c - from] = values[r * 6 + c];
        return Tensor.From<float>(part, [rows, to - from]);
    }
    using var strategy = mpi ? DataParallel.FromMpi() : null;
    int rank = strategy?.Rank ?? 0, size = strategy?.WorldSize ?? 1;
    RandomGenerator.SetGlobalSeed(600 + rank); // ranks start apart: the broadcast makes them rank 0's
    int maps = 0;
    DataBatch Count(DataBatch e) { Interlocked.Increment(ref maps); return e; }
    var lines = new List<string>();
    if (kind == "partsarrays")
    {
        // Several inputs and targets given as arrays (Fit(Tensor[], Tensor[])): under a strategy they take the dataset path.
        var a = Keras.Input([4], name: "in_a");
        var b = Keras.Input([2], name: "in_b");
        var h = new LayerGen.Layers.Dense(8, activation: "tanh").Invoke(new LayerGen.Layers.Concatenate().Invoke([a, b]));
        var parts = new RecordingPartsModel([a, b], [new LayerGen.Layers.Dense(2).Invoke(h), new LayerGen.Layers.Dense(1).Invoke(h)], lines);
        parts.Compile(new SGD(learningRate: 0.1), loss: ["mse", "mse"]);
        if (strategy is not null) parts.UseDistribution(strategy);
        Tensor[] xs = [Columns(0, 4), Columns(4, 6)];
        Tensor[] ys = [y, Tensor.From<float>([.. yValues.Where((_, i) => i % 2 == 0)], [rows, 1])];
        var fitted = parts.Fit(xs, ys, batchSize: 8, epochs: 2, verbose: 0, shuffle: false);
        var scored = parts.Evaluate(xs, ys, batchSize: 8, verbose: 0);
        lines.Add("maps 0");
        lines.Add(string.Create(inv, $"loss {fitted["loss"][^1]:R}"));
        lines.Add(string.Create(inv, $"evaluate {scored["loss"]:R}"));
        File.WriteAllLines(prefix + "." + rank, lines);
        if (rank == 0)
            File.WriteAllLines(prefix + ".weights", parts.Variables.SelectMany(v => v.ToFloatArray()).Select(f => f.ToString("R", inv)));
        strategy?.Barrier();
        return 0;
    }
    Model model;
    Dataset data;
    if (kind == "parts")
    {
        var a = Keras.Input([4], name: "in_a");
        var b = Keras.Input([2], name: "in_b");
        var h = new LayerGen.Layers.Dense(8, activation: "tanh").Invoke(new LayerGen.Layers.Concatenate().Invoke([a, b]));
        model = new Model([a, b], [new LayerGen.Layers.Dense(2).Invoke(h), new LayerGen.Layers.Dense(1).Invoke(h)]);
        model.Compile(new SGD(learningRate: 0.1), loss: ["mse", "mse"]);
        if (strategy is not null) model.UseDistribution(strategy);
        data = Dataset.FromTensors([Columns(0, 4), Columns(4, 6)], [y, Tensor.From<float>([.. yValues.Where((_, i) => i % 2 == 0)], [rows, 1])]).Map(Count).Batch(8);
    }
    else
    {
        var recording = new RecordingModel([new InputLayer(shape: [6]), new Dense(8, activation: "tanh"), new Dense(2)], lines);
        model = recording;
        if (strategy is not null) model.Compile(strategy, new SGD(learningRate: 0.1), loss: "mse");
        else model.Compile(new SGD(learningRate: 0.1), loss: "mse");
        var rowsOf = Dataset.FromTensors(x, y);
        data = kind switch
        {
            "map" => rowsOf.Map(Count).Batch(8),
            "shuffle" => rowsOf.Shuffle(64, seed: 7 + rank).Map(Count, numParallelCalls: 2).Batch(8).Prefetch(2),
            "handshard" => rowsOf.Shard(size, rank).Map(Count).Batch(4),
            "off" => rowsOf.Map(Count).Batch(4).WithAutoShardPolicy(AutoShardPolicy.Off),
            "files" => Files(rows, Count),
            _ => throw new ArgumentException("kind " + kind),
        };
    }
    var history = model.Fit(data, epochs: 2, verbose: 0);
    var evaluated = model.Evaluate(data, verbose: 0);
    lines.Add($"maps {maps}");
    lines.Add(string.Create(inv, $"loss {history["loss"][^1]:R}"));
    lines.Add(string.Create(inv, $"evaluate {evaluated["loss"]:R}"));
    if (kind == "parts")
    {
        var predicted = model.PredictOutputs(Dataset.FromTensors([Columns(0, 4), Columns(4, 6)]).Batch(8), verbose: 0);
        lines.Add("predict " + string.Join(" ", predicted.SelectMany(t => t.ToFloatArray()).Select(f => f.ToString("R", inv))));
    }
    File.WriteAllLines(prefix + "." + rank, lines);
    if (rank == 0)
        File.WriteAllLines(prefix + ".weights", model.Variables.SelectMany(v => v.ToFloatArray()).Select(f => f.ToString("R", inv)));
    Console.WriteLine($"rank {rank}: {lines.Count(l => l.StartsWith("step", StringComparison.Ordinal))} steps, {maps} map calls");
    strategy?.Barrier();
    return 0;

    Dataset Files(int n, Func<DataBatch, DataBatch> count)
    {
        // 4 CSV files of n / 4 rows each: x's 6 columns, then y's first as the label (the target: it twice)
        string dir = $"{prefix}.files.{rank}";
        Directory.CreateDirectory(dir);
        var paths = new List<string>();
        int per = n / 4;
        for (int f = 0; f < 4; f++)
        {
            var text = new System.Text.StringBuilder("a,b,c,d,e,f,label\n");
            for (int r = f * per; r < (f + 1) * per; r++)
                text.Append(string.Join(",", Enumerable.Range(0, 6).Select(c => values[r * 6 + c].ToString("R", inv)))).Append(',').Append(yValues[r * 2].ToString("R", inv)).Append('\n');
            string path = Path.Combine(dir, $"part{f}.csv");
            File.WriteAllText(path, text.ToString());
            paths.Add(path);
        }
        return Dataset.FromFiles(paths, p => Dataset.FromCsv(p, labelColumn: -1)).Map(e => count(e with { Y = Tensor.From<float>([e.Y!.ToScalar<float>(), e.Y!.ToScalar<float>()], [2]) })).Batch(4);
    }
}

int TapeOverlap(bool overlap, string outFile)
{
    var (x, y) = Data(80);
    using var strategy = DataParallel.FromMpi(bucketBytes: 512, overlapBackward: overlap);
    RandomGenerator.SetGlobalSeed(700 + strategy.Rank);
    var model = new Sequential([new InputLayer(shape: [6]), new Dense(32, activation: "tanh"), new Dense(16, activation: "tanh"),
        new Dense(8, activation: "tanh"), new Dense(2)]);
    var optimizer = new Adam(learningRate: 0.01);
    model.Invoke(x[0..1]);
    optimizer.Build(model);
    strategy.Broadcast(model, optimizer);
    var variables = model.TrainableVariables;
    var data = Dataset.FromTensors(x, y).Shuffle(5).Batch(8);
    for (int epoch = 0; epoch < 2; epoch++)
        foreach (var globalBatch in data)
        {
            if (strategy.Shard(globalBatch) is not { } batch) continue;
            Tensor?[] grads;
            using (var tape = new GradientTape())
                grads = strategy.Gradient(tape, Ops.Mean(Ops.Square(Ops.Sub(model.Invoke(batch.X, training: true), batch.Y!))), variables);
            optimizer.Apply(grads, variables);
        }
    Console.WriteLine($"rank {strategy.Rank}: overlap {strategy.OverlapsBackward}");
    if (strategy.IsChief)
        File.WriteAllLines(outFile, model.Variables.SelectMany(v => v.ToFloatArray()).Select(f => f.ToString("R", inv)));
    strategy.Barrier();
    return 0;
}

/// <summary>A Sequential model that records the ids (first x column) of every training batch.</summary>
internal sealed class RecordingPartsModel(Tensor[] inputs, Tensor[] outputs, List<string> lines) : Model(inputs, outputs)
{
    private int _step;

    public override Dictionary<string, double> TrainStep(Tensor[] x, Tensor[] y, Tensor?[]? sampleWeight)
    {
        var v = x[0].ToFloatArray();
        int cols = x[0].Shape[1];
        lines.Add($"step {_step++} " + string.Join(" ", Enumerable.Range(0, x[0].Shape[0]).Select(r => ((int)v[r * cols]).ToString(CultureInfo.InvariantCulture))));
        return base.TrainStep(x, y, sampleWeight);
    }
}

internal sealed class RecordingModel(IEnumerable<LayerGen.Layers.Layer> layers, List<string> lines) : Sequential(layers)
{
    private int _step;

    public override Dictionary<string, double> TrainStep(Tensor x, Tensor? y, Tensor? sampleWeight)
    {
        var v = x.ToFloatArray();
        int cols = x.Shape[1];
        lines.Add($"step {_step++} " + string.Join(" ", Enumerable.Range(0, x.Shape[0]).Select(r => ((int)v[r * cols]).ToString(CultureInfo.InvariantCulture))));
        return base.TrainStep(x, y, sampleWeight);
    }
}
