// LayerGen DistributedFashionMnist: the FashionMnist sample's classifier trained data-parallel on several processes
// with Open MPI (docs/distributed.md). Every rank loads the data and builds the model; DataParallel.FromMpi() makes
// them one job: rank 0's weights are broadcast, each rank trains on its part of every global batch, the gradients
// are averaged with MPI_Allreduce, rank 0 alone prints the progress bar and saves the model, and every rank ends
// with the same weights (each prints a checksum of them).
//
//   dotnet build -c Release samples/DistributedFashionMnist
//   mpirun -np 2 dotnet run -c Release --no-build --project samples/DistributedFashionMnist [-- options]
//   mpirun -np 2 dotnet run --project samples/DistributedFashionMnist          (builds on every rank first)
// (add --oversubscribe on a machine with fewer cores than ranks, --allow-run-as-root as root)
//
// Options: --epochs N (2), --batch-size B (256, the GLOBAL batch), --model mlp|convnet (mlp), --train-rows N (all 60,000),
// --data DIRECTORY (Debian's dataset-fashion-mnist files by default), --out FILE (fashion-distributed.keras).
using System.Diagnostics;
using System.Globalization;
using LayerGen;
using LayerGen.Datasets;
using LayerGen.Distributed;
using LayerGen.Layers;
using LayerGen.Losses;
using LayerGen.Optimizers;

int epochs = 2, batchSize = 256, trainRows = 0;
string modelKind = "mlp", outFile = "fashion-distributed.keras";
string? dataDirectory = null;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--epochs": epochs = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--batch-size": batchSize = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--train-rows": trainRows = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--model": modelKind = args[i + 1]; break;
        case "--data": dataDirectory = args[i + 1]; break;
        case "--out": outFile = args[i + 1]; break;
        default:
            Console.Error.WriteLine($"unknown option {args[i]} (use --epochs N, --batch-size B, --model mlp|convnet, --train-rows N, --data DIRECTORY, --out FILE)");
            return 2;
    }
}

// 1. The job: MPI_COMM_WORLD of mpirun (run alone, a job of one rank). Without Open MPI this explains what to install.
DataParallel strategy;
try { strategy = DataParallel.FromMpi(); }
catch (MpiNotAvailableException e) { Console.Error.WriteLine(e.Message); return 1; }
using var _ = strategy;
int rank = strategy.Rank, ranks = strategy.WorldSize;
RandomGenerator.SetGlobalSeed(16 + rank); // ranks initialise differently on purpose: the broadcast makes them rank 0's

// 2. The data: every rank loads all of it; Fit gives each rank its part of every global batch.
ImageClassificationData data;
try { data = FashionMnist.Load(dataDirectory); }
catch (DatasetNotFoundException e) { Console.Error.WriteLine($"rank {rank}: {e.Message}"); return 1; }
var ((xTrain, yTrain), (xTest, yTest)) = data;
if (trainRows > 0 && trainRows < xTrain.Shape[0]) { xTrain = xTrain[0..trainRows]; yTrain = yTrain[0..trainRows]; }
if (modelKind == "convnet") { xTrain = Ops.ExpandDims(xTrain, -1); xTest = Ops.ExpandDims(xTest, -1); }

// Rank r of N takes the r-th of N contiguous parts of each global batch (sizes differ by at most one row); a last
// batch with fewer rows than ranks is skipped.
int rows = xTrain.Shape[0], fullBatches = rows / batchSize, lastBatch = rows % batchSize;
long shardRows = (long)fullBatches * PartOf(batchSize) + (lastBatch >= ranks ? PartOf(lastBatch) : lastBatch); // fewer rows than ranks: whole on every rank
Console.WriteLine($"rank {rank} of {ranks}: {shardRows} of {rows} training rows per epoch, {PartOf(batchSize)} of every global batch of {batchSize}");

// 3. The model: the same on every rank.
Sequential model = modelKind switch
{
    "mlp" => new Sequential([
        new InputLayer(shape: [28, 28]),
        new Flatten(),
        new Dense(128, activation: "relu"),
        new Dense(10, activation: "softmax"),
    ]),
    "convnet" => new Sequential([
        new InputLayer(shape: [28, 28, 1]),
        new Conv2D(32, kernelSize: 3, activation: "relu"),
        new MaxPooling2D(poolSize: [2, 2]),
        new Conv2D(64, kernelSize: 3, activation: "relu"),
        new MaxPooling2D(poolSize: [2, 2]),
        new Flatten(),
        new Dropout(0.5),
        new Dense(10, activation: "softmax"),
    ]),
    _ => throw new ArgumentException($"--model must be mlp or convnet, not {modelKind}"),
};
if (strategy.IsChief) model.Summary();

// 4. Train: batchSize is the global batch; only rank 0 prints the progress bar.
model.Compile(strategy, new Adam(learningRate: 0.001), new SparseCategoricalCrossentropy(), metrics: ["accuracy"]);
var clock = Stopwatch.StartNew();
var history = model.Fit(xTrain, yTrain, batchSize: batchSize, epochs: epochs);
if (strategy.IsChief) Console.WriteLine($"Trained {epochs} epochs on {ranks} ranks in {clock.Elapsed.TotalSeconds:F1} s; last loss {history["loss"][^1]:F4} (averaged over ranks)");

// 5. Evaluate (each rank its part, averaged) and Predict (each rank its part, gathered in order on every rank).
var scores = model.Evaluate(xTest, yTest, batchSize: 1000, verbose: 0);
var predictions = model.Predict(xTest, batchSize: 1000, verbose: 0);
var predicted = Ops.ArgMax(predictions, -1).ToArray<long>();
var labels = yTest.ToArray<int>();
int correct = 0;
for (int i = 0; i < labels.Length; i++) if (predicted[i] == labels[i]) correct++;
if (strategy.IsChief)
    Console.WriteLine($"Test loss {scores["loss"]:F4}, accuracy {scores["accuracy"]:F4}; Predict gathered {predictions.Shape[0]} rows on every rank, {correct} correct");

// 6. Rank 0 alone writes the model; the others wait for it.
if (strategy.IsChief)
{
    model.Save(outFile);
    Console.WriteLine($"rank 0 saved {outFile} ({new FileInfo(outFile).Length / 1024} KiB)");
}
strategy.Barrier();

// 7. Every rank's weights, as a checksum (FNV-1a of their bytes): the same on every rank.
ulong hash = 14695981039346656037UL;
double sum = 0;
foreach (var v in model.Variables)
{
    foreach (byte b in v.AsBytes()) { hash ^= b; hash *= 1099511628211UL; }
    sum += Ops.Sum(Ops.Cast(v, DType.Float64)).ToScalar<double>();
}
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rank {rank} of {ranks}: weights checksum {hash:x16} (sum {sum:R}), {correct} of {labels.Length} test images right"));
return 0;

int PartOf(int batchRows) => batchRows / ranks + (rank < batchRows % ranks ? 1 : 0);
